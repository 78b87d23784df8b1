"""How the app is exposed, and that article text shown in it can never run or inject anything.

The other store/app defences live beside their code: two writers at once in tests/test_store.py
(test_concurrent_writers_*), a bad file among several uploads in tests/test_pages.py, CSV formula
injection in tests/robustness/test_csv_injection.py.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from dashboard.ui.evidence import highlight_html
from extractors import extract_text

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))

SETTINGS = [
    ("server", "address", "127.0.0.1"),
    ("server", "enableXsrfProtection", True),
    ("server", "maxUploadSize", 10),
    ("browser", "gatherUsageStats", False),
    ("client", "showErrorDetails", "none"),
]


@pytest.mark.parametrize(("section", "key", "expected"), SETTINGS, ids=[f"{s}.{k}" for s, k, _ in SETTINGS])
def test_streamlit_config_is_safe_by_default(section: str, key: str, expected: object) -> None:
    assert CONFIG[section][key] == expected


HOSTILE = [
    ("script-tag", "<script>alert(1)</script> Trade hit $5 billion."),
    ("img-onerror", '<img src=x onerror="alert(1)"> Trade hit $5 billion.'),
    ("markdown-math", "Prices of $x$ and $y$ rose; trade hit $5 billion."),
    ("markdown-link", "[click](javascript:alert(1)) Trade hit $5 billion."),
    ("closing-mark", "</mark><script>x()</script> Trade hit $5 billion."),
]


@pytest.mark.parametrize("text", [h[1] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_highlighted_article_is_inert(text: str) -> None:
    facts = extract_text(text)
    html_out = highlight_html(text, [(f.start, f.end, f.surface) for f in facts])
    assert "<script" not in html_out and "<img" not in html_out
    assert not re.search(r"<a\b", html_out)  # a Markdown link is never turned into a link
    assert "$5 billion</mark>" in html_out  # our own mark is the only markup around the figure
    tags = set(re.findall(r"</?([a-z]+)", html_out))
    assert tags <= {"div", "mark", "sup"}
