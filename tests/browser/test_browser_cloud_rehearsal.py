"""The app's first start on Streamlit Community Cloud, rehearsed in CI's short form (devtools/cloud_rehearsal.py).

A fresh server on a read-only copy of the checkout, with an empty home, no data folders and every data host
silent: the CIFAR-10 and captcha pages must still show their titles and what the shipped models do, say
which data set they are fetching, and show no exception. Timings are the command's to report, not checked here.
"""

from __future__ import annotations

import pytest

from core.shared.datasets import ARCHIVES
from devtools.cloud_rehearsal import DATA_PAGES, SHORT_PAGES, Rehearsal, rehearse, short_options


@pytest.fixture(scope="module")
def rehearsal(browser) -> Rehearsal:
    return rehearse(short_options(), browser)


def _visits(rehearsal: Rehearsal) -> dict:
    return {visit.address: visit for visit in rehearsal.pages}


def test_every_page_shows_its_heading_on_a_first_start(rehearsal):
    """Test that each page of the short rehearsal shows its heading on a freshly started server."""
    visits = _visits(rehearsal)
    assert list(visits) == list(SHORT_PAGES)
    for address, visit in visits.items():
        assert visit.title_s is not None, f"{address}: no heading; waited for {visit.waited}"


def test_shipped_models_answer_while_every_host_is_silent(rehearsal):
    """Test that CIFAR-10's Try it names a class and the captcha page reads its sample while no host answers."""
    for address, visit in _visits(rehearsal).items():
        assert visit.usable_s is not None, f"{address}: waited for {visit.waited}"
        assert DATA_PAGES[address].answer.match(visit.answer), f"{address}: {visit.answer!r}"
    assert all(figures["bytes"] == 0 for figures in rehearsal.stand_in.values())


def test_no_page_shows_an_exception_or_an_error(rehearsal):
    """Test that no page of the rehearsal shows an exception box or an error box."""
    for address, visit in _visits(rehearsal).items():
        assert visit.exceptions == 0, address
        assert visit.errors == [], address


def test_the_download_note_says_what_is_being_fetched(rehearsal):
    """Test that each page's note at the top names the data set on its way and says what works meanwhile."""
    for address, visit in _visits(rehearsal).items():
        what = ARCHIVES[DATA_PAGES[address].dataset].what
        assert (what[0].lower() + what[1:]) in visit.note, f"{address}: {visit.note!r}"
        assert visit.note.endswith("meanwhile."), f"{address}: {visit.note!r}"
