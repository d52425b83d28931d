"""Opening a page of the app in AppTest, as the tests of several files do."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def open_page(page: str, tab: str | None = None, tab_key: str | None = None) -> AppTest:
    """The app on `page` (a path under app_pages/), with the tab labelled `tab` open if given."""
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.run()
    app.switch_page(page)
    app.run()
    if tab is not None:
        app.session_state[tab_key] = tab
        app.run()
    return app
