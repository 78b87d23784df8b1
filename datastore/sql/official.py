"""Official statistics in the store (``official_figures``): loaded idempotently, revised in place, read by pair."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from datastore.sql.documents import SaveOutcome
from datastore.sql.facts import pair_string
from datastore.sql.schema import DbPath, connect, read_frame, write_transaction
from datastore.sql.values import is_blank, iso_date, sorted_pair, utc_now

if TYPE_CHECKING:
    import pandas as pd

OFFICIAL_FIELDS: tuple[str, ...] = (
    "reporter", "partner", "flow", "period_start", "period_end", "value", "currency", "value_usd", "source", "url",
    "file", "file_format",
)
OFFICIAL_FLOWS = ("exports", "imports", "trade_total")
_OFFICIAL_KEY = ("source", "reporter", "partner", "flow", "period_start", "period_end")
_OFFICIAL_COMPARED = ("value", "currency", "value_usd", "url")  # a change in any of these is a revision


def save_official(db_path: DbPath, rows: Sequence[Mapping[str, Any]]) -> list[SaveOutcome]:
    """Store official figures in one transaction; one outcome per row: 'new', 'unchanged' or 'updated'.

    A figure is the same figure when source, reporter, partner, flow and period are the same, so loading a
    file twice changes nothing, and loading a revised file replaces the revised values (and names that file).
    """
    now = utc_now()
    outcomes: list[SaveOutcome] = []
    with connect(db_path) as conn, write_transaction(conn):
        for row in rows:
            clean = _official_row(row)
            key = [clean[c] for c in _OFFICIAL_KEY]
            found = conn.execute(
                "SELECT official_id, value, currency, value_usd, url FROM official_figures WHERE source = ? "
                "AND reporter = ? AND partner = ? AND flow = ? AND period_start = ? AND period_end = ?", key,
            ).fetchone()
            if found is not None and tuple(found[1:]) == tuple(clean[c] for c in _OFFICIAL_COMPARED):
                outcomes.append("unchanged")
                continue
            clean["loaded_at"] = now
            clean["pair_a"], clean["pair_b"] = sorted((clean["reporter"], clean["partner"]))
            if found is None:
                columns = (*OFFICIAL_FIELDS, "pair_a", "pair_b", "loaded_at")
                conn.execute(f"INSERT INTO official_figures ({', '.join(columns)}) "  # noqa: S608 - our own names
                             f"VALUES ({', '.join(':' + c for c in columns)})", clean)
                outcomes.append("new")
            else:
                conn.execute("UPDATE official_figures SET value = :value, currency = :currency, "
                             "value_usd = :value_usd, url = :url, file = :file, file_format = :file_format, "
                             "loaded_at = :loaded_at WHERE official_id = :official_id",
                             clean | {"official_id": found[0]})
                outcomes.append("updated")
    return outcomes


def _official_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One official figure checked for what the table needs (the readers check the rest, with line numbers)."""
    clean = {field: (None if is_blank(row.get(field)) else row.get(field)) for field in OFFICIAL_FIELDS}
    for field in ("reporter", "partner", "flow", "period_start", "period_end", "value", "currency", "source",
                  "file", "file_format"):
        if clean[field] is None:
            raise ValueError(f"an official figure needs {field!r}: {dict(row)!r}")
    if clean["flow"] not in OFFICIAL_FLOWS:
        raise ValueError(f"flow must be one of {OFFICIAL_FLOWS}, got {clean['flow']!r}")
    clean["period_start"], clean["period_end"] = iso_date(clean["period_start"]), iso_date(clean["period_end"])
    clean["value"] = float(clean["value"])
    clean["value_usd"] = None if clean["value_usd"] is None else float(clean["value_usd"])
    return clean


def official_frame(db_path: DbPath, pairs: Iterable[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Official figures, for these pairs (either order) or all, by pair, period, flow and reporter.

    Added column: ``pair`` ("A–B", sorted, as facts name pairs). Dates stay ISO strings.
    """
    sql = ("SELECT official_id, reporter, partner, flow, period_start, period_end, value, currency, value_usd, "
           "source, url, file, file_format, pair_a, pair_b, loaded_at FROM official_figures")
    params: list[str] = []
    if pairs is not None:
        wanted = [sorted_pair(list(p)) for p in pairs]
        if not wanted:
            sql += " WHERE 0"
        else:
            sql += " WHERE " + " OR ".join("(pair_a = ? AND pair_b = ?)" for _ in wanted)
            params = [name for pair in wanted for name in pair]
    sql += " ORDER BY pair_a, pair_b, period_start, period_end, flow, reporter, source"
    frame = read_frame(db_path, sql, params, types={"official_id": "int64", "value": "float64", "value_usd": "float64"})
    frame["pair"] = pair_string(frame)
    return frame

