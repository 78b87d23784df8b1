"""What a person adds on a page: articles pasted, uploaded or given by address, read for the preview (each cached,
so a rerun does not read or fetch again) and saved to the store; official statistics files loaded.

Reading and fetching are the data layer's (``datastore.webpage``, ``datastore.reference``) and the extractor's;
this module caches them and words what they refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

import extractors  # attributes looked up at call time: the package loads its engine lazily
from dashboard.ui.reads import View, clear_caches
from datastore import reference, store
from datastore.fetching import check_address, is_web_address
from datastore.webpage import read_url as fetch_and_read

RULES_BROKEN_REASON = "not read: the extraction rules cannot be loaded (see the message at the top of the page)"
FETCH_CACHE_S = 15 * 60  # a page read for the preview is not fetched again on every rerun of the page
Read = tuple[Any, list[Any], str | None]  # (Document, facts, None), or (None, [], why it was not read)


def extract_upload(data: bytes, name: str, published: str | None = None) -> Read:
    """(Document, facts, None) for readable input, (None, [], reason) for a file we refuse, e.g. a PDF, or
    for every file while the rules are broken (not cached: the same text is read once they are fixed)."""
    try:
        return _extract_upload(data, name, published)
    except extractors.RulesError:
        return None, [], RULES_BROKEN_REASON


@st.cache_data(show_spinner="Reading the figures…", max_entries=64)
def _extract_upload(data: bytes, name: str, published: str | None = None) -> Read:
    try:
        doc = extractors.read_bytes(data, name, published=published)
        found = extractors.extract(doc)
    except extractors.InputError as exc:
        return None, [], exc.reason
    except extractors.BudgetExceeded:
        return None, [], "took too long to read (the time budget per document ran out); split it into smaller files"
    return doc, found, None


def addresses(text: str) -> tuple[list[str], list[str]]:
    """(web addresses, other non-empty lines) of a pasted list, one per line, each address once.

    >>> addresses("https://a.example/1\\n\\n a.example/2 \\nhttps://a.example/1")
    (['https://a.example/1'], ['a.example/2'])
    """
    found: list[str] = []
    others: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if is_web_address(line):
            if line not in found:
                found.append(line)
        else:
            others.append(line)
    return found, others


def read_url(url: str) -> Read:
    """(Document, facts, None) for a page that could be fetched and read, else (None, [], why) — the same shape
    as an upload (:func:`extract_upload`)."""
    try:
        return _read_url(url)
    except extractors.RulesError:
        return None, [], RULES_BROKEN_REASON


@st.cache_data(show_spinner="Fetching and reading the page…", max_entries=64, ttl=FETCH_CACHE_S)
def _read_url(url: str) -> Read:
    try:
        doc = fetch_and_read(check_address(url))
        found = extractors.extract(doc)
    except extractors.InputError as exc:  # FetchError too: every refusal is one line
        return None, [], exc.reason
    except extractors.BudgetExceeded:
        return None, [], "took too long to read (the time budget per document ran out)"
    return doc, found, None


def save_documents(view: View, docs: Sequence[tuple[Any, list[Any]]]) -> list[tuple[str, str]] | None:
    """Store each (Document, facts); returns (title, outcome) pairs, or None once the store refused one (said on
    the page; the articles before it are saved). The cached reads are cleared either way."""
    outcomes = []
    try:
        for doc, found in docs:  # a fetched story is one document per address, however its text has changed
            outcomes.append((doc.title or doc.path, store.save_document(
                view.db, doc, found, extractors.EXTRACTOR_VERSION, one_per_url=is_web_address(doc.path))))
    except store.StoreError as exc:  # a locked or unwritable database: say so, keep the page
        st.error(f"Could not save to the store: {exc}. Articles before the failing one were saved.")
        return None
    finally:
        clear_caches()
    return outcomes


def load_reference_files(view: View, files: list[tuple[str, bytes]]) -> reference.LoadSummary:
    """Store official statistics uploaded on a page (``reference.load_files``); the cached reads are cleared."""
    try:
        return reference.load_files(files, view.db)
    finally:
        clear_caches()
