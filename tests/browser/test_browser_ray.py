"""The CIFAR page served with its trainings on Ray (`CNN_RNN_LAB_RAY_ADDRESS=local`), in a real browser."""

from __future__ import annotations

import re

import pytest
from conftest import SCREENSHOTS, server_environment

from devtools.served_app import served_app, start_small_cifar_training, visit_during_a_training, wait_for_app

pytest.importorskip("ray", reason="Ray is optional: pip install -r requirements-cluster.txt")

EPOCHS = 25


def test_a_cifar_training_on_ray_runs_to_its_end_while_the_student_visits_another_page(browser, tmp_path):
    """Test a training on the fewest images through a local Ray instance: progress, a visit elsewhere, the end.

    Then a second training: the first one's end must not take Ray down with its thread.
    """
    env = {**server_environment(tmp_path / "cache"), "CNN_RNN_LAB_RAY_ADDRESS": "local"}
    with served_app(env=env, log=tmp_path / "server.log", timeout=120) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(180_000)
        try:
            page.goto(url)
            wait_for_app(page)
            # An epoch of 1,000 pictures takes about a second on Ray: enough of them to visit a page meanwhile.
            start_small_cifar_training(page, url, epochs=EPOCHS)
            page.get_by_text(re.compile(rf"Epoch \d+/{EPOCHS}, batch")).wait_for()
            visit_during_a_training(page, "LSTM", "CIFAR-10 CNN")
            page.get_by_role("tab", name="Train").click()
            wait_for_app(page)
            page.get_by_text(re.compile(rf"^{EPOCHS} epochs; seconds per epoch")).first.wait_for()
            start_small_cifar_training(page, url, epochs=1)
            page.get_by_text(re.compile(r"^1 epoch; seconds per epoch")).first.wait_for()
            assert page.locator('[data-testid="stException"]').count() == 0
            assert "failed" not in page.locator('[data-testid="stMain"]').inner_text()
        finally:
            page.screenshot(path=SCREENSHOTS / "ray-cifar-training.png", full_page=True)
            page.close()
