"""Every `>>>` example in the product's docstrings runs and prints what it says (docs that stay true)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import bench
import dashboard
import datastore
import extractors


def _modules_with_examples() -> list[str]:
    names = []
    for package in (extractors, datastore, dashboard, bench):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):  # sub-packages too
            module = importlib.import_module(info.name)
            if any(test.examples for test in doctest.DocTestFinder().find(module)):
                names.append(info.name)
    return names


MODULES = _modules_with_examples()


def test_examples_are_found_where_we_wrote_them() -> None:
    assert {"extractors.engine", "extractors.rules", "extractors.periods", "extractors.lowered"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    outcome = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)

    assert outcome.failed == 0
