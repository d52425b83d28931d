"""The command line's pieces: each topic declares its own `python -m core <group> <name>` commands.

A topic's `recipes.py` lists them in `COMMANDS`; `core/__main__.py` gathers every topic's, so a new topic's
training or evaluation needs no line there.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

# The command groups, and what each says in `python -m core --help`.
GROUPS = {
    "train": "train a model and save it",
    "evaluate": "evaluate a saved model on a folder of data",
    "synthesise": "make training data with a local text-to-speech engine",
}


@dataclass(frozen=True)
class Command:
    """`python -m core <group> <name> …`: its help line, how it adds its arguments, and what runs it."""

    group: str  # one of GROUPS
    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], None]


def share(text: str) -> float:
    """A command-line share: a number from 0 to 1."""
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a share is from 0 to 1; got {text}")
    return value
