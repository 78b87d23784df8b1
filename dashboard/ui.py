"""Streamlit glue every page shares: cached store reads, the sidebar, URL-backed widgets, chart clicks.

Pages stay a description of the screen; everything that needs Streamlit but is not a page lives here.
State lives in the URL: each widget is seeded from ``st.query_params`` when a page opens and writes its
value back after every run, so a copied URL reopens the same view.
"""

from __future__ import annotations

import gc
import html
import importlib
import logging
import os
import re
import runpy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode, urlsplit

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

# Streamlit loads its emoji catalogue (about half a second) the first time a segmented control shows a label
# that is not plain ASCII ("Apr–Mar"): load it with the app rather than inside the first page run showing one.
import streamlit.emojis  # noqa: F401

from dashboard import queries
from datastore import store

logger = logging.getLogger(__name__)

DEFAULT_PAIR = ("India", "Russia")
DOCUMENTS_PAGE = "pages/documents.py"
_KEPT = "_kept_"  # session copy of a widget's value, which outlives the widget when the user changes page
_VIEW = "_view"


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
        return queries.pair_label(self.pair) if self.pair else "No pair"

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


def year_label(year: int, basis: str) -> str:
    """2022 → '2022', or on the fiscal basis 'FY2022-23'."""
    return f"FY{year}-{(year + 1) % 100:02d}" if basis == "fiscal" else str(year)


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|$<>~])")


def md_escape(text: object) -> str:
    r"""Text from outside (a file name, an article title, a URL parameter) made inert inside Streamlit Markdown
    (st.error, st.success, expander labels): no links, no LaTeX, no emphasis.

    >>> md_escape("[x](javascript:y) costs $5")
    '\\[x\\]\\(javascript:y\\) costs \\$5'
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def optional(module: str) -> ModuleType | None:
    """A module another engineer owns, or None while it is missing or broken (the page hides its feature)."""
    try:
        return importlib.import_module(module)
    except Exception:  # a half-written module must not take the dashboard down with it
        logger.warning("optional module %s unavailable", module, exc_info=True)
        return None


# --------------------------------------------------------------------------- cached store reads

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


# Which facts a transform needs: those matching any of these (metrics, kinds) clauses, read from the store
# (None in a clause: any; no clause: every fact). A page that draws trade figures reads a fifth of the pair's
# facts, one that draws defence a half.
Clause = tuple[tuple[str, ...] | None, tuple[str, ...] | None]
Subset = tuple[Clause, ...]
EVERY_FACT: Subset = ()
TRADE_FACTS: Subset = ((queries.TRADE_FIGURE_METRICS, ("money",)),)
DEFENCE_FACTS: Subset = ((None, ("count",)), ((queries.DEAL_METRIC,), ("money",)))  # counted systems, deal values


@st.cache_resource(show_spinner=False, max_entries=8)  # evicts the least recently used: old store states
def _shared_facts(db: str, token: tuple[int, ...], pair: tuple[str, str] | None, start: str | None,
                  end: str | None, subset: Subset = EVERY_FACT) -> pd.DataFrame:
    return store.facts_frame(db, pair=pair, start=start, end=end, any_of=subset)


def _facts(db: str, token: tuple[int, ...], pair: tuple[str, str] | None, start: str | None,
           end: str | None, subset: Subset = EVERY_FACT) -> pd.DataFrame:
    """The facts read once per store state and shared by every rerun and session; each caller gets a shallow
    copy, which pandas' copy-on-write keeps apart from the shared frame (a page that adds or edits a column
    changes its copy only). As ``cache_data`` they were pickled once and unpickled whole on every use: a
    tenth of a cold page at 100,000 facts."""
    return _shared_facts(db, token, pair, start, end, subset).copy(deep=False)


@st.cache_data(show_spinner=False, max_entries=64)
def _facts_by_id(db: str, token: tuple[int, ...], pair: tuple[str, str] | None, start: str | None,
                 end: str | None, ids: tuple[int, ...]) -> pd.DataFrame:
    return store.facts_frame(db, pair=pair, start=start, end=end, fact_ids=ids)


@st.cache_data(show_spinner=False, max_entries=64)
def _count_facts(db: str, token: tuple[int, ...], pair: tuple[str, str] | None, start: str | None,
                 end: str | None) -> int:
    return store.count_facts(db, pair, start, end)


@st.cache_data(show_spinner=False, max_entries=16)
def _year_bounds(db: str, token: tuple[int, ...], pair: tuple[str, str] | None,
                 basis: str = "calendar") -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(the period selector's ends, its default range): every figure's years, and the years of the figures the
    pages chart (trade values, counts and deal values) that are about a year or less."""
    bounds = queries.year_bounds(store.fact_periods(db, pair), basis)
    if bounds is None:
        return None
    span = queries.data_span(store.fact_periods(db, pair, any_of=(*TRADE_FACTS, *DEFENCE_FACTS)), basis) or bounds
    lo, hi = bounds
    default = (max(lo, min(span[0], hi)), max(lo, min(span[1], hi)))
    return bounds, default


@st.cache_data(show_spinner=False, max_entries=16)
def _documents(db: str, token: tuple[int, ...]) -> pd.DataFrame:
    return store.documents_frame(db)


@st.cache_data(show_spinner=False, max_entries=16)
def _pairs(db: str, token: tuple[int, ...]) -> list[tuple[str, str]]:
    return store.pairs(db)


@st.cache_data(show_spinner=False, max_entries=64)
def _summary(db: str, token: tuple[int, ...], pair: tuple[str, str] | None) -> dict[str, Any]:
    return store.summary(db, pair)


def rules_panel() -> None:
    """On every page, while the extraction rules cannot be loaded: the one-line reason (file, line, rule), as
    the command line prints it. Pages go on showing what is stored; only reading new articles needs rules."""
    from extractors.rules import rules_problem

    problem = rules_problem()
    if problem:
        logger.error("extraction rules cannot be loaded: %s", problem)
        st.error(f"**The extraction rules cannot be loaded.** {md_escape(problem)}\n\nNew articles cannot be "
                 "read until the file is fixed (reload the page then); the figures already stored are shown as "
                 "usual.", icon=":material/error:")


def clear_caches() -> None:
    """After this session writes to the store: every cached read is stale."""
    for reader in (_shared_facts, _facts_by_id, _count_facts, _year_bounds, _derived, _memo, _documents, _pairs, _summary):
        reader.clear()


def _guard(read: Callable[[], Any], what: str) -> Any:
    """Run a store read; on failure show a plain error (never a traceback) and stop the page."""
    try:
        return read()
    except Exception as exc:  # sqlite, schema and I/O errors all end the same way for the reader
        logger.exception("store read failed: %s", what)
        st.error(f"Could not read {what} from the figure store ({store.default_db_path()}): {exc}. "
                 "Check that the file is a Figure Desk database and is not being replaced.")
        st.stop()


def facts(view: View, *, all_pairs: bool = False, whole_period: bool = False,
          subset: Subset = EVERY_FACT) -> pd.DataFrame:
    """Facts for the sidebar's pair and period, or wider (cached; re-read whenever the database changes);
    ``subset`` reads only some metrics and kinds."""
    pair = None if all_pairs else view.pair
    start, end = (None, None) if whole_period else (view.start, view.end)
    return _guard(lambda: _facts(view.db, db_token(view.db), pair, start, end, subset), "figures")


def has_facts(view: View) -> bool:
    """Whether the view holds any fact at all, counted in SQL (a page that shows only some kinds of figure
    need not read all of them to know)."""
    return _guard(lambda: _count_facts(view.db, db_token(view.db), view.pair, view.start, view.end),
                  "figures") > 0


def facts_by_id(view: View, ids: Sequence[int]) -> pd.DataFrame:
    """The view's facts with these ids, in the order given (unknown ids and ids outside the view ignored);
    read when a person selects figures, so that no page has to hold every fact of the view for that."""
    wanted = tuple(int(i) for i in dict.fromkeys(ids))
    rows = _guard(lambda: _facts_by_id(view.db, db_token(view.db), view.pair, view.start, view.end, wanted),
                  "figures")
    return queries.facts_by_id(rows, wanted)


@st.cache_data(show_spinner=False, max_entries=256)
def _derived(_transform: Callable[..., Any], name: str, db: str, token: tuple[int, ...],
             pair: tuple[str, str] | None, start: str | None, end: str | None, args: tuple[Any, ...],
             subset: Subset = EVERY_FACT) -> Any:
    return _transform(_facts(db, token, pair, start, end, subset), *args)  # keyed by name: functions do not hash


def derived(view: View, transform: Callable[..., Any], *args: Any, subset: Subset = EVERY_FACT) -> Any:
    """``transform(facts, *args)`` for the sidebar's view, cached like the facts themselves, so that a click on
    a chart (a rerun) redraws without recomputing registers and timelines. ``subset`` reads only the facts the
    transform looks at; it must not change the result (the transform filters to those rows itself)."""
    name = f"{transform.__module__}.{transform.__qualname__}"
    return _guard(lambda: _derived(transform, name, view.db, db_token(view.db), view.pair, view.start, view.end,
                                   args, subset), "figures")


@st.cache_data(show_spinner=False, max_entries=128)
def _memo(_build: Callable[[], Any], name: str, db: str, token: tuple[int, ...], pair: tuple[str, str] | None,
          start: str | None, end: str | None, key: tuple[Any, ...]) -> Any:
    return _build()  # keyed by name and key: the closure does not hash


def memo(view: View, name: str, build: Callable[[], Any], *key: Any) -> Any:
    """``build()`` once per view (store, pair, period) and ``key``, which must name everything else the result
    depends on (the page's own choices), so that a rerun — a click — does not rebuild tables and charts."""
    return _memo(build, name, view.db, db_token(view.db), view.pair, view.start, view.end, key)


class DrawnFigure(go.Figure):
    """A figure rebuilt from a spec plotly already validated, for drawing and exporting only (never changed).

    It skips validation when built, and ``to_dict()`` hands back the spec instead of deep-copying every mark:
    for a chart of thousands of marks those two copies were most of what redrawing it cost.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(spec, _validate=False)
        self._spec = spec

    def to_dict(self) -> dict[str, Any]:
        return dict(self._spec)


def figure(view: View, name: str, build: Callable[[], go.Figure], *key: Any) -> go.Figure:
    """``build()`` once per view and ``key`` (as :func:`memo`), cached as plotly's dict and redrawn from it."""
    return DrawnFigure(memo(view, name, lambda: build().to_dict(), *key))


def trade_figures(view: View, basis: str = "calendar") -> pd.DataFrame:
    """:func:`queries.trade_figures` for the view (cached; the Trade page and the Overview share it)."""
    return derived(view, queries.trade_figures, basis, subset=TRADE_FACTS)


def defence_deals(view: View) -> pd.DataFrame:
    return derived(view, queries.defence_deals, subset=DEFENCE_FACTS)


def defence_register(view: View) -> pd.DataFrame:
    """The register for the view, its ordered/delivered/remaining balanced by the corroboration rule when that
    module is available (the Overview and Defence pages must agree on what is pending)."""
    corroboration = optional("dashboard.corroboration")
    balance = derived(view, corroboration.defence_balance, subset=DEFENCE_FACTS) if corroboration else None
    deals = defence_deals(view)
    return memo(view, "defence_register", lambda: queries.defence_register(
        facts(view, subset=DEFENCE_FACTS), view.pair, balance, deals), balance is not None)


def timeline_events(view: View) -> pd.DataFrame:
    """The Overview's trade and defence events, from the view's cached trade figures and deals."""
    return memo(view, "timeline_events", lambda: queries.timeline_events(
        facts(view, subset=DEFENCE_FACTS), trade_figures(view), defence_deals(view)))


def _canonical_trade(facts_frame: pd.DataFrame) -> pd.DataFrame | None:
    corroboration = optional("dashboard.corroboration")
    if corroboration is None:
        return None
    return corroboration.canonical_figures(queries.trade_facts(facts_frame))


def canonical_trade(view: View) -> pd.DataFrame | None:
    """One canonical figure per trade metric and period (corroboration's rule), or None without that module."""
    return derived(view, _canonical_trade, subset=TRADE_FACTS)


def documents(view: View) -> pd.DataFrame:
    return _guard(lambda: _documents(view.db, db_token(view.db)), "the list of documents")


def document_text(view: View, doc_id: str) -> str | None:
    return _guard(lambda: store.document_text(view.db, doc_id), "the document's text")


# --------------------------------------------------------------------------- URL-backed widgets

def _seed(key: str, param: str, default: Any, decode: Callable[[list[str]], Any]) -> None:
    """Give a widget its value before it is drawn: the URL's on arrival, else this session's last, else the
    default. Setting it through session state (and not ``value=``) keeps Streamlit from warning twice."""
    if key in st.session_state:
        return
    raw = st.query_params.get_all(param)
    value = decode(raw) if raw else None
    if value is None:
        value = st.session_state.get(_KEPT + key, default)
    st.session_state[key] = value


def _publish(key: str, param: str, value: Any, values: Sequence[str]) -> None:
    """Remember the widget's value past a page change and write it to the URL."""
    st.session_state[_KEPT + key] = value
    st.query_params[param] = list(values) if values else ""


def choose_one(label: str, options: Sequence[str], *, key: str, param: str, default: str,
               widget: Callable[..., Any] | None = None, **kwargs: Any) -> str:
    """A single choice (selectbox by default, or st.radio / st.segmented_control) mirrored in ``?param=``."""
    options = list(options)
    _seed(key, param, default, lambda raw: raw[0] if raw[0] in options else None)
    if st.session_state[key] not in options:  # also a segmented control clicked off in the last run
        st.session_state[key] = default if default in options else options[0]
    value = (widget or st.selectbox)(label, options, key=key, **kwargs)
    if value is None:  # a segmented control can be clicked off; keep showing the default rather than nothing
        value = default
    _publish(key, param, value, [value])
    return value


def choose_many(label: str, options: Sequence[str], *, key: str, param: str, default: Iterable[str] = (),
                **kwargs: Any) -> list[str]:
    """A multiselect mirrored in repeated ``?param=a&param=b`` values (an empty selection is ``?param=``)."""
    options = list(options)
    _seed(key, param, [d for d in default if d in options],
          lambda raw: [r for r in raw if r in options] if raw != [""] else [])
    st.session_state[key] = [v for v in st.session_state[key] if v in options]
    values = list(st.multiselect(label, options, key=key, **kwargs))
    _publish(key, param, values, values)
    return values


_YEARS = "sidebar_years"  # the period selector's value, kept across bases: (first, last, was the default)
BASIS_NAMES = {"calendar": "Calendar year", "fiscal": "Indian fiscal year (Apr–Mar)"}
_BASIS_BUTTONS = {"calendar": "Calendar", "fiscal": "Fiscal (Apr–Mar)"}  # short enough for one row in the sidebar


def _year_range(bounds: tuple[int, int], default: tuple[int, int], basis: str) -> tuple[int, int]:
    """The period selector on the basis: calendar years, or fiscal years (FY2022-23 is 2022). It opens on the URL's
    ``from``/``to`` (first years: ``from=2022`` on the fiscal basis is FY2022-23), else on ``default``; a range
    left at the default stays the default when the pair or the basis changes (the new one's default), a range
    someone chose keeps its years."""
    lo, hi = bounds
    key = f"{_YEARS}_{basis}"  # one widget per basis, so that a change of basis starts from its own default

    def decode(raw_from: list[str], raw_to: list[str]) -> tuple[int, int] | None:
        try:
            a = int(raw_from[0]) if raw_from else lo
            b = int(raw_to[0]) if raw_to else hi
        except ValueError:
            return None
        a, b = max(lo, min(a, hi)), max(lo, min(b, hi))
        return (min(a, b), max(a, b))

    kept = st.session_state.get(_KEPT + _YEARS)
    if key not in st.session_state:
        asked = decode(st.query_params.get_all("from"), st.query_params.get_all("to")) if kept is None and (
            "from" in st.query_params or "to" in st.query_params) else None
        st.session_state[key] = asked or (default if kept is None or kept[2] else kept[:2])
    a, b = st.session_state[key]
    if (a, b) == st.session_state.get(_KEPT + _YEARS + "_default"):
        a, b = default  # the default range stays the default when another pair has other years
    st.session_state[_KEPT + _YEARS + "_default"] = default
    st.session_state[key] = (max(lo, min(a, hi)), max(lo, min(b, hi)))
    fiscal = basis == "fiscal"
    label = "Period (Indian fiscal years, by the year each begins)" if fiscal else "Period (calendar years)"
    helped = ("Figures whose period overlaps these years. It opens on the years the pair's stories report on; "
              "drag it wider for older or target years.")
    if lo == hi:
        st.sidebar.caption(f"Period: {year_label(lo, basis)}")
        value = (lo, hi)
    else:  # a range select_slider would name fiscal years, but AppTest cannot drive one (Streamlit 1.67)
        value = st.sidebar.slider(label, min_value=lo, max_value=hi, key=key, step=1, help=helped)
        if fiscal:
            first, last = (year_label(y, "fiscal") for y in value)
            st.sidebar.caption(first if first == last else f"{first} to {last} (1 April {value[0]} – "
                                                            f"31 March {value[1] + 1})")
    st.session_state[_KEPT + _YEARS] = (value[0], value[1], tuple(value) == default)
    st.query_params["from"], st.query_params["to"] = str(value[0]), str(value[1])
    return value[0], value[1]


# --------------------------------------------------------------------------- the shared sidebar

def sidebar() -> View:
    """Pair selector, period range and the store's freshness line, drawn on every page (from app.py)."""
    db = str(store.default_db_path())
    token = db_token(db)
    available = _guard(lambda: _pairs(db, token), "the list of country pairs")
    labels = [queries.pair_label(p) for p in available]
    with st.sidebar:
        st.markdown("### Figure Desk")
        pair: tuple[str, str] | None = None
        if labels:
            default = queries.pair_label(DEFAULT_PAIR) if DEFAULT_PAIR in available else labels[0]
            asked = st.query_params.get("pair")
            if asked and "sidebar_pair" not in st.session_state:
                parsed = queries.parse_pair(asked)
                if parsed is None or queries.pair_label(parsed) not in labels:
                    st.warning(f"No figures for “{md_escape(asked)}” in the store; showing {default}.")
                else:
                    st.query_params["pair"] = queries.pair_label(parsed)  # accept "India-Russia" too
            label = choose_one("Country pair", labels, key="sidebar_pair", param="pair", default=default,
                               help="Pairs that have figures in the store, most-reported first.")
            pair = available[labels.index(label)]
        else:
            st.info("The store is empty: add articles on the Documents page.")
        basis = choose_one("Year basis", queries.BASES, key="sidebar_basis", param="basis", default="calendar",
                           widget=st.segmented_control, format_func=_BASIS_BUTTONS.get,
                           help="Indian fiscal years run 1 April – 31 March. The period below, the trade series "
                                "and what counts as a whole year follow this choice.")
        found = _guard(lambda: _year_bounds(db, token, pair, basis), "figures") if pair else None
        start_year = end_year = None
        if found:
            start_year, end_year = _year_range(*found, basis)
        info = _guard(lambda: _summary(db, token, pair), "the store summary")
        st.caption(f"Data as of {info['latest_published'] or '—'} · {info['n_documents']} articles · "
                   f"{info['n_facts']} figures")
    view = View(db=db, pair=pair, start_year=start_year, end_year=end_year, as_of=info["latest_published"],
                n_documents=int(info["n_documents"]), n_facts=int(info["n_facts"]), basis=basis)
    st.session_state[_VIEW] = view
    return view


_settled = False


def freeze_long_lived_objects() -> None:
    """Once per server process, after its first page run: move everything alive by then (Streamlit, plotly's
    validators, pandas, the extraction rules) out of the garbage collector's full passes.

    A page run at 100k facts allocates enough to trigger full passes, and each rescanned all of that: 150–250 ms
    pauses in a run, 30–60 ms once frozen. Objects that die later are still freed by reference counting.
    """
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()  # what is garbage now is not frozen with the rest
    gc.freeze()


def view() -> View:
    """The sidebar's choices for this run (app.py draws the sidebar before the page)."""
    ensure_app_routing()
    current = st.session_state.get(_VIEW)
    return current if isinstance(current, View) else sidebar()


def ensure_app_routing() -> None:
    """Make sure app.py runs, even when the first visitor of a fresh server opens a page URL directly.

    Because our pages live in pages/ next to app.py, Streamlit starts in its legacy multipage mode and runs
    pages/trade.py by itself (no page config, shared sidebar or Review page) until some session has called
    st.navigation — which only app.py does. Seen here (before the page has drawn anything), run app.py in
    this same script run: its st.navigation ends legacy mode for good and runs the page the URL names (page
    ids come from the URL path), with the same URL and the same widget events; then stop the legacy run.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the legacy mode: nothing to leave
        return
    if not getattr(PagesManager, "uses_pages_directory", False):
        return
    PagesManager.uses_pages_directory = False  # what st.navigation sets; also guards against recursion
    runpy.run_path(str(repo_root() / "app.py"), run_name="__main__")
    st.stop()


# --------------------------------------------------------------------------- charts and what is behind them

def chart(fig: go.Figure, *, key: str, name: str, pair_label: str) -> list[int] | None:
    """Draw a figure with the shared settings; returns the clicked/selected fact ids.

    None means "first time this chart is drawn in this session" (so the URL may name the selection).
    """
    exports = optional("dashboard.exports")
    filename = (exports.chart_file_name(name, pair_label, "png").removesuffix(".png") if exports
                else f"{pair_label}-{name}".replace(" ", "-").lower())
    first = key not in st.session_state
    event = st.plotly_chart(
        fig, width="stretch", theme=None, key=key, on_select="rerun",
        config={"toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
                "displaylogo": False},
    )
    if exports is not None:
        exports.download_buttons(fig, filename, key=f"{key}-download")
    ids = fact_ids(event)
    return None if first and not ids else ids


def fact_ids(event: Any) -> list[int]:
    """Fact ids in a plotly selection event (customdata holds one id per mark)."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return []
    ids: list[int] = []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if data is not None:
            try:
                ids.append(int(data))
            except (TypeError, ValueError):
                continue
    return list(dict.fromkeys(ids))


def selected_ids(*selections: list[int] | None) -> list[int]:
    """The page's selected fact ids: clicks if any, else (on arrival) the URL's ``?facts=``; kept in the URL."""
    clicked = [i for sel in selections if sel for i in sel]
    if clicked:
        st.query_params["facts"] = [str(i) for i in dict.fromkeys(clicked)]
        return list(dict.fromkeys(clicked))
    if all(sel is None for sel in selections):
        ids = []
        for raw in st.query_params.get_all("facts"):
            if raw.isdigit():
                ids.append(int(raw))
        return ids
    st.query_params.pop("facts", None)
    return []


def safe_url(url: object) -> str | None:
    """Only http(s) links become buttons; anything else from an article stays text."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


CLICK_HINT = ("Click a mark on a chart (or drag a box around several) to see the sentence and the article "
              "each figure came from.")


def figures_behind(facts_frame: pd.DataFrame | View, ids: Sequence[int], hint: str = CLICK_HINT) -> None:
    """The sentence and article behind each selected figure (article text shown with st.text, never Markdown).

    Given a View rather than a frame, only the selected facts are read (and only when there are some)."""
    st.markdown("#### Behind the figures")
    if not ids:
        st.caption(hint)
        return
    rows = facts_by_id(facts_frame, ids) if isinstance(facts_frame, View) else queries.facts_by_id(facts_frame, ids)
    if rows.empty:
        st.caption("The selected figures are outside the current pair or period.")
        return
    for row in rows.itertuples():
        with st.container(border=True):
            title = queries.text_or(row.title, queries.text_or(row.path, "untitled"))
            st.html(f"<div style='font-size:0.95rem'><b>{html.escape(str(row.surface))}</b> · "
                    f"{html.escape(queries.metric_label(row.metric))} · "
                    f"{html.escape(queries.text_or(row.period_label, 'period not stated'))}"
                    f"<br><span style='color:#5f6b7a'>{html.escape(title)} — {html.escape(queries.cited(row))}"
                    "</span></div>")
            st.text(row.sentence)
            link = safe_url(row.url)
            if link:
                st.link_button("Open the article", link, icon=":material/open_in_new:")


# --------------------------------------------------------------------------- citing and briefing packs

FALLBACK_BASE_URL = "http://127.0.0.1:8501"
KEY_FIGURE_COLUMNS = ("metric", "period_label", "value", "source", "published", "url")


def n_reports(*frames: pd.DataFrame) -> int:
    """Distinct documents (doc_id) behind the given fact frames."""
    ids: set[Any] = set()
    for frame in frames:
        if frame is not None and "doc_id" in frame.columns:
            ids.update(frame["doc_id"].dropna().unique().tolist())
    return len(ids)


def _page_url_path() -> str:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        manager = ctx.pages_manager if ctx is not None else None
        page = manager.get_pages().get(manager.current_page_script_hash) if manager is not None else None
        return str((page or {}).get("url_pathname") or "")
    except Exception:
        return ""


def view_url() -> str:
    """This page's URL with the current query parameters (st.context.url when the browser sent one)."""
    try:
        base = st.context.url
    except Exception:  # no browser context (tests, bare mode)
        base = None
    if not base:
        base = f"{FALLBACK_BASE_URL}/{_page_url_path()}"
    try:
        query = urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])
    except Exception:
        query = ""
    return f"{base}?{query}" if query else base


def cite_this_view(view: View, page_title: str, n_reports: int) -> None:
    """A "Cite this view" expander with the citation text of this page, in a copyable code block."""
    exports = optional("dashboard.exports")
    if exports is None:
        return
    try:
        text = exports.cite_text(page_title, view_url(), date.today(), int(n_reports))
    except Exception:  # citing is an extra: never take the page down
        logger.warning("could not build the citation", exc_info=True)
        return
    with st.expander("Cite this view"):
        st.code(text, language=None)


def _key_figure(row: Any, metric: str, value: str) -> dict[str, Any]:
    return {"metric": metric, "period_label": queries.text_or(getattr(row, "period_label", None), "not stated"),
            "value": value, "source": getattr(row, "source", None), "published": getattr(row, "published", None),
            "url": getattr(row, "url", None)}


def overview_key_figures(view: View) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(key figures, facts behind them) for the Overview headlines: the latest annual trade total, the newest
    part-year figure, the three largest defence deals and the pending deliveries (as the page shows them)."""
    return memo(view, "overview_key_figures", lambda: _overview_key_figures(view))


def _trade_and_defence_facts(view: View) -> pd.DataFrame:
    """Every fact an Overview headline or timeline mark can be: trade figures, counted systems and deal values
    (the two subsets hold no fact in common)."""
    return pd.concat([facts(view, subset=TRADE_FACTS), facts(view, subset=DEFENCE_FACTS)], ignore_index=True)


def _overview_key_figures(view: View) -> tuple[pd.DataFrame, pd.DataFrame]:
    facts_frame = facts(view, subset=DEFENCE_FACTS)
    rows: list[dict[str, Any]] = []
    ids: list[int] = []
    from dashboard import series_ui  # it builds on this module

    latest = series_ui.latest_trade(view)
    if latest is not None:
        point, basis = latest
        ids.extend(int(i) for i in point["fact_ids"])
        rows.append({"metric": "Total trade (latest whole year)", "period_label": queries.year_name(point["year"], basis),
                     "value": queries.format_usd(point["value_usd"]), "source": point["canonical_source"],
                     "published": point["canonical_published"], "url": point["canonical_url"]})
    newest_any = queries.latest_of(trade_figures(view), False)
    if newest_any is not None and (latest is None or str(newest_any["effective_period_end"]) > latest[0]["period_end"]):
        ids.append(int(newest_any["fact_id"]))
        rows.append(_key_figure(newest_any, "Trade (part of a year)",
                                queries.format_usd(newest_any["effective_value_usd"])))
    deals = defence_deals(view).sort_values("effective_value_usd", ascending=False)
    for deal in deals.head(3).itertuples():
        ids.append(int(deal.fact_id))
        rows.append(_key_figure(deal, f"Defence deal: {deal.system}", queries.format_usd(deal.effective_value_usd)))
    pending = queries.pending_deliveries(defence_register(view))
    for row in pending.head(3).itertuples():
        behind = queries.facts_by_id(facts_frame, [int(i) for i in row.fact_ids])
        ids.extend(int(i) for i in behind["fact_id"])
        ordered = f" of {row.Ordered:,.0f}" if pd.notna(row.Ordered) else ""
        newest = behind.sort_values("published").iloc[-1] if not behind.empty else None
        rows.append(_key_figure(newest, f"Deliveries pending: {row.System}",
                                f"{row.Remaining:,.0f}{ordered} still to come") | {"period_label": "to date"})
    key_figures = pd.DataFrame(rows, columns=list(KEY_FIGURE_COLUMNS))
    return key_figures, queries.facts_by_id(_trade_and_defence_facts(view), list(dict.fromkeys(ids)))


def overview_facts(view: View) -> pd.DataFrame:
    """Every fact the Overview shows: its headlines and its timeline's marks."""
    return memo(view, "overview_facts", lambda: _overview_facts(view))


def _overview_facts(view: View) -> pd.DataFrame:
    _, headline = overview_key_figures(view)
    events = timeline_events(view)
    ids = [*headline["fact_id"], *(events["fact_id"] if "fact_id" in events.columns else [])]
    return queries.facts_by_id(_trade_and_defence_facts(view), [int(i) for i in dict.fromkeys(ids)])


def briefing_pack(view: View, figures: list[tuple[str, go.Figure]]) -> str:
    """The Overview's briefing pack (HTML): its charts, its key figures and the source of every fact shown."""
    key_figures, _ = overview_key_figures(view)
    sources = overview_facts(view).reindex(columns=["title", "source", "published", "url"])
    return page_pack(view, figures, key_figures, sources)


def page_pack(view: View, figures: list[tuple[str, go.Figure]], key_figures: pd.DataFrame, sources: pd.DataFrame,
              **options: Any) -> str:
    """A page's briefing pack (HTML) for the view: ``exports.briefing_pack_html`` with the pair, period and basis
    (``options``: its key_title, tables and official_sources)."""
    exports = importlib.import_module("dashboard.exports")
    period = view.period_label + ("" if view.basis == "calendar" else " (Indian fiscal years)")
    return exports.briefing_pack_html(view.pair_label, period, figures, key_figures, sources,
                                      datetime.now().astimezone(), **options)


def defence_pack(view: View, figures: list[tuple[str, go.Figure]], register: pd.DataFrame,
                 *shown: pd.DataFrame) -> str:
    """The Defence page's pack: its charts, the register as shown, and the source of every figure behind the
    register rows and the deliveries and deals drawn (``shown``)."""
    behind = queries.facts_by_id(facts(view, subset=DEFENCE_FACTS), [i for ids in register["fact_ids"] for i in ids])
    sources = pd.concat([f.reindex(columns=["title", "source", "published", "url"]) for f in (behind, *shown)],
                        ignore_index=True)
    return page_pack(view, figures, register.drop(columns=["fact_ids"]), sources, key_title="Register")


def briefing_download(view: View, figures: list[tuple[str, go.Figure]], *, key: str,
                      build: Callable[[], str] | None = None) -> None:
    """A "Download briefing pack (HTML)" button, built only when clicked (``build``, else the Overview's pack);
    hidden without dashboard.exports."""
    if optional("dashboard.exports") is None or view.pair is None:
        return
    pair = queries.pair_label(view.pair).replace(" ", "-")
    st.download_button("Download briefing pack (HTML)", data=build or (lambda: briefing_pack(view, figures)),
                       file_name=f"briefing_{pair}_{date.today().isoformat()}.html", mime="text/html", key=key,
                       icon=":material/download:", on_click="ignore")


def no_data(view: View, what: str) -> None:
    """The helpful empty state: what is missing and how to add it."""
    pair = view.pair_label if view.pair else "any pair"
    st.info(f"No {what} for {pair} in {view.period_label} yet. Add articles on the Documents page "
            "(paste text or upload .txt, .md or .html files), or load a folder from a terminal: "
            "`python -m extractors ingest data/corpus --db data/facts.db`.", icon=":material/info:")
    st.page_link(DOCUMENTS_PAGE, label="Add articles", icon=":material/upload_file:")


def intro(text: str) -> None:
    """A page's opening line: where its numbers come from and the caveats (our own words, Markdown is fine)."""
    st.caption(text)


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- documents

HIGHLIGHT_STYLE = ("white-space:pre-wrap;font-family:'Source Serif 4',Georgia,serif;font-size:1rem;"
                   "line-height:1.65;max-height:32rem;overflow-y:auto;padding:0.75rem 1rem;"
                   "border:1px solid #e3e7ec;border-radius:0.5rem;background:#fff")
MARK_STYLE = "background:#fde68a;padding:0 2px;border-radius:3px"


def highlight_html(text: str, spans: Iterable[tuple[int, int, str]], offset: int = 0) -> str:
    """Article text as HTML with our figure spans in <mark>, every piece of the article html-escaped.

    ``spans`` are (start, end, tooltip) in the text's own offsets; ``offset`` is where the shown text
    starts (after front matter). Overlapping or out-of-range spans are skipped, never mis-marked; spans are
    numbered in text order (skipped ones keep their number) to match :func:`queries.document_facts_table`.
    E.g. "Trade hit <b>$5 bn</b>." with span (13, 18) gives ``Trade hit &lt;b&gt;<mark …>$5 bn</mark><sup>1</sup>…``.
    """
    shown = text[offset:]
    parts: list[str] = []
    cursor = 0
    for number, (start, end, tooltip) in enumerate(sorted(spans), start=1):
        start, end = start - offset, end - offset
        if start < cursor or end > len(shown) or start >= end:
            continue
        parts.append(html.escape(shown[cursor:start]))
        parts.append(f'<mark style="{MARK_STYLE}" title="{number} · {html.escape(tooltip)}">'
                     f"{html.escape(shown[start:end])}</mark><sup>{number}</sup>")
        cursor = end
    parts.append(html.escape(shown[cursor:]))
    return f'<div style="{HIGHLIGHT_STYLE}">{"".join(parts)}</div>'


RULES_BROKEN_REASON = "not read: the extraction rules cannot be loaded (see the message at the top of the page)"


def extract_upload(data: bytes, name: str, published: str | None = None) -> tuple[Any, list[Any], str | None]:
    """(Document, facts, None) for readable input, (None, [], reason) for a file we refuse, e.g. a PDF, or
    for every file while the rules are broken (not cached: the same text is read once they are fixed)."""
    from extractors import RulesError

    try:
        return _extract_upload(data, name, published)
    except RulesError:
        return None, [], RULES_BROKEN_REASON


@st.cache_data(show_spinner="Reading the figures…", max_entries=64)
def _extract_upload(data: bytes, name: str, published: str | None = None) -> tuple[Any, list[Any], str | None]:
    from extractors import BudgetExceeded, InputError, extract, read_bytes

    try:
        doc = read_bytes(data, name, published=published)
        found = extract(doc)
    except InputError as exc:
        return None, [], exc.reason
    except BudgetExceeded:
        return None, [], "took too long to read (the time budget per document ran out); split it into smaller files"
    return doc, found, None


def save_documents(view: View, docs: Sequence[tuple[Any, list[Any]]]) -> list[tuple[str, str]]:
    """Store each (Document, facts); returns (title, outcome) pairs and clears the cached reads."""
    from datastore.fetching import is_web_address
    from extractors import EXTRACTOR_VERSION

    outcomes = []
    try:
        for doc, found in docs:  # a fetched story is one document per address, however its text has changed
            outcomes.append((doc.title or doc.path, store.save_document(view.db, doc, found, EXTRACTOR_VERSION,
                                                                        one_per_url=is_web_address(doc.path))))
    finally:
        clear_caches()
    return outcomes
