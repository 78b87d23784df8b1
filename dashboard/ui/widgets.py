"""Widgets whose value lives in the URL, and the furniture every page opens and empties with.

State lives in the URL: each widget is seeded from ``st.query_params`` when a page opens and writes its value
back after every run, so a copied URL reopens the same view. Text from outside (a file name, a title, a URL
parameter) shown in Markdown goes through :func:`md_escape`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import streamlit as st

from dashboard.labels import BASIS_WORDS, PAIR_SEPARATOR, year_label
from dashboard.ui.reads import View

DOCUMENTS_PAGE = "pages/documents.py"
_KEPT = "_kept_"  # session copy of a widget's value, which outlives the widget when the user changes page
_YEARS = "sidebar_years"  # the period selector's value, kept across bases: (first, last, was the default)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|$<>~])")
_NOT_PLAIN = re.compile(r"[^\w\s\-\u2013.,]")  # what an echoed URL value loses: anything Markdown could act on


def md_escape(text: object) -> str:
    r"""Text from outside (a file name, an article title, a URL parameter) made inert inside Streamlit Markdown
    (st.error, st.success, expander labels): no links, no LaTeX, no emphasis.

    >>> md_escape("[x](javascript:y) costs $5")
    '\\[x\\]\\(javascript:y\\) costs \\$5'
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def intro(text: str) -> None:
    """A page's opening line: where its numbers come from and the caveats (our own words, Markdown is fine)."""
    st.caption(text)


def no_data(view: View, what: str) -> None:
    """The helpful empty state: what is missing and how to add it."""
    pair = view.pair_label if view.pair else "any pair"
    st.info(f"No {what} for {pair} in {view.period_label} yet. Add articles on the Documents page "
            "(paste text or upload .txt, .md or .html files), or load a folder from a terminal: "
            "`python -m extractors ingest data/corpus --db data/facts.db`.", icon=":material/info:")
    st.page_link(DOCUMENTS_PAGE, label="Add articles", icon=":material/upload_file:")


# --------------------------------------------------------------------------- widgets kept in the URL

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


def year_range(bounds: tuple[int, int], default: tuple[int, int], basis: str) -> tuple[int, int]:
    """The period selector in the sidebar, on the basis: calendar years, or fiscal years (FY2022-23 is 2022). It
    opens on the URL's ``from``/``to`` (first years: ``from=2022`` on the fiscal basis is FY2022-23), else on
    ``default``; a range left at the default stays the default when the pair or the basis changes (the new one's
    default), a range someone chose keeps its years."""
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
    helped = ("Figures whose period overlaps these years. It opens on the years the pair's stories report on; "
              "drag it wider for older or target years.")
    if lo == hi:
        st.sidebar.caption(f"Period: {year_label(lo, basis)}")
        value = (lo, hi)
    else:  # a range select_slider would name fiscal years, but AppTest cannot drive one (Streamlit 1.67)
        value = st.sidebar.slider(BASIS_WORDS[basis].slider, min_value=lo, max_value=hi, key=key, step=1,
                                  help=helped)
        if basis == "fiscal":
            first, last = (year_label(y, "fiscal") for y in value)
            st.sidebar.caption(first if first == last else f"{first} to {last} (1 April {value[0]} – "
                                                            f"31 March {value[1] + 1})")
    st.session_state[_KEPT + _YEARS] = (value[0], value[1], tuple(value) == default)
    st.query_params["from"], st.query_params["to"] = str(value[0]), str(value[1])
    return value[0], value[1]


# --------------------------------------------------------------------------- a page whose URL is its filters only

def seed_filter(key: str, param: str, options: list[str], default: str) -> None:
    """A filter whose "any" choice stays out of the URL: seeded from ``?param=`` once per session (a pair typed
    with a hyphen means the en dash; an unknown value is named in a warning, without anything Markdown could act
    on, and the default shown), and back to the default when its choice has gone from the options."""
    if key not in st.session_state:
        wanted = st.query_params.get(param, default)
        if wanted not in options:
            wanted = wanted.replace("-", PAIR_SEPARATOR)  # "India-Russia" typed into a URL means "India–Russia"
        if wanted not in options:
            if wanted != default:
                st.warning(f"No {param} called '{_NOT_PLAIN.sub('', wanted)[:80]}' in the store; showing all.")
            wanted = default
        st.session_state[key] = wanted
    elif st.session_state[key] not in options:
        st.session_state[key] = default


def seed_flag(key: str, param: str) -> None:
    """A toggle seeded from ``?param=1`` once per session."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(param) == "1"


def set_url(params: dict[str, str]) -> None:
    """The URL's query becomes exactly these parameters, those without a value left out."""
    wanted = {k: v for k, v in params.items() if v}
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
