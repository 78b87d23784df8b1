"""Extraction engine: article text in, normalised figure facts out. Pure Python, no UI, no SQL.

>>> from extractors import extract_text
>>> [f.surface for f in extract_text("India and Russia traded nearly $44 billion in 2023.")]
['nearly $44 billion']
"""

from extractors.errors import BudgetExceeded, InputError, RulesError
from extractors.model import EXTRA_FIELDS, FACT_FIELDS, Document, Fact

EXTRACTOR_VERSION = "0.2.0"  # 0.2: meaning from the whole document (context pass), item_noun

__all__ = [
    "EXTRACTOR_VERSION", "FACT_FIELDS", "EXTRA_FIELDS", "BudgetExceeded", "Document", "Fact",
    "InputError", "RulesError", "extract", "extract_text", "read_document", "read_bytes",
]


def __getattr__(name: str):  # lazy: keep `import extractors` cheap for the CLI and workers
    if name in ("extract", "extract_text"):
        from extractors import engine

        return getattr(engine, name)
    if name in ("read_document", "read_bytes"):
        from extractors import reading

        return getattr(reading, name)
    raise AttributeError(name)
