"""axe-core's WCAG 2.0/2.1/2.2 A and AA rules on every page and every tab: no critical or serious violation.

Streamlit's own sidebar navigation is left out (docs/accessibility.md: its sections put a `<header>` and
`<div>`s inside the list; a minimal reproduction is there, to report upstream).
"""

from __future__ import annotations

import pytest

from app_pages import registry
from devtools.accessibility import audit, charts_without_words, each_tab, heading_problems, the_apps_serious
from devtools.served_app import PAGES, wait_for_app


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation_on_any_tab(page, app_url, path):
    """Test that axe finds no critical or serious violation in the app's own content, on each tab of the page,
    that every chart has a title and a text alternative (its accessible name), that the headings are in order
    under one h1, and that the browser's title names the page."""
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    assert page.title().startswith(registry.page_at(path).title)
    found = {}
    for tab in each_tab(page):
        problems = [str(violation) for violation in the_apps_serious(audit(page))]
        problems += [f"chart without a title: {name[:200]}" for name in charts_without_words(page)]
        problems += [f"headings: {problem}" for problem in heading_problems(page)]
        if problems:
            found[tab or "the page"] = problems
    assert not found, "\n".join(f"{tab}:\n" + "\n".join(problems) for tab, problems in found.items())
