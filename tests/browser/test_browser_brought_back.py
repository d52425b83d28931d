"""A model brought back in Chromium, on CIFAR-10's Inspect tab and the captcha page's Read tab: an accepted file
becomes the Model choice's value; each kind of refused file is said above the Model choice, outside the captcha
page's expander, with the accepted model's going explained; a file over the upload limit, refused by the browser
itself, does not stop the next file from being read."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import keras
import pytest
from playwright.sync_api import expect

from core.shared.model_files import model_file_bytes
from devtools.served_app import wait_for_app

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclasses.dataclass(frozen=True)
class BringingBack:
    """A page's upload of a model trained at home, and models of its shapes and of another page's."""

    address: str  # the page and tab, after the app's address
    upload: str  # the uploader's key
    expander: str | None  # the expander the upload is in, if any
    own_shapes: keras.Model
    other_shapes: keras.Model


def cifar_model() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def captcha_reader() -> keras.Model:
    from core.captcha import reader as captcha

    return captcha.build_model()


def bringing_back(page_name: str) -> BringingBack:
    if page_name == "cifar10":
        return BringingBack("cifar10?cifar_tab=Inspect", "cifar_model_upload", None, cifar_model(), captcha_reader())
    return BringingBack(
        "captcha", "captcha_model_upload", "Bring back a reader you trained at home", captcha_reader(), cifar_model()
    )


def keras_file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "application/zip", "buffer": data}


def h5_bytes(model: keras.Model, folder: Path) -> bytes:
    path = folder / "old.h5"
    model.save(path)  # Keras 3 still writes Keras 2's format when asked
    return path.read_bytes()


def open_upload(page, app_url: str, case: BringingBack):
    page.goto(f"{app_url}/{case.address}")
    wait_for_app(page)
    if case.expander:
        page.get_by_text(case.expander).click()
    return page.locator(f".st-key-{case.upload} input[type='file']")


def bring_back(page, upload, name: str, data: bytes) -> None:
    upload.set_input_files(files=[keras_file(name, data)])
    wait_for_app(page)


def expect_chosen(page, name: str) -> None:
    """The Model choice's value is the model `name`, without a click."""
    expect(page.get_by_role("radiogroup", name="Model").get_by_role("radio", name=name)).to_be_checked()


@pytest.mark.parametrize("page_name", ["cifar10", "captcha"])
def test_a_refused_file_after_an_accepted_one_is_said_above_the_model_choice(page, app_url, tmp_path, page_name):
    """Test that after an accepted model each kind of refused file is said outside any expander, with the model's
    going, and that the accepted model, brought back again, is chosen again."""
    case = bringing_back(page_name)
    good = model_file_bytes(case.own_shapes)
    refused = {
        "not_a_zip.keras": (b"\x00not a model " * 100, "This is not a Keras model file"),
        "cut_short.keras": (good[: len(good) // 2], "The file is damaged: it is cut short"),
        "other_shapes.keras": (model_file_bytes(case.other_shapes), "The model takes inputs of shape"),
        "old_format.keras": (h5_bytes(case.own_shapes, tmp_path), "This is an H5 file, the format of Keras 2"),
    }
    upload = open_upload(page, app_url, case)
    for name, (data, reason) in refused.items():
        bring_back(page, upload, "home.keras", good)
        expect_chosen(page, "uploaded: home.keras")
        bring_back(page, upload, name, data)
        said = page.get_by_test_id("stAlert").filter(has_text=f"{name} was not taken. {reason}")
        expect(said).to_be_visible()
        expect(said).to_contain_text("The model brought back before it, uploaded: home.keras, is no longer offered")
        expect(page.get_by_test_id("stExpander").get_by_test_id("stAlert")).to_have_count(0)
        expect(page.get_by_role("radio", name="uploaded: home.keras")).to_have_count(0)
        if case.expander:  # and the expander stays open on the refused file, to replace it
            expect(page.get_by_text(name, exact=True)).to_be_visible()
        if name == "not_a_zip.keras":
            SCREENSHOTS.mkdir(exist_ok=True)
            for width in (1400, 390):
                page.set_viewport_size({"width": width, "height": 1000})
                page.wait_for_timeout(500)
                said.scroll_into_view_if_needed()
                page.screenshot(path=SCREENSHOTS / f"brought_back_refused_{page_name}_{width}.png")
            page.set_viewport_size({"width": 1400, "height": 1000})
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize("page_name", ["cifar10", "captcha"])
def test_a_file_over_the_limit_refused_by_the_browser_leaves_the_next_one_read(page, app_url, tmp_path, page_name):
    """Test that a file over 50 MB is refused by the browser, the limit is said beside the upload, and a model
    uploaded next is accepted and chosen."""
    case = bringing_back(page_name)
    upload = open_upload(page, app_url, case)
    expect(page.get_by_text(re.compile(r"^At most 50 MB: the browser refuses a larger file"))).to_be_visible()
    huge = tmp_path / "huge.keras"
    huge.write_bytes(bytes(51 * 2**20))
    upload.set_input_files(str(huge))  # Playwright passes a buffer this large only from a file
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"File must be .* or smaller"))).to_be_visible()  # Streamlit's own line
    bring_back(page, upload, "home.keras", model_file_bytes(case.own_shapes))
    expect_chosen(page, "uploaded: home.keras")
    assert page.locator('[data-testid="stException"]').count() == 0
