"""Every store read a page makes, cached per store state, and the view it is made for.

The caches are keyed on the database file's change token (:func:`db_token`), so a write from any session or from
the command line makes the next run read again. What goes wrong in the store is shown as one plain error and
stops the page (:func:`guard`); no page catches store errors itself.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import queries, series
from dashboard.corroboration import conflicts
from dashboard.labels import pair_label, year_label
from dashboard.review_queue import REVIEW_ORDER_INPUT, document_choices, dress_queue, review_order, with_text
from datastore import store

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class View:
    """What the sidebar chose, for the page to draw: the pair, the period on its year basis and the store's
    freshness. Years are named by their first calendar year: on the fiscal basis 2022 is FY2022-23."""

    db: str
    pair: tuple[str, str] | None
    start_year: int | None
    end_year: int | None
    as_of: str | None
    n_documents: int
    n_facts: int
    basis: str = "calendar"

    @property
    def pair_label(self) -> str:
        return pair_label(self.pair) if self.pair else "No pair"

    @property
    def start(self) -> str | None:
        if not self.start_year:
            return None
        return f"{self.start_year}-04-01" if self.basis == "fiscal" else f"{self.start_year}-01-01"

    @property
    def end(self) -> str | None:
        if not self.end_year:
            return None
        return f"{self.end_year + 1}-03-31" if self.basis == "fiscal" else f"{self.end_year}-12-31"

    @property
    def period_label(self) -> str:
        if not self.start_year:
            return "all periods"
        first, last = (year_label(y, self.basis) for y in (self.start_year, self.end_year or self.start_year))
        return first if first == last else f"{first}\u2013{last}" if self.basis == "calendar" else f"{first} to {last}"


def default_db() -> str:
    """The store every page reads: ``$FACTS_DB``, else data/facts.db."""
    return str(store.default_db_path())


def db_token(db: str) -> tuple[int, ...]:
    """Changes whenever the database files change, so writes from the CLI invalidate the caches too."""
    token: list[int] = []
    for suffix in ("", "-wal"):
        try:
            stat = os.stat(db + suffix)
            token += [stat.st_mtime_ns, stat.st_size]
        except OSError:
            token += [0, 0]
    return tuple(token)


def guard(read: Callable[[], Any], what: str) -> Any:
    """Run a store read; when the store fails, show a plain error (never a traceback) and stop the page."""
    try:
        return read()
    except store.StoreError as exc:
        logger.exception("store read failed: %s", what)
        st.error(f"Could not read {what} from the figure store ({exc.path or store.default_db_path()}): {exc}. "
                 "Check that the file is a Figure Desk database and is not being replaced.")
        st.stop()


# --------------------------------------------------------------------------- facts

# Each cached reader below takes the store's ``token`` (the memos also a ``name``) only to key its cache: Streamlit
# hashes every argument whose name does not begin with "_", and nothing else (hence ``noqa: ARG001``).

@st.cache_resource(show_spinner=False, max_entries=8)  # evicts the least recently used: old store states
def _shared_facts(db: str, token: tuple[int, ...], pair: tuple[str, str] | None,  # noqa: ARG001
                  start: str | None, end: str | None, subset: queries.Subset = queries.EVERY_FACT) -> pd.DataFrame:
    return store.facts_frame(db, pair=pair, start=start, end=end, any_of=subset)


# India–Russia's 19,530 facts at 100,000: 6.3 ms unpickled per use, as cache_data would, 0.05 ms so (timeit)
def _facts(db: str, token: tuple[int, ...], pair: tuple[str, str] | None, start: str | None,
           end: str | None, subset: queries.Subset = queries.EVERY_FACT) -> pd.DataFrame:
    """The facts read once per store state and shared by every rerun and session; each caller gets a shallow
    copy, which pandas' copy-on-write keeps apart from the shared frame (a page that adds or edits a column
    changes its copy only)."""
    return _shared_facts(db, token, pair, start, end, subset).copy(deep=False)


@st.cache_data(show_spinner=False, max_entries=64)
def _facts_by_id(db: str, token: tuple[int, ...], pair: tuple[str, str] | None,  # noqa: ARG001
                 start: str | None, end: str | None, ids: tuple[int, ...]) -> pd.DataFrame:
    return store.facts_frame(db, pair=pair, start=start, end=end, fact_ids=ids)


@st.cache_data(show_spinner=False, max_entries=64)
def _count_facts(db: str, token: tuple[int, ...], pair: tuple[str, str] | None,  # noqa: ARG001
                 start: str | None, end: str | None) -> int:
    return store.count_facts(db, pair, start, end)


def facts(view: View, *, all_pairs: bool = False, whole_period: bool = False,
          subset: queries.Subset = queries.EVERY_FACT) -> pd.DataFrame:
    """Facts for the sidebar's pair and period, or wider; ``subset`` reads only some metrics and kinds."""
    pair = None if all_pairs else view.pair
    start, end = (None, None) if whole_period else (view.start, view.end)
    return guard(lambda: _facts(view.db, db_token(view.db), pair, start, end, subset), "figures")


def has_facts(view: View) -> bool:
    """Whether the view holds any fact at all, counted in SQL (a page that shows only some kinds of figure
    need not read all of them to know)."""
    return guard(lambda: _count_facts(view.db, db_token(view.db), view.pair, view.start, view.end), "figures") > 0


def facts_by_id(view: View, ids: Sequence[int]) -> pd.DataFrame:
    """The view's facts with these ids, in the order given (unknown ids and ids outside the view ignored);
    read when a person selects figures, so that no page has to hold every fact of the view for that."""
    wanted = tuple(int(i) for i in dict.fromkeys(ids))
    rows = guard(lambda: _facts_by_id(view.db, db_token(view.db), view.pair, view.start, view.end, wanted),
                 "figures")
    return queries.facts_by_id(rows, wanted)


# --------------------------------------------------------------------------- the store's pairs, years and documents

@st.cache_data(show_spinner=False, max_entries=16)
def _year_bounds(db: str, token: tuple[int, ...], pair: tuple[str, str] | None,  # noqa: ARG001
                 basis: str = "calendar") -> tuple[tuple[int, int], tuple[int, int]] | None:
    bounds = queries.year_bounds(store.fact_periods(db, pair), basis)
    if bounds is None:
        return None
    drawn = (*queries.TRADE_FACTS, *queries.DEFENCE_FACTS)
    span = queries.data_span(store.fact_periods(db, pair, any_of=drawn), basis) or bounds
    lo, hi = bounds
    default = (max(lo, min(span[0], hi)), max(lo, min(span[1], hi)))
    return bounds, default


def year_bounds(db: str, pair: tuple[str, str], basis: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(the period selector's ends, its default range): every figure's years, and the years of the figures the
    pages chart (trade values, counts and deal values) that are about a year or less."""
    return guard(lambda: _year_bounds(db, db_token(db), pair, basis), "figures")


@st.cache_data(show_spinner=False, max_entries=16)
def _pairs(db: str, token: tuple[int, ...]) -> list[tuple[str, str]]:  # noqa: ARG001
    return store.pairs(db)


def pairs(db: str) -> list[tuple[str, str]]:
    """Every pair with figures in the store, most-reported first."""
    return guard(lambda: _pairs(db, db_token(db)), "the list of country pairs")


@st.cache_data(show_spinner=False, max_entries=64)
def _summary(db: str, token: tuple[int, ...], pair: tuple[str, str] | None) -> dict[str, Any]:  # noqa: ARG001
    return store.summary(db, pair)


def summary(db: str, pair: tuple[str, str] | None) -> dict[str, Any]:
    """The store's freshness for the sidebar: latest publication, documents and facts (of the pair)."""
    return guard(lambda: _summary(db, db_token(db), pair), "the store summary")


@st.cache_data(show_spinner=False, max_entries=16)
def _documents(db: str, token: tuple[int, ...]) -> pd.DataFrame:  # noqa: ARG001
    return store.documents_frame(db)


def documents(view: View) -> pd.DataFrame:
    return guard(lambda: _documents(view.db, db_token(view.db)), "the list of documents")


def document_text(view: View, doc_id: str) -> str | None:
    return guard(lambda: store.document_text(view.db, doc_id), "the document's text")


def feed_checks(view: View) -> dict[str, dict[str, Any]]:
    """What the latest check of each feed found (read fresh: a check may have just run)."""
    return guard(lambda: store.feed_checks(view.db), "the feeds' checks")


# --------------------------------------------------------------------------- official statistics

@st.cache_data(show_spinner=False, max_entries=32)
def _official(db: str, token: tuple[int, ...],  # noqa: ARG001
              pairs: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    return series.official_figures(store.official_frame(db, pairs))


def official_figures(view: View) -> pd.DataFrame:
    """The official figures of the view's pair (``series.official_figures``: from the pair's side, mirrors marked,
    totals of the two flows added) whose period overlaps the view's."""
    if view.pair is None:
        return series.official_figures(pd.DataFrame())
    frame = guard(lambda: _official(view.db, db_token(view.db), (view.pair,)), "official statistics")
    if view.start:
        frame = frame[frame["period_end"] >= view.start]
    if view.end:
        frame = frame[frame["period_start"] <= view.end]
    return frame.reset_index(drop=True)


def official_as_loaded(view: View, *, all_pairs: bool = False) -> pd.DataFrame:
    """The official figures stored for the view's pair (or every pair) as loaded, reporter's side and all."""
    pairs = None if all_pairs or view.pair is None else [view.pair]
    frame = guard(lambda: store.official_frame(view.db, pairs), "official statistics")
    return frame[["pair", "reporter", "partner", "flow", "period_start", "period_end", "value", "currency",
                  "value_usd", "source", "url", "file", "loaded_at"]]


# --------------------------------------------------------------------------- the review queue

class ReviewData(NamedTuple):
    queue: pd.DataFrame      # every fact, in review order (review_queue.review_order)
    disputed: pd.DataFrame   # conflicts between outlets (corroboration.conflicts)
    pairs: list[str]
    metrics: list[str]
    documents: dict[str, str]  # doc_id → label, newest first


@st.cache_resource(show_spinner="Building the review queue…", max_entries=2)
def _review(db: str, token: tuple[int, ...]) -> ReviewData:  # noqa: ARG001
    all_facts = store.facts_frame(db, include_rejected=True, plausible_only=False, columns=REVIEW_ORDER_INPUT)
    disputed = conflicts(store.counted(all_facts))
    queue = review_order(all_facts, {int(i) for ids in disputed["fact_ids"] for i in ids})
    return ReviewData(queue, disputed, sorted(queue["pair"].dropna().unique()),
                      sorted(queue["metric"].dropna().unique()), document_choices(queue))


def review(db: str) -> ReviewData:
    """The whole review queue in order, the conflicts between outlets and the filters' choices, once per store
    state. Shared, not copied, on every rerun (unpickling it, as ``cache_data`` would, took 66 ms a click at
    100,000 facts, timeit); nothing on the page changes these frames (filters, pages and display text make new
    ones). The queue holds every fact, rejected and implausible ones too, so a person can undo a rejection;
    conflicts are computed on the facts charts count. Only the columns ordering and conflicts need are read here
    (:func:`review_rows_shown` reads the rest)."""
    return guard(lambda: _review(db, db_token(db)), "the review queue")


@st.cache_resource(show_spinner=False, max_entries=8)
def _document_facts(db: str, token: tuple[int, ...], doc_ids: tuple[str, ...]) -> pd.DataFrame:  # noqa: ARG001
    return store.facts_frame(db, include_rejected=True, plausible_only=False, doc_ids=doc_ids)


def review_rows_shown(db: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The editor's rows for one page of the queue: every column of their facts, read for their documents only
    (once per page and store state: a rerun of the same page reads nothing)."""
    doc_ids = tuple(sorted(set(rows["doc_id"])))
    return dress_queue(with_text(rows, guard(lambda: _document_facts(db, db_token(db), doc_ids), "figures")))


@st.cache_data(show_spinner=False, max_entries=8)
def _orphans(db: str, token: tuple[int, ...]) -> pd.DataFrame:  # noqa: ARG001
    return store.orphaned_reviews(db)


def orphaned_reviews(db: str) -> pd.DataFrame:
    """Reviews whose figure the current extraction no longer finds."""
    return guard(lambda: _orphans(db, db_token(db)), "the reviews")


# --------------------------------------------------------------------------- results cached per view

@st.cache_data(show_spinner=False, max_entries=256)
def _derived(_transform: Callable[..., Any], name: str, db: str, token: tuple[int, ...],  # noqa: ARG001
             pair: tuple[str, str] | None, start: str | None, end: str | None, args: tuple[Any, ...],
             subset: queries.Subset = queries.EVERY_FACT) -> Any:
    return _transform(_facts(db, token, pair, start, end, subset), *args)  # keyed by name: functions do not hash


def derived(view: View, transform: Callable[..., Any], *args: Any, subset: queries.Subset = queries.EVERY_FACT) -> Any:
    """``transform(facts, *args)`` for the sidebar's view, cached like the facts themselves, so that a click on
    a chart (a rerun) redraws without recomputing registers and timelines. ``subset`` reads only the facts the
    transform looks at; it must not change the result (the transform filters to those rows itself)."""
    name = f"{transform.__module__}.{transform.__qualname__}"
    return guard(lambda: _derived(transform, name, view.db, db_token(view.db), view.pair, view.start, view.end,
                                  args, subset), "figures")


@st.cache_data(show_spinner=False, max_entries=128)
def _memo(_build: Callable[[], Any], name: str, db: str, token: tuple[int, ...],  # noqa: ARG001
          pair: tuple[str, str] | None, start: str | None, end: str | None, key: tuple[Any, ...]) -> Any:  # noqa: ARG001
    return _build()  # keyed by name and key: the closure does not hash


def memo(view: View, name: str, build: Callable[[], Any], *key: Any) -> Any:
    """``build()`` once per view (store, pair, period) and ``key``, which must name everything else the result
    depends on (the page's own choices), so that a rerun — a click — does not rebuild tables and charts."""
    return _memo(build, name, view.db, db_token(view.db), view.pair, view.start, view.end, key)


# The Trade chart of India–Russia at 100,000 facts redrawn from its spec: 88 ms as a go.Figure, 9 ms so (timeit)
class DrawnFigure(go.Figure):
    """A figure rebuilt from a spec plotly already validated, for drawing and exporting only (never changed).

    It skips validation when built, and ``to_dict()`` hands back the spec instead of deep-copying every mark.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(spec, _validate=False)
        self._spec = spec

    def to_dict(self) -> dict[str, Any]:
        return dict(self._spec)


def figure(view: View, name: str, build: Callable[[], go.Figure], *key: Any) -> go.Figure:
    """``build()`` once per view and ``key`` (as :func:`memo`), cached as plotly's dict and redrawn from it."""
    return DrawnFigure(memo(view, name, lambda: build().to_dict(), *key))


def clear_caches() -> None:
    """After this session writes to the store: every cached read is stale."""
    for reader in (_shared_facts, _facts_by_id, _count_facts, _year_bounds, _pairs, _summary, _documents, _official,
                   _review, _document_facts, _orphans, _derived, _memo):
        reader.clear()
