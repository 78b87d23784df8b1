"""The two records the whole product passes around: a Document and the Facts found in it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# The public shape of a fact (the CLI contract); every JSONL line carries these keys in this order. Keys added
# after the first release go at the end ("item_noun": the noun counted, beside the system in `item`).
FACT_FIELDS: tuple[str, ...] = (
    "path", "doc_id", "published", "title", "source", "url", "sentence", "start", "end", "surface",
    "kind", "value", "value_low", "value_high", "unit", "qualifier", "value_usd", "metric", "item",
    "status", "parties", "supplier", "recipient", "period_start", "period_end", "period_label", "rule",
    "item_noun",
)
# Extra keys after the contract's: how USD was reached, paired-currency grouping, plausibility.
EXTRA_FIELDS: tuple[str, ...] = ("fx_rate", "fx_date", "figure", "plausible")

def content_id(text: str) -> str:
    """Stable document id: the same article with other whitespace or line endings gets the same id."""
    canonical = " ".join(text.split())  # what re.sub(r"\s+", " ", text).strip() gives, three times faster
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass
class Document:
    """An article as read: its text (offsets refer to it) and metadata."""

    text: str
    path: str = "-"
    title: str | None = None
    published: str | None = None  # ISO date
    source: str | None = None
    url: str | None = None
    encoding: str = "utf-8"
    body_start: int = 0  # offset where the body starts (after front matter)
    doc_id: str = ""
    pair: list[str] = field(default_factory=list)  # the document's bilateral pair, filled by extract()

    def __post_init__(self) -> None:
        if not self.doc_id:
            self.doc_id = content_id(self.text[self.body_start:])


@dataclass(slots=True)  # many thousands per batch: less memory, quicker to build
class Fact:
    """One figure with full provenance; `text[start:end] == surface` in its document."""

    sentence: str
    start: int
    end: int
    surface: str
    kind: str  # money | count | percent | physical
    unit: str
    rule: str
    value: float | None = None
    value_low: float | None = None
    value_high: float | None = None
    qualifier: str = "exact"  # exact | approx | at_least | at_most | range
    value_usd: float | None = None
    metric: str = "other"
    item: str | None = None
    item_noun: str | None = None  # the noun counted ("squadron") when `item` is the system ("S-400")
    status: str | None = None
    parties: list[str] = field(default_factory=list)
    supplier: str | None = None
    recipient: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    period_label: str | None = None
    fx_rate: float | None = None
    fx_date: str | None = None
    figure: int = 0  # facts that state the same figure (e.g. in two currencies) share this number
    plausible: bool = True
    path: str = "-"
    doc_id: str = ""
    published: str | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None

    def as_record(self) -> dict[str, Any]:
        """The contract's keys in order, then the extras."""
        record = {key: getattr(self, key) for key in FACT_FIELDS + EXTRA_FIELDS}
        record["parties"] = list(self.parties)  # the only mutable field: hand out a copy
        return record
