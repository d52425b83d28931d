"""Helpers shared by the browser tests."""

from benchmarks.app_server import wait_for_app

__all__ = ["wait_for_app"]
