"""Official trade statistics from files, loaded into the store: UN Comtrade CSV exports and a simple CSV for any
other source (``python -m extractors reference FILE... [--db FILE]``, or the Data page).

Three layouts are read, told apart by their header and read by column name (their columns and what we read of
each: README, "Official statistics beside the news"):

- ``comtrade``: the CSV that UN Comtrade's data site and its API (``data/v1/get``, CSV output) give: period
  (YYYY or YYYYMM), reporter and partner (ISO code, else name), flowCode (M imports, X exports), primaryValue (US$).
- ``comtrade_classic``: the CSV of the earlier Comtrade site (Period, Trade Flow, Reporter, Partner, Trade Value).
- ``simple``: ``pair, flow, period_start, period_end, value, currency, source, url`` (``reporter`` optional),
  lines starting with ``#`` are notes. ``pair`` is written from the flow's side: "India–Russia, imports" is
  India's imports from Russia; the reporter (whose statistics they are) is the first country unless named.

Only a pair's whole goods trade is kept: a row for one commodity, a transport mode, a customs procedure, a
second partner, the world as partner, re-exports or services is skipped and counted, never summed.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from datastore import store
from datastore.countries import PAIR_SEPARATOR, Countries, default_countries, pair_splits

COMTRADE = "comtrade"
COMTRADE_CLASSIC = "comtrade_classic"
SIMPLE = "simple"
FORMAT_NAMES = {COMTRADE: "UN Comtrade export", COMTRADE_CLASSIC: "UN Comtrade export (classic)",
                SIMPLE: "reference CSV"}
COMTRADE_SOURCE = "UN Comtrade"
COMTRADE_URL = "https://comtrade.un.org/"
SIMPLE_COLUMNS = ("pair", "flow", "period_start", "period_end", "value", "currency", "source", "url")
MAX_BYTES = 50 * 1024 * 1024  # a year of one reporter's monthly data by partner is a few MB
_SHOWN_PROBLEMS = 5  # lines named one by one; the rest are counted

# What tells the layouts apart: columns that only that layout has.
_SIGNATURES = {
    COMTRADE: {"period", "flowCode", "primaryValue"},
    COMTRADE_CLASSIC: {"Period", "Trade Flow", "Reporter", "Partner", "Trade Value (US$)"},
    SIMPLE: {"pair", "flow", "period_start", "period_end", "value", "currency", "source"},
}
_FLOW_CODES = {"M": "imports", "X": "exports"}  # Comtrade's codes; RM, RX and the other sub-flows are skipped
_CLASSIC_FLOWS = {"import": "imports", "imports": "imports", "export": "exports", "exports": "exports",
                  "1": "imports", "2": "exports"}  # Trade Flow text, or the legacy regime code
_SIMPLE_FLOWS = {"exports": "exports", "export": "exports", "imports": "imports", "import": "imports",
                 "trade_total": "trade_total", "total": "trade_total", "total trade": "trade_total",
                 "trade": "trade_total"}
_WHOLE = {"", "0", "TOTAL", "C00", "World"}  # the values that mean "no breakdown" in Comtrade's columns


class ReferenceFileError(ValueError):
    """A file that cannot be read as official statistics at all; the reason names what is wrong."""


@dataclass
class FileResult:
    """What one file gave: the figures read, the rows skipped by reason, and the rows refused, by line."""

    name: str
    file_format: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


@dataclass
class LoadSummary:
    """What a load did, for the command line and the Data page."""

    files: list[FileResult] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    outcomes: Counter[str] = field(default_factory=Counter)      # new / unchanged / updated
    loaded: list[dict[str, Any]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report, one line each: every file, then the totals, the pairs and the years."""
        out = [describe_file(result) for result in self.files]
        out += [f"{name}: not loaded: {reason}" for name, reason in self.failed]
        n = len(self.loaded)
        out.append(f"official figures: {n} loaded ({self.outcomes['new']} new, {self.outcomes['unchanged']} "
                   f"unchanged, {self.outcomes['updated']} updated)")
        if self.loaded:
            pairs = Counter(PAIR_SEPARATOR.join(sorted((r["reporter"], r["partner"]))) for r in self.loaded)
            out.append("pairs: " + ", ".join(f"{pair} ({count})" for pair, count in sorted(pairs.items())))
            labels = dict.fromkeys(period_label(r["period_start"], r["period_end"]) for r in
                                   sorted(self.loaded, key=lambda r: (r["period_start"], r["period_end"])))
            out.append("years: " + ", ".join(labels))
        return out


def describe_file(result: FileResult) -> str:
    """'trade.csv: UN Comtrade export, 6 figures; 2 rows skipped (a commodity, not all goods: 2)'."""
    text = f"{result.name}: {FORMAT_NAMES[result.file_format]}, {len(result.rows)} figure" \
           f"{'s' if len(result.rows) != 1 else ''}"
    if result.skipped:
        n = sum(result.skipped.values())
        text += f"; {n} row{'s' if n != 1 else ''} skipped (" + \
            ", ".join(f"{reason}: {count}" for reason, count in result.skipped.most_common()) + ")"
    if result.problems:
        shown = result.problems[:_SHOWN_PROBLEMS]
        rest = len(result.problems) - len(shown)
        text += "; refused " + "; ".join(shown) + (f"; and {rest} more" if rest else "")
    return text


# --------------------------------------------------------------------------- periods and countries

def period_label(start: str, end: str) -> str:
    """How a period reads in a summary.

    >>> period_label("2023-01-01", "2023-12-31"), period_label("2023-04-01", "2024-03-31")
    ('2023', 'FY2023-24')
    >>> period_label("2023-05-01", "2023-05-31")
    'May 2023'
    """
    s, e = date.fromisoformat(start), date.fromisoformat(end)
    if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31) and s.year == e.year:
        return str(s.year)
    if (s.month, s.day, e.month, e.day) == (4, 1, 3, 31) and e.year == s.year + 1:
        return f"FY{s.year}-{e.year % 100:02d}"
    if s.day == 1 and (s.year, s.month) == (e.year, e.month) and (e + timedelta(days=1)).day == 1:
        return f"{s:%b %Y}"
    return f"{start} to {end}"


def _comtrade_period(text: str) -> tuple[str, str] | None:
    """Comtrade's period: 'YYYY' a calendar year, 'YYYYMM' a month."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-01-01", f"{text}-12-31"
    if re.fullmatch(r"\d{6}", text) and 1 <= int(text[4:]) <= 12:
        first = date(int(text[:4]), int(text[4:]), 1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first.isoformat(), (following - timedelta(days=1)).isoformat()
    return None


# --------------------------------------------------------------------------- reading

def _decode(data: bytes) -> str:
    if not data.strip():
        raise ReferenceFileError("the file is empty")
    if len(data) > MAX_BYTES:
        raise ReferenceFileError(f"larger than {MAX_BYTES // 2**20} MB")
    if b"\x00" in data[:4096]:
        raise ReferenceFileError("not a text file")
    for encoding in ("utf-8-sig", "cp1252"):  # Comtrade's older files are not always UTF-8
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReferenceFileError("not readable as UTF-8 or Windows-1252 text")


def _records(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and each row as (line number, column → text), '#' note lines set aside."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if not line.lstrip().startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    rows = list(reader)
    if not rows:
        raise ReferenceFileError("the file has no header row")
    header = [h.strip() for h in rows[0]]
    records = []
    for (number, _), cells in zip(lines[1:], rows[1:], strict=False):
        if not any(c.strip() for c in cells):
            continue
        records.append((number, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}))
    return header, records


def detect_format(header: Sequence[str]) -> str:
    """Which layout a header is (see the module docstring); ReferenceFileError when none."""
    names = set(header)
    for name, needed in _SIGNATURES.items():
        if needed <= names:
            return name
    raise ReferenceFileError(
        "the header is neither a UN Comtrade export (period, flowCode, primaryValue …; or Period, Trade Flow, "
        "Trade Value (US$) …) nor a reference CSV (" + ", ".join(SIMPLE_COLUMNS) + ")")


def read_reference(data: bytes, name: str, countries: Countries | None = None) -> FileResult:
    """The official figures in one file (any of the three layouts), with what was skipped and refused."""
    header, records = _records(_decode(data))
    layout = detect_format(header)
    countries = countries or default_countries()
    result = FileResult(name=Path(name).name, file_format=layout)
    read_row = {COMTRADE: _comtrade_row, COMTRADE_CLASSIC: _classic_row, SIMPLE: _simple_row}[layout]
    kept: dict[tuple[Any, ...], tuple[int, dict[str, Any]]] = {}
    for number, record in records:
        try:
            row = read_row(record, countries)
        except _Skip as skip:
            result.skipped[str(skip)] += 1
            continue
        except ValueError as exc:
            result.problems.append(f"line {number}: {exc}")
            continue
        row |= {"file": result.name, "file_format": layout}
        key = tuple(row[c] for c in ("source", "reporter", "partner", "flow", "period_start", "period_end"))
        if key in kept and kept[key][1]["value"] != row["value"]:
            result.problems.append(f"line {number}: the same figure as line {kept[key][0]} with another value; "
                                   "the later one is kept")
        kept[key] = (number, row)
    result.rows = [row for _, row in kept.values()]
    return result


class _Skip(Exception):  # noqa: N818 - a row that is fine but not a pair's whole goods trade; the text is why
    pass


def _number(text: str, what: str) -> float:
    cleaned = text.replace(",", "").replace("_", "").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{what} '{text}' is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} '{text}' is not a value a trade figure can have")
    return value


def _parties(countries: Countries, reporter: tuple[str, str], partner: tuple[str, str]) -> tuple[str, str]:
    """(reporter, partner) as our country names; the world or an unknown area is skipped."""
    names = []
    for role, (code, desc) in (("reporter", reporter), ("partner", partner)):
        if desc.casefold() == "world" or code.upper() in ("W00", "WLD"):
            raise _Skip(f"{role} is the world, not a country")
        found = countries.find(code, desc)
        if found is None:
            raise _Skip(f"{role} not a country we know ({desc or code})")
        names.append(found)
    if names[0] == names[1]:
        raise _Skip("reporter and partner are the same country")
    return names[0], names[1]


def _whole_trade(record: Mapping[str, str], columns: Iterable[tuple[str, str]]) -> None:
    """Skip a row that is a breakdown (one commodity, customs procedure, transport mode, second partner)."""
    for column, what in columns:
        value = record.get(column, "")
        if value not in _WHOLE and value.upper() not in _WHOLE:
            raise _Skip(what)


@dataclass(frozen=True)
class _Layout:
    """Where a Comtrade layout keeps what we read: breakdown columns (each must be its total), the period, the
    reporter's and partner's (ISO code, name) and the value in US dollars."""

    breakdowns: tuple[tuple[str, str], ...]  # (column, what a row broken down by it is)
    period: str
    reporter: tuple[str, str]
    partner: tuple[str, str]
    value: str


_COMTRADE_LAYOUT = _Layout(
    (("cmdCode", "a commodity, not all goods"), ("partner2Code", "a second partner"),
     ("customsCode", "a customs procedure"), ("motCode", "a mode of transport")),
    "period", ("reporterISO", "reporterDesc"), ("partnerISO", "partnerDesc"), "primaryValue")
_CLASSIC_LAYOUT = _Layout(
    (("Commodity Code", "a commodity, not all goods"), ("2nd Partner Code", "a second partner"),
     ("Customs Proc. Code", "a customs procedure"), ("Mode of Transport Code", "a mode of transport")),
    "Period", ("Reporter ISO", "Reporter"), ("Partner ISO", "Partner"), "Trade Value (US$)")


def _comtrade_row(record: Mapping[str, str], countries: Countries) -> dict[str, Any]:
    if record.get("typeCode", "C") not in ("C", ""):
        raise _Skip("services, not goods")
    if record.get("freqCode", "A") not in ("A", "M", ""):
        raise _Skip("neither a year nor a month")
    _whole_trade(record, _COMTRADE_LAYOUT.breakdowns)
    flow = _FLOW_CODES.get(record.get("flowCode", "").upper())
    return _comtrade_figure(record, countries, _COMTRADE_LAYOUT, flow,
                            record.get("period") or record.get("refPeriodId", ""))


def _classic_row(record: Mapping[str, str], countries: Countries) -> dict[str, Any]:
    _whole_trade(record, _CLASSIC_LAYOUT.breakdowns)
    flow = _CLASSIC_FLOWS.get(record.get("Trade Flow", "").casefold()) or \
        _CLASSIC_FLOWS.get(record.get("Trade Flow Code", ""))
    return _comtrade_figure(record, countries, _CLASSIC_LAYOUT, flow, record.get("Period", ""))


def _comtrade_figure(record: Mapping[str, str], countries: Countries, layout: _Layout, flow: str | None,
                     period_text: str) -> dict[str, Any]:
    """One row of either Comtrade layout as an official figure (a flow we do not keep is skipped)."""
    if flow is None:
        raise _Skip("re-exports, re-imports or another sub-flow")
    period = _comtrade_period(period_text)
    if period is None:
        raise ValueError(f"{layout.period} '{record.get(layout.period, '')}' is neither YYYY nor YYYYMM")
    reporter, partner = _parties(countries, (record.get(layout.reporter[0], ""), record.get(layout.reporter[1], "")),
                                 (record.get(layout.partner[0], ""), record.get(layout.partner[1], "")))
    value = _number(record.get(layout.value, ""), layout.value)
    return {"reporter": reporter, "partner": partner, "flow": flow, "period_start": period[0],
            "period_end": period[1], "value": value, "currency": "USD", "value_usd": value,
            "source": COMTRADE_SOURCE, "url": COMTRADE_URL}


def _ordered_pair(text: str, countries: Countries) -> tuple[str, str]:
    """'India–Russia' → ('India', 'Russia'), in the order written (en dash, em dash, slash or hyphen)."""
    for parts in pair_splits(text):
        found = [countries.find(name=p) for p in parts]
        if all(found):
            return found[0], found[1]  # type: ignore[return-value]
    raise ValueError(f"pair '{text}' is not two countries we know, e.g. India–Russia")


def _simple_row(record: Mapping[str, str], countries: Countries) -> dict[str, Any]:
    first, second = _ordered_pair(record.get("pair", ""), countries)
    flow = _SIMPLE_FLOWS.get(record.get("flow", "").casefold())
    if flow is None:
        raise ValueError(f"flow '{record.get('flow', '')}' is not exports, imports or trade_total")
    reporter = first
    if record.get("reporter"):
        reporter = countries.find(name=record["reporter"]) or ""
        if reporter not in (first, second):
            raise ValueError(f"reporter '{record['reporter']}' is not one of the pair")
    if reporter != first and flow != "trade_total":  # the figure is stated from the first country's side
        flow = {"exports": "imports", "imports": "exports"}[flow]
    partner = second if reporter == first else first
    try:
        start, end = date.fromisoformat(record.get("period_start", "")), date.fromisoformat(record.get("period_end", ""))
    except ValueError:
        raise ValueError("period_start and period_end must be dates written YYYY-MM-DD") from None
    if end < start:
        raise ValueError("period_end is before period_start")
    value = _number(record.get("value", ""), "value")
    currency = record.get("currency", "").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValueError(f"currency '{record.get('currency', '')}' is not an ISO code such as USD or INR")
    source = " ".join(record.get("source", "").split())
    if not source:
        raise ValueError("source is empty: say whose statistics these are")
    return {"reporter": reporter, "partner": partner, "flow": flow, "period_start": start.isoformat(),
            "period_end": end.isoformat(), "value": value, "currency": currency,
            "value_usd": _in_usd(value, currency, start, end), "source": source, "url": record.get("url") or None}


def _in_usd(value: float, currency: str, start: date, end: date) -> float:
    """A figure in another currency at the average of the period's mid-month rates (a year's figure is a sum
    over the year, so no single day's rate fits it); refused when a month has no rate."""
    if currency == "USD":
        return value
    from extractors.fx import usd_rate

    rates = []
    day = date(start.year, start.month, 15)
    while day <= end or (day.year, day.month) == (end.year, end.month):
        found = usd_rate(currency, day)
        if found is None:
            raise ValueError(f"no US-dollar rate for {currency} in {day:%b %Y}")
        rates.append(found[0])
        day = date(day.year + day.month // 12, day.month % 12 + 1, 15)
    return value * sum(rates) / len(rates)


# --------------------------------------------------------------------------- loading

def load_files(files: Sequence[tuple[str, bytes]], db: store.DbPath,
               countries: Countries | None = None) -> LoadSummary:
    """Read each (name, bytes) and store what it gives; a file that cannot be read is named with its reason and
    the others still load. Loading the same file again changes nothing."""
    summary = LoadSummary()
    for name, data in files:
        try:
            result = read_reference(data, name, countries)
        except ReferenceFileError as exc:
            summary.failed.append((Path(name).name, str(exc)))
            continue
        summary.files.append(result)
        if result.rows:
            summary.outcomes.update(store.save_official(db, result.rows))
            summary.loaded.extend(result.rows)
    return summary
