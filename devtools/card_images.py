"""Draw the pictures of the home page's cards: `python -m devtools.card_images [--out DIR]` rewrites assets/cards/.

Each topic draws its own (`core/<topic>/card.py`, `draw_card`); the registry says which pages have a card,
under which file name, and which topic they are (their Check yourself topic is their package's name).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from app_pages import registry
from core.shared.assets import CARDS


def card_drawers() -> dict[str, Callable[[], Image.Image]]:
    """Each card picture's file name and the function of its topic that draws it, from the registry."""
    return {
        entry.card.picture: importlib.import_module(f"core.{entry.quiz}.card").draw_card
        for entry in registry.PAGES
        if entry.card is not None
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CARDS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for picture, draw_card in card_drawers().items():
        draw_card().save(args.out / picture, optimize=True)
        print(args.out / picture)


if __name__ == "__main__":
    main()
