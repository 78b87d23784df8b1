"""Fixtures shared by the test modules: a throwaway database path and factories for Documents and Facts."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from extractors.model import Document, Fact
from tests.webserver import FixtureWeb

# An invented article (not from any outlet) with a few figures to point facts at.
SAMPLE_TEXT = (
    "India and Russia traded nearly $44 billion in 2023.\n"
    "Moscow delivered 12 helicopters to New Delhi last year.\n"
    "Exports rose 8% while a $3-5 billion deal is under discussion.\n"
)


@pytest.fixture(autouse=True)
def plain_main_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest leaves its script installed as __main__; spawned worker processes would re-run it."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


@pytest.fixture(autouse=True)
def private_default_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's data/facts.db: a page opened without its own store would create an
    empty one there, and `make run` then finds a store and never builds the sample."""
    monkeypatch.setenv("FACTS_DB", str(tmp_path_factory.mktemp("default-store") / "facts.db"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database file that does not exist yet; the store creates and migrates it on first use."""
    return tmp_path / "facts.db"


def build_document(text: str = SAMPLE_TEXT, **fields: Any) -> Document:
    """A Document about India and Russia unless told otherwise."""
    fields.setdefault("pair", ["India", "Russia"])
    fields.setdefault("title", "Sample article")
    fields.setdefault("published", "2024-01-15")
    return Document(text=text, **fields)


def build_fact(doc: Document, surface: str, **fields: Any) -> Fact:
    """A Fact whose span really is ``surface`` in ``doc.text`` (first occurrence), as the extractor promises."""
    start = doc.text.index(surface)
    line_start = doc.text.rfind("\n", 0, start) + 1
    line_end = doc.text.find("\n", start)
    line_end = len(doc.text) if line_end < 0 else line_end
    fields.setdefault("kind", "money")
    fields.setdefault("unit", "USD")
    fields.setdefault("rule", "test.sample")
    fields.setdefault("parties", list(doc.pair))
    return Fact(
        sentence=doc.text[line_start:line_end], start=start, end=start + len(surface), surface=surface,
        doc_id=doc.doc_id, path=doc.path, published=doc.published, title=doc.title, source=doc.source,
        url=doc.url, **fields,
    )


@pytest.fixture
def make_document() -> Callable[..., Document]:
    return build_document


@pytest.fixture
def make_fact() -> Callable[..., Fact]:
    return build_fact


@pytest.fixture
def web() -> Iterator[FixtureWeb]:
    """A web server on 127.0.0.1 for this test (tests/webserver.py); stopped afterwards."""
    server = FixtureWeb().start()
    try:
        yield server
    finally:
        server.stop()
