"""Files a person downloads: CSVs that are safe to open in a spreadsheet, and chart images (the briefing pack is
:mod:`dashboard.briefing`). Everything here is a pure function of its inputs: no SQL, no Streamlit.

CSV layout (see :func:`csv_bytes`): UTF-8 with a BOM so Excel reads ``₹`` and ``–`` correctly, then a block of
``# key: value`` lines (app, export time, row count, list columns, every filter), then the frame as given.
Text cells that a spreadsheet would run as a formula get a leading ``'`` (OWASP "CSV injection"); numbers
stay numbers. :func:`read_export` undoes both, so an export reads back to the frame that was exported.

Chart images need kaleido ≥ 1.0 *and* a system Chromium (Debian: ``apt-get install chromium``); without one
the image functions return None and say why in the log, and the briefing pack shows each chart's data instead.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import logging
import numbers
import os
import re
import shutil
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal

import pandas as pd

from dashboard.labels import BRAND

if TYPE_CHECKING:  # plotly is only needed by callers that already hold a figure
    import plotly.graph_objects as go

logger = logging.getLogger(__name__)

ImageFormat = Literal["png", "svg"]
IMAGE_MIME: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml"}
NO_CHROMIUM_HINT = "Install Chromium (apt-get install chromium) to enable PNG/SVG downloads."

LIST_SEPARATOR = "; "
# A text cell starting with one of these is run as a formula (or DDE call) by Excel, LibreOffice or Sheets.
# OWASP lists = + - @ tab CR; the full-width forms are here too, because some spreadsheet locales fold
# them to ASCII on input and the cost of prefixing them is nil.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Spreadsheets skip leading blanks before deciding that a cell is a formula (OWASP's CSV injection guidance
# names leading whitespace), so " =1+1", "\n=1+1" and a no-break space before "=" are formulas too. Every
# Unicode space, line break, control and invisible format character (zero-width space, BOM) counts as blank.
_BLANK_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
_ESCAPE = "'"
_HEADER_PREFIX = "# "
_CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


# --------------------------------------------------------------------------- CSV

def _is_number(value: object) -> bool:
    """Real numbers (int, float, Decimal, numpy scalars, bool) are written as numbers, never prefixed."""
    return isinstance(value, numbers.Number)


def is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and other containers
        return False


def neutralise_cell(value: object) -> object:
    """Make one cell inert in a spreadsheet: text starting with a formula trigger gets a leading ``'``.

    Numbers are returned unchanged (-12.5 stays a number). Text that merely looks numeric is still text and is
    prefixed like any other (OWASP: only a numeric *column* is exempt), so ``"-12"`` becomes ``"'-12"``.
    Blanks before a trigger do not hide it (``" =1+1"`` is prefixed too). Text that already starts with quotes
    before a trigger (``"'=x"``) gets one more, so that :func:`restore_cell` can undo this exactly.

    >>> neutralise_cell('=HYPERLINK("http://x","y")'), neutralise_cell(-12.5), neutralise_cell("-12")
    ('\\'=HYPERLINK("http://x","y")', -12.5, "'-12")
    """
    if _is_number(value) or is_missing(value):
        return value
    text = value if isinstance(value, str) else str(value)
    if _formula_like(text):
        return _ESCAPE + text
    return text


def _formula_like(text: str) -> bool:
    """Whether a trigger comes first once leading quotes and blanks are set aside (a tab or CR, blanks that are
    triggers themselves, count where they stand). Quotes are set aside so that an escaped cell is formula-like
    exactly when the text it escapes is, which keeps :func:`restore_cell` exact."""
    start = 0
    while start < len(text) and not text.startswith(FORMULA_TRIGGERS, start) and (
            text[start] == _ESCAPE or text[start].isspace()
            or unicodedata.category(text[start]) in _BLANK_CATEGORIES):
        start += 1
    return text.startswith(FORMULA_TRIGGERS, start)


def restore_cell(value: object) -> object:
    """The inverse of :func:`neutralise_cell`, for reading our own exports back."""
    if isinstance(value, str) and value.startswith(_ESCAPE) and _formula_like(value):
        return value[1:]
    return value


def _cell(value: object) -> object:
    """One cell as written: lists joined, dates ISO, missing empty, text neutralised, numbers as they are."""
    if isinstance(value, list | tuple | set | frozenset):
        return neutralise_cell(LIST_SEPARATOR.join(str(item) for item in value))
    if is_missing(value):
        return None
    if isinstance(value, date):  # datetime included
        return value.isoformat()
    return neutralise_cell(value)


def _iso_column(column: pd.Series) -> pd.Series:
    """A datetime64 column as ISO text: plain dates when all are midnight, else full timestamps."""
    present = column.dropna()
    date_only = column.dt.tz is None and bool((present == present.dt.normalize()).all())
    return column.map(lambda ts: ts.date().isoformat() if date_only else ts.isoformat(), na_action="ignore")


def _export_frame(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The frame as it goes into the CSV, and the names of the columns that held lists."""
    out = pd.DataFrame(index=df.index)
    list_columns: list[str] = []
    for name in df.columns:
        column = df[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            out[name] = _iso_column(column)
        elif pd.api.types.is_numeric_dtype(column):  # includes bool: numbers stay numbers
            out[name] = column
        else:
            if any(isinstance(v, list | tuple | set | frozenset) for v in column):
                list_columns.append(str(name))
            out[name] = pd.Series([_cell(v) for v in column], index=df.index, dtype=object)
    out.columns = [neutralise_cell(str(name)) for name in df.columns]
    return out, list_columns


def _header_value(value: object) -> str:
    """A filter value on one line: None means no filter ("all"), lists are joined, dates are ISO."""
    if value is None:
        return "all"
    if isinstance(value, list | tuple | set | frozenset):
        return LIST_SEPARATOR.join(_header_value(v) for v in value) if value else "none"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return " ".join(str(value).split())  # newlines would end the comment line


def export_header(
    filters: Mapping[str, object], n_rows: int, exported_at: datetime, list_columns: list[str] | None = None
) -> dict[str, str]:
    """The ``# key: value`` lines of an export, as a dict: app, time, rows, list columns, then the filters."""
    header = {
        "app": BRAND,
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "rows": str(n_rows),
    }
    if list_columns:
        header["list columns"] = _header_value(list_columns) + " (items separated by semicolons)"
    for key, value in filters.items():
        header[f"filter {' '.join(str(key).split())}"] = _header_value(value)
    return header


def csv_bytes(df: pd.DataFrame, filters: Mapping[str, object], exported_at: datetime | None = None) -> bytes:
    """A CSV for briefings: UTF-8 with BOM, the ``# key: value`` header block, then ``df`` as given.

    The frame is not reshaped or trimmed (provenance columns travel with every figure); lists are joined with
    ``"; "``, dates become ISO text and formula-like text is neutralised (:func:`neutralise_cell`).
    Each header line is written as one quoted CSV cell when needed, so a filter value with a comma cannot
    spill into a second cell that a spreadsheet would evaluate.
    """
    exported_at = exported_at or datetime.now(UTC)
    frame, list_columns = _export_frame(df)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for key, value in export_header(filters, len(df), exported_at, list_columns).items():
        writer.writerow([f"{_HEADER_PREFIX}{key}: {value}"])
    frame.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def _split_header(text: str) -> tuple[dict[str, str], str]:
    """The leading one-cell ``# key: value`` rows as a dict, and the CSV text after them."""
    header: dict[str, str] = {}
    offset = 0
    for line in text.splitlines(keepends=True):
        cells = next(csv.reader([line]), [])
        if len(cells) != 1 or not cells[0].startswith(_HEADER_PREFIX.strip()):
            break
        key, _, value = cells[0].lstrip("#").strip().partition(": ")
        header[key] = value
        offset += len(line)
    return header, text[offset:]


def read_export(data: bytes) -> pd.DataFrame:
    """Read a :func:`csv_bytes` export back: the header block goes to ``.attrs["header"]`` (a dict).

    Neutralised cells are restored and list columns split again. Only empty cells are missing ("NA" is
    Namibia, not a missing value); types are inferred by pandas, and dates come back as ISO text, as the
    store keeps them.
    """
    header, body = _split_header(data.decode("utf-8-sig"))
    frame = pd.read_csv(io.StringIO(body), keep_default_na=False, na_values=[""])
    frame.columns = [restore_cell(name) for name in frame.columns]
    for name in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[name]):
            frame[name] = frame[name].map(restore_cell, na_action="ignore")
    list_spec = header.get("list columns", "").split(" (")[0]
    for name in filter(None, list_spec.split(LIST_SEPARATOR)):
        if name in frame.columns:
            frame[name] = [[] if is_missing(v) else str(v).split(LIST_SEPARATOR) for v in frame[name]]
    frame.attrs["header"] = header
    return frame


# --------------------------------------------------------------------------- chart images

def chromium_path() -> str | None:
    """The Chromium kaleido will drive: ``$BROWSER_PATH`` if set (strictly: a bad override means none),
    else the Debian paths, else whatever Chrome/Chromium is on PATH."""
    override = os.environ.get("BROWSER_PATH")
    if override:
        if os.path.isfile(override) and os.access(override, os.X_OK):
            return override
        logger.warning("BROWSER_PATH=%r is not an executable file; chart images are disabled", override)
        return None
    for candidate in _CHROMIUM_CANDIDATES:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def kaleido_available() -> bool:
    """True when server-side chart images can be made: kaleido is installed and a Chromium was found."""
    return chromium_path() is not None and importlib.util.find_spec("kaleido") is not None


def image_bytes(
    fig: go.Figure, fmt: ImageFormat, width: int = 1100, height: int = 600, scale: float = 2
) -> bytes | None:
    """The figure as PNG or SVG bytes, or None (with the reason logged) when it cannot be rendered here.

    Never raises for a missing or failing browser: an image is a convenience and must not break a page.
    """
    if fmt not in IMAGE_MIME:
        raise ValueError(f"image format must be one of {sorted(IMAGE_MIME)}, got {fmt!r}")
    browser = chromium_path()
    if browser is None:
        logger.info("chart image not rendered: no Chromium found. %s", NO_CHROMIUM_HINT)
        return None
    if importlib.util.find_spec("kaleido") is None:
        logger.info("chart image not rendered: the kaleido package is not installed")
        return None
    os.environ.setdefault("BROWSER_PATH", browser)  # kaleido (choreographer) looks here first
    try:
        data = fig.to_image(format=fmt, width=width, height=height, scale=scale)
    except Exception:  # kaleido/Chromium failures come in many types; all mean "no image"
        logger.warning("chart image not rendered: kaleido failed with %s", browser, exc_info=True)
        return None
    return data.encode("utf-8") if isinstance(data, str) else data


def slug(text: str, limit: int = 60) -> str:
    """Lower-case words joined by '-': accents dropped, letters of any script kept, nothing a filesystem
    or a download header could misread."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.sub(r"[\W_]+", "-", stripped.casefold()).strip("-")
    return words[:limit].rstrip("-")


def chart_file_name(title: str, pair: str, fmt: str, on: date | None = None) -> str:
    """A file name that says what the chart is, e.g. ``india-russia_trade-over-time_2025-11-25.png``.

    >>> chart_file_name("Trade over time", "India–Russia", "png", on=date(2025, 11, 25))
    'india-russia_trade-over-time_2025-11-25.png'
    """
    extension = slug(fmt, limit=10) or "bin"
    day = (on or date.today()).isoformat()
    parts = [slug(pair), slug(title) or "chart", day]
    return "_".join(part for part in parts if part) + f".{extension}"
