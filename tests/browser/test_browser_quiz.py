"""Check yourself in a real browser, on a split screen: answer, verdict, worked answer, and the case shown live."""

from __future__ import annotations

import pytest
from conftest import SCREENSHOTS

from app_pages import registry
from core import quiz
from devtools.served_app import wait_for_app

# Each topic's page address and, where its tabs are in the address, the tab the quiz is in.
QUIZ_PAGES = {
    topic: f"{entry.address}?{entry.tab_key}={entry.quiz_tab.replace(' ', '+')}&"
    if entry.tab_key and entry.quiz_tab
    else f"{entry.address}?"
    for topic, entry in registry.QUIZ_PAGES.items()
}


@pytest.mark.parametrize("topic", sorted(QUIZ_PAGES))
def test_a_question_answered_on_a_split_screen(browser, app_url, topic):
    """Test at 800 px, from a teacher's ?quiz= link: the right answer is taken, and "Show it" runs the page."""
    context = browser.new_context(viewport={"width": 800, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(app_url)  # the home page first: a new server's first deep link shows a notice
    wait_for_app(page)
    page.goto(f"{app_url}/{QUIZ_PAGES[topic]}quiz=42")
    wait_for_app(page)
    question = quiz.question(topic, 42, 0)
    if registry.QUIZ_PAGES[topic].quiz_tab and not registry.QUIZ_PAGES[topic].tab_key:  # tabs not in the address
        page.get_by_role("tab", name="Check yourself").click()
        wait_for_app(page)
    try:
        if question.kind == "choice":
            page.get_by_role("radiogroup", name="Your answer").get_by_text(question.answer, exact=True).click()
        else:
            page.get_by_role("textbox", name="Your answer").fill(question.answer)
        page.get_by_role("button", name="Check").click()
        wait_for_app(page)
        page.get_by_text("Right:").wait_for()
        page.get_by_text("1 of 1 right on this page").wait_for()
        if question.show:
            page.get_by_role("button", name="Show it on the page").click()
            wait_for_app(page)
            page.wait_for_timeout(1_000)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.screenshot(path=SCREENSHOTS / f"quiz-{topic}-800.png", full_page=True)
        context.close()
