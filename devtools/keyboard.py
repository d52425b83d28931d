"""Keyboard-only driving of a page in Chromium: Tab to a control by what a screen reader would call it.

The keyboard tests (tests/browser/test_browser_keyboard.py) use no mouse and no Playwright `click`/`fill`: they
reach every control with Tab (or Shift+Tab) and operate it with keys. `tab_to` says what got the focus on
the way when it does not reach its target, which tells a control that cannot be reached from one that is
only further down the page.
"""

from __future__ import annotations

# What the focused element is, in words: its role and accessible name as far as the markup says them
# (aria-label, aria-labelledby, a <label>, Streamlit's widget label, or its own text).
_DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "(nothing: the page itself)";
  const text = (node) => (node ? (node.innerText || node.textContent || "").trim().replace(/\\s+/g, " ") : "");
  const role = el.getAttribute("role") || el.tagName.toLowerCase() + (el.type ? `[${el.type}]` : "");
  let name = el.getAttribute("aria-label") || "";
  if (!name && el.getAttribute("aria-labelledby")) {
    name = el.getAttribute("aria-labelledby").split(/\\s+/).map((id) => text(document.getElementById(id))).join(" ");
  }
  if (!name && el.labels && el.labels.length) name = text(el.labels[0]);
  if (!name) name = text(el);
  if (!name) {
    const widget = el.closest('[data-testid="stElementContainer"]');
    name = text(widget && widget.querySelector('[data-testid="stWidgetLabel"]'));
  }
  return `${role} "${name.slice(0, 60)}"`;
}"""


def focused(page) -> str:
    """The focused element's role and name, for a message: `button "Train"`, `slider "Training images"`."""
    return page.evaluate(_DESCRIBE_FOCUS)


def has_focus(target) -> bool:
    """Whether the element of the locator `target`, or one inside it, has the focus (no wait: now)."""
    return target.evaluate_all("(els) => els.some((el) => el.contains(document.activeElement))")


def tab_to(page, target, max_presses: int = 80, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab if `backwards`) until `target`, a locator, has the focus; fail saying what got it.

    `target` is best found as a screen reader finds it, `page.get_by_role("slider", name="Training images")`,
    so that a control without an accessible name cannot be reached by this either. The locator only reads
    the page; the focus moves by key presses alone.
    """
    key = "Shift+Tab" if backwards else "Tab"
    visited: list[str] = []
    for _ in range(max_presses):
        if has_focus(target):
            return
        page.keyboard.press(key)
        visited.append(focused(page))
    if has_focus(target):
        return
    path = "\n".join(f"  {number:3}. {where}" for number, where in enumerate(visited, 1))
    raise AssertionError(f"{key} pressed {max_presses} times without reaching {target}; the focus went to:\n{path}")
