"""axe-core's WCAG A and AA rules run on a page in Chromium, with Streamlit's own markup counted apart.

axe-core comes bundled (and so pinned) in `axe-playwright-python` (requirements-dev.txt). Shared by the
browser tests, which want no critical or serious violation in the app's own content, and by
`benchmarks/accessibility.py`, which counts them page by page and tab by tab.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from devtools.served_app import wait_for_app

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what a university's accessibility policy asks for.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = ("critical", "serious")

# Streamlit's own sidebar navigation writes `<li>`s that are not in a list and lists holding other
# elements (docs/accessibility.md says where it is reported); the app cannot change that markup.
STREAMLIT_NAVIGATION = '[data-testid="stSidebarNav"]'
STREAMLIT_NAVIGATION_RULES = {"list", "listitem"}


@dataclass(frozen=True)
class Violation:
    """One element that breaks one axe rule."""

    rule: str  # axe's rule id: image-alt, color-contrast, …
    impact: str  # minor, moderate, serious, critical
    target: str  # a CSS selector of the element
    html: str  # the start of its markup
    summary: str  # axe's sentence on how to fix it
    streamlit_own: bool  # in Streamlit's own markup, outside what the app writes

    def __str__(self) -> str:
        summary = " ".join(self.summary.split())
        return f"{self.impact} {self.rule}: {self.target}\n      {self.html[:160]}\n      {summary[:240]}"


def _in_streamlit_navigation(page, rule: str, target: str) -> bool:
    if rule not in STREAMLIT_NAVIGATION_RULES:
        return False
    return bool(
        page.evaluate("([s, nav]) => !!document.querySelector(s)?.closest(nav)", [target, STREAMLIT_NAVIGATION])
    )


def audit(page) -> list[Violation]:
    """Every violation of the WCAG A and AA rules on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options).response
    found = []
    for rule in results["violations"]:
        for node in rule["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            found.append(
                Violation(
                    rule=rule["id"],
                    impact=node.get("impact") or rule.get("impact") or "minor",
                    target=target,
                    html=node.get("html", ""),
                    summary=node.get("failureSummary", ""),
                    streamlit_own=_in_streamlit_navigation(page, rule["id"], target),
                )
            )
    return found


def the_apps_serious(violations: Iterable[Violation]) -> list[Violation]:
    """The critical and serious violations in the app's own content (Streamlit's navigation left out)."""
    return [v for v in violations if v.impact in SERIOUS and not v.streamlit_own]


def counts(violations: Iterable[Violation]) -> Counter:
    """How many violations of each impact, Streamlit's own under 'streamlit: <impact>'."""
    return Counter(f"streamlit: {v.impact}" if v.streamlit_own else v.impact for v in violations)


def charts_without_words(page) -> list[str]:
    """The charts on the page whose accessible name gives no title ('Chart: untitled…', or no name at all)."""
    names = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart =>
            chart.getAttribute('aria-label') || chart.querySelector('[aria-label]')?.getAttribute('aria-label') || '')"""
    )
    return [
        name or "(a chart without a name)" for name in names if not name.startswith("Chart: ") or "untitled" in name
    ]


def heading_problems(page) -> list[str]:
    """What is wrong with the outline of the page's visible headings: not exactly one h1, or a level skipped."""
    levels = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6)')]
            .filter(h => h.offsetParent !== null).map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"""
    )
    h1s = sum(level == 1 for level, _ in levels)
    problems = [] if h1s == 1 else [f"{h1s} h1s, not one"]
    previous = 0
    for level, text in levels:
        if level > previous + 1:
            problems.append(f"h{level} '{text}' after h{previous}")
        previous = level
    return problems


def wider_than_the_screen(page) -> list[str]:
    """The outermost elements of the page's content that reach past the window's right edge, other than those
    inside a block that scrolls by itself (a wide table, a code block), described by test id or tag and width."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth, found = [];
            const scrollsItself = (el) => { for (let e = el.parentElement; e && e.dataset.testid !== 'stMain';
                    e = e.parentElement) { if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX)
                    && e.getBoundingClientRect().right <= width + 1) return true; } return false; };
            for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
                const box = el.getBoundingClientRect();
                if (box.width === 0 || box.right <= width + 1 || el.offsetParent === null && el.tagName !== 'svg') continue;
                if (scrollsItself(el)) continue;
                if (found.some((outer) => outer.contains(el))) continue;
                found.push(el);
            }
            return found.map((el) => `${el.dataset.testid || el.tagName.toLowerCase()} (${Math.round(
                el.getBoundingClientRect().width)} px wide, right edge at ${Math.round(el.getBoundingClientRect().right)})`);
        }"""
    )


def tab_names(page) -> list[str]:
    """The names of the page's tabs, in order (none for a page without tabs)."""
    return [name.strip() for name in page.get_by_role("tab").all_inner_texts()]


def scroll_through(page) -> None:
    """Scroll the page to its end and back, a screen at a time: Streamlit draws a chart only once it is in view."""
    for _ in range(40):
        at_end = page.evaluate(
            """() => { const main = document.querySelector('[data-testid="stMain"]');
                       const scroller = main && main.scrollHeight > main.clientHeight ? main : document.scrollingElement;
                       scroller.scrollBy(0, scroller.clientHeight * 0.9);
                       return scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2; }"""
        )
        page.wait_for_timeout(250)
        if at_end:
            break
    page.wait_for_timeout(500)
    page.evaluate(
        """() => { document.querySelector('[data-testid="stMain"]')?.scrollTo(0, 0); window.scrollTo(0, 0); }"""
    )


def open_expanders(page) -> None:
    """Open every closed expander on the page, so that what it holds is drawn and checked too."""
    closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary:visible')  # in the open tab
    for _ in range(closed.count()):
        closed.first.click()
        page.wait_for_timeout(200)


def each_tab(page) -> Iterator[str | None]:
    """Open each of the page's tabs in turn, yielding its name once it has drawn, its expanders opened and the
    whole of it scrolled through (None once for a page without tabs)."""
    names = tab_names(page) or [None]
    for name in names:
        if name is not None:
            page.get_by_role("tab", name=name, exact=True).click()
            wait_for_app(page)
        open_expanders(page)
        scroll_through(page)
        yield name
