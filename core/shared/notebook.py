"""Take-home notebooks: what a page shows, as a Jupyter notebook of plain Keras and NumPy.

Each topic writes its own cells (`core/<topic>/notebook.py`) with the student's settings in them; this
module only puts them into the notebook format. A notebook never imports this project: a student runs
it anywhere with `pip install tensorflow matplotlib`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import nbformat

APP_NAME = "CNN & RNN Lab"


@dataclass(frozen=True)
class Cell:
    """One cell of a notebook: a step's words (markdown) or its code."""

    kind: Literal["markdown", "code"]
    text: str


def words(text: str) -> Cell:
    return Cell("markdown", textwrap.dedent(text).strip())


def code(*parts: str) -> Cell:
    """A code cell of `parts`, each dedented on its own (a snippet shared by several notebooks is one of them)."""
    return Cell("code", "\n\n".join(textwrap.dedent(part).strip() for part in parts))


def curves_code(metric: str, validation_label: str, log_scale: bool = False) -> str:
    """The lines that plot a fit's `history` of `metric`, training beside validation; `validation_label` is code
    (a string literal, or an f-string of the notebook's own settings)."""
    lines = [
        f'plt.plot(history.history["{metric}"], label="training")',
        f'plt.plot(history.history["val_{metric}"], ":", label={validation_label})',
        'plt.xlabel("epoch")',
        *(['plt.yscale("log")'] if log_scale else []),
        "plt.legend()",
        "plt.show()",
    ]
    return "\n".join(lines)


def settings_text(settings: Mapping[str, object]) -> str:
    """The student's settings as a markdown list, in the page's words."""
    return "\n".join(f"- {name}: **{value}**" for name, value in settings.items())


@dataclass(frozen=True)
class Notebook:
    """A topic's notebook: its title, the student's settings it was made with, and its cells."""

    title: str
    settings: Mapping[str, object]
    cells: Sequence[Cell]

    def to_bytes(self, page: str) -> bytes:
        """The notebook as a Jupyter file (nbformat 4), its first cell naming the app's `page` and the settings."""
        heading = words(
            f"# {self.title}\n\n"
            f"Made by the {APP_NAME}'s **{page}** page with these settings:\n\n{settings_text(self.settings)}\n\n"
            "Plain Keras, NumPy and Matplotlib: run it anywhere with `pip install tensorflow matplotlib`, change a "
            "line, run it again."
        )
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        notebook.metadata["language_info"] = {"name": "python"}
        notebook.cells = [
            nbformat.v4.new_markdown_cell(cell.text)
            if cell.kind == "markdown"
            else nbformat.v4.new_code_cell(cell.text)
            for cell in (heading, *self.cells)
        ]
        nbformat.validate(notebook)
        return nbformat.writes(notebook).encode()


def file_name(page: str) -> str:
    """The notebook's file name: the page's name, lower case, words joined by hyphens."""
    return "-".join(page.lower().replace("&", " ").split()) + ".ipynb"
