"""The examples in core's docstrings run, so that what a reader copies from them works."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import core

MODULES = sorted(info.name for info in pkgutil.walk_packages(core.__path__, "core.") if info.name != "core.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    """Test every `>>>` example of a core module (a module with none passes with nothing to run)."""
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
