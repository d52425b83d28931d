"""Helpers shared by the browser tests."""


def wait_for_app(page) -> None:
    """Wait until the script run has finished (Streamlit marks the app element when it has)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_timeout(300)
