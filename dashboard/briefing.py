"""The briefing pack: one self-contained HTML file with a page's charts, its table and every source, printable to
PDF from a browser; and the citation of a dashboard view.

All text is escaped, only http(s) URLs become links (``labels.safe_url``), a CSP blocks scripts and fetching, and
the print stylesheet gives A4 pages with a page break between sections.
"""

from __future__ import annotations

import base64
import html
import numbers
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import pandas as pd

from dashboard import exports  # its image functions looked up at call time: a test or a server without Chromium
from dashboard.exports import LIST_SEPARATOR, is_missing, slug
from dashboard.labels import BRAND, safe_url

if TYPE_CHECKING:  # plotly is only needed by callers that already hold a figure
    import plotly.graph_objects as go

_PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; max-width: 190mm;
       margin: 0 auto; line-height: 1.4; }
h1 { font-size: 20pt; margin-bottom: 0; } h2 { font-size: 14pt; border-bottom: 1px solid #999; }
.meta, .note, figcaption { color: #444; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th, td { border: 1px solid #bbb; padding: 2px 4px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0 0 8mm 0; break-inside: avoid; page-break-inside: avoid; }
figure img { width: 100%; height: auto; }
.url { word-break: break-all; font-size: 8pt; color: #333; }
@media print {
  section + section { break-before: page; page-break-before: always; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""
# Defence in depth: even if something slipped past html.escape, the pack can run no script and fetch nothing.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_SOURCE_COLUMNS = ("title", "source", "published", "url")


def _link(url: object, text: str | None = None) -> str:
    """An escaped ``<a>`` for an http(s) URL, else the escaped text (a javascript: URL is just words)."""
    shown = html.escape(text if text is not None else ("" if is_missing(url) else str(url)))
    href = safe_url(url)
    return f'<a href="{html.escape(href)}" rel="noopener noreferrer">{shown}</a>' if href else shown


def _display(value: object) -> str:
    """A cell as plain text for the pack: numbers with thousands separators, lists joined, dates ISO."""
    if isinstance(value, list | tuple | set | frozenset):
        return LIST_SEPARATOR.join(_display(v) for v in value)
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, numbers.Real):
        return f"{value:,.15g}"
    return str(value)


def _html_table(df: pd.DataFrame) -> str:
    """The frame as an escaped HTML table; a ``url`` column becomes links."""
    head = "".join(f"<th>{html.escape(str(name))}</th>" for name in df.columns)
    rows = []
    for record in df.itertuples(index=False, name=None):
        cells = []
        for name, value in zip(df.columns, record, strict=True):
            if name == "url":
                cells.append(f'<td class="url">{_link(value)}</td>')
            else:
                numeric = isinstance(value, numbers.Real) and not isinstance(value, bool)
                css = ' class="num"' if numeric else ""
                cells.append(f"<td{css}>{html.escape(_display(value))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _untagged(text: str) -> str:
    """Plotly annotation text without its HTML-ish tags (``<br>``, ``<i>``), as plain words."""
    return " ".join(re.sub(r"<[^>]*>", " ", text).split())


def figure_data_frame(fig: go.Figure) -> pd.DataFrame:
    """The data a figure plots, one row per point: trace name, then x/y (or labels/values) — what a reader
    needs when the chart itself cannot be drawn."""
    rows: list[dict[str, object]] = []
    for index, trace in enumerate(fig.data):
        name = trace.name if getattr(trace, "name", None) else f"series {index + 1}"
        keys = [k for k in ("x", "y", "labels", "values") if getattr(trace, k, None) is not None]
        columns = [list(getattr(trace, k)) for k in keys]
        for point in zip(*columns, strict=False):
            rows.append({"series": name, **dict(zip(keys, point, strict=True))})
    return pd.DataFrame(rows)


def _figure_html(title: str, fig: go.Figure, png: bytes | None) -> str:
    caption = html.escape(title)
    if png is not None:
        encoded = base64.b64encode(png).decode("ascii")
        return (f'<figure><img alt="{caption}" src="data:image/png;base64,{encoded}">'
                f"<figcaption>{caption}</figcaption></figure>")
    notes = [_untagged(str(a.text)) for a in (fig.layout.annotations or ()) if a.text]
    notes_html = "".join(f'<p class="note">{html.escape(note)}</p>' for note in notes)
    return (
        f"<figure><figcaption><strong>{caption}</strong></figcaption>"
        '<p class="note">Chart image not available (no Chromium on the server that made this pack); '
        "the chart's data follows.</p>"
        f"{_html_table(figure_data_frame(fig))}{notes_html}</figure>"
    )


def briefing_sources(sources: pd.DataFrame, key_figures: pd.DataFrame) -> pd.DataFrame:
    """Every distinct source (title, source, published, url) of the given sources and of the key figures
    themselves, so a figure in the pack can never lack its source; oldest first."""
    frames = [f.reindex(columns=list(_SOURCE_COLUMNS)) for f in (sources, key_figures)
              if set(_SOURCE_COLUMNS) & set(f.columns)]
    if not frames:
        return pd.DataFrame(columns=list(_SOURCE_COLUMNS))
    merged = pd.concat(frames, ignore_index=True).astype(object)
    merged = merged.where(merged.notna(), None)
    merged["_key"] = [u if isinstance(u, str) and u.strip() else f"{t}|{s}|{p}"
                      for t, s, p, u in merged[list(_SOURCE_COLUMNS)].itertuples(index=False, name=None)]
    merged = merged.drop_duplicates("_key").drop(columns="_key")
    return merged.sort_values(["published", "title"], key=lambda s: s.map(_display)).reset_index(drop=True)


def _source_item(title: object, outlet: object, published: object, url: object) -> str:
    label = _display(title) or _display(url) or "untitled report"
    details = ", ".join(part for part in (_display(outlet), _display(published)) if part)
    url_text = f'<br><span class="url">{html.escape(_display(url))}</span>' if _display(url) else ""
    return f"<li>{_link(url, label)}{' — ' + html.escape(details) if details else ''}{url_text}</li>"


def briefing_pack_html(
    pair: str,
    period_label: str,
    figures: list[tuple[str, go.Figure]],
    key_figures: pd.DataFrame,
    sources: pd.DataFrame,
    generated: datetime,
    *,
    key_title: str = "Key figures",
    tables: Sequence[tuple[str, pd.DataFrame]] = (),
    official_sources: pd.DataFrame | None = None,
) -> str:
    """One self-contained HTML file for a briefing: charts, key figures, every source, generation time.

    ``key_title`` heads the key figures (a page's own table: the trade series, the defence register); ``tables``
    are further sections, each a heading and a table (official statistics), and ``official_sources`` (title,
    source, url) are listed under Sources after the news reports. Charts are embedded PNGs when
    Chromium is available, else tables of their data (saying so). All text is escaped, only http(s) URLs become
    links, a CSP blocks scripts, and the print stylesheet gives A4 pages with a page break between sections, so
    "Print → Save as PDF" makes the PDF.
    """
    heading = f"{pair} — {period_label}"
    stamp = generated.isoformat(sep=" ", timespec="minutes")
    source_list = briefing_sources(sources, key_figures)
    can_render = exports.kaleido_available()
    charts = "".join(
        _figure_html(title, fig, exports.image_bytes(fig, "png") if can_render else None) for title, fig in figures
    )
    items = "".join(_source_item(*row) for row in source_list[list(_SOURCE_COLUMNS)].itertuples(index=False))
    official = (official_sources.reindex(columns=list(_SOURCE_COLUMNS)).drop_duplicates()
                if official_sources is not None else pd.DataFrame(columns=list(_SOURCE_COLUMNS)))
    items += "".join(_source_item(*row) for row in official.itertuples(index=False))
    also = f" and {len(official)} official source{'' if len(official) == 1 else 's'}" if len(official) else ""
    extra = "".join(f'<section id="{slug(title) or "table"}"><h2>{html.escape(title)}</h2>{_html_table(table)}'
                    "</section>" for title, table in tables)
    n = len(source_list)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="generator" content="{html.escape(BRAND)}">
<title>{html.escape(f"{BRAND} briefing — {heading}")}</title>
<style>{_PRINT_CSS}</style>
</head>
<body>
<header>
<h1>{html.escape(heading)}</h1>
<p class="meta">{html.escape(BRAND)} briefing pack · generated {html.escape(stamp)} ·
based on {n} news report{"" if n == 1 else "s"}{also} listed under Sources.
Figures are extracted automatically from news text; check each against its source before quoting.</p>
</header>
<section id="charts"><h2>Charts</h2>{charts or '<p class="note">No charts selected.</p>'}</section>
<section id="key-figures"><h2>{html.escape(key_title)}</h2>{_html_table(key_figures)}</section>{extra}
<section id="sources"><h2>Sources</h2><ol>{items}</ol></section>
<footer><p class="meta">Generated {html.escape(stamp)} by {html.escape(BRAND)}.</p></footer>
</body>
</html>
"""


def cite_text(page_title: str, url: str, accessed: date, n_reports: int) -> str:
    """How to cite a dashboard page in a briefing.

    >>> cite_text("India–Russia trade", "https://x.org/t", date(2025, 11, 25), 12)
    'Figure Desk — India–Russia trade, https://x.org/t (accessed 2025-11-25; based on 12 news reports).'
    """
    reports = f"{n_reports} news report{'' if n_reports == 1 else 's'}"
    return f"{BRAND} — {page_title}, {url} (accessed {accessed.isoformat()}; based on {reports})."
