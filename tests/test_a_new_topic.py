"""A new topic page joins the house through the registry alone: a test adds a fake one and follows it around."""

from __future__ import annotations

import shutil
import sys
import types
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from app_pages import registry
from core import quiz
from core.shared import assets

PAGE = """
import streamlit as st

from app_pages.common.check_yourself import check_yourself

st.title("A fake topic")
st.markdown("Only here to show that a page needs no line outside the registry.")
check_yourself("fake")
"""


def fake_question(rng: np.random.Generator) -> quiz.Question:
    number = int(rng.integers(2, 9))
    return quiz.Question(f"What is {number} + 1?", "number", str(number + 1), f"${number} + 1 = {number + 1}$")


@pytest.fixture
def a_new_topic(tmp_path, monkeypatch) -> registry.PageEntry:
    """A topic `fake` (its questions and card in `core.fake`) and its page, added to the registry, nothing else."""
    page = tmp_path / "fake.py"
    page.write_text(PAGE)
    topic = types.ModuleType("core.fake")
    questions = types.ModuleType("core.fake.questions")
    questions.QUESTIONS = (fake_question,)  # type: ignore[attr-defined]
    card = types.ModuleType("core.fake.card")
    card.draw_card = lambda: Image.new("RGB", (480, 270), "white")  # type: ignore[attr-defined]
    for name, module in (("core.fake", topic), ("core.fake.questions", questions), ("core.fake.card", card)):
        monkeypatch.setitem(sys.modules, name, module)
    cards = tmp_path / "cards"  # the shipped card pictures, and room for the new one
    shutil.copytree(assets.CARDS, cards)
    monkeypatch.setattr(assets, "CARDS", cards)
    home_card = replace(registry.PAGES[1].card, picture="fake.png", teaches="Fake topic: one question, one card.")
    entry = registry.PageEntry(
        str(page), "Fake topic", ":material/science:", "Recurrent networks", "A fake topic", quiz="fake", card=home_card
    )
    monkeypatch.setattr(registry, "PAGES", (*registry.PAGES, entry))
    return entry


def test_navigation_cards_and_check_yourself_pick_up_a_new_topic(a_new_topic):
    """Test that the app's navigation opens the new page with its Check yourself, and the home page shows its card
    once the card drawing has drawn it."""
    from devtools.card_images import card_drawers

    card_drawers()["fake.png"]().save(assets.CARDS / "fake.png")
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.run()
    assert any("Fake topic: one question, one card." in block.value for block in app.markdown)  # its home card
    app.switch_page(a_new_topic.path)
    app.run()
    assert not app.exception
    assert app.title[0].value == "A fake topic"
    assert any("+ 1?" in block.value for block in app.markdown)  # its question, from core.fake.questions


def test_the_class_load_the_cards_and_the_quiz_lists_pick_up_a_new_topic(a_new_topic):
    """Test that the class-load benchmark's students, the card drawing and the quiz find the new page's topic."""
    from devtools.card_images import card_drawers
    from devtools.student_tasks import class_tasks

    assert a_new_topic.address in class_tasks(registry.PAGES)  # opened by a student, its heading awaited
    assert card_drawers()[a_new_topic.card.picture]().size == (480, 270)
    question = quiz.question("fake", seed=3, number=0)
    assert quiz.is_right(question, question.answer)
