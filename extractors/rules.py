"""The rules in use: every rules file read (extractors.rule_files) and compiled (extractors.pattern_building) once
into a `Rules` object, cached per folder; and the light `Reference` a dashboard reads without compiling.

Every problem is reported as one `RulesError` naming the file, the line and the rule:

>>> load_rules().patterns[0].id
'money.range_between'
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractors.errors import RulesError
from extractors.pattern_building import (
    KIND_TRIGGERS,
    PERCENT_NEEDLES,
    SHAPE_TOKEN,
    alternation,
    designation_scan_source,
    keyword_scanner,
    needle_tokens,
    phrase_regexes,
    placeholder_needles,
    placeholders,
    stem_regex,
    stem_trie,
    symbol_alternation,
    trie,
)
from extractors.rule_files import (
    Pattern,
    load_countries,
    load_direction,
    load_items,
    load_metrics,
    load_patterns,
    load_statuses,
    load_systems,
    load_units,
    load_vocabulary,
)
from extractors.safety import check_pattern_safety
from extractors.scanning import with_first_chars
from extractors.units import save_answers

RULES_DIR = Path(__file__).with_name("rules")
# Names other modules and tests import from here: the rules' public face.
__all__ = ["KIND_TRIGGERS", "PERCENT_NEEDLES", "RULES_DIR", "SHAPE_TOKEN", "Pattern", "Reference", "Rules",
           "check_pattern_safety", "default_reference", "default_rules", "load_reference", "load_rules",
           "needle_tokens", "rules_problem"]


@dataclass
class Rules:
    """Everything the engine needs, compiled once."""

    patterns: list[Pattern]
    currency_symbols: dict[str, str]        # lower-cased surface -> ISO code
    currency_words: dict[str, str]
    subunits: dict[str, float]              # "cents" -> 0.01
    scales: dict[str, float]                # lower-cased surface -> factor
    number_units: dict[str, int]
    number_tens: dict[str, int]
    number_multipliers: dict[str, int]
    fractions: dict[str, float]
    hedges: dict[str, str]                  # phrase -> qualifier
    hedge_regex: Any                        # scans lowered text (extractors.lowered), like every regex below
    hedge_blockers: dict[str, frozenset[str]]  # hedge -> words before it that make it part of a verb
    countries: dict[str, dict[str, Any]]    # canonical -> {iso3, aliases}
    country_regex: Any
    alias_to_country: dict[str, str]
    home: list[str]
    fiscal_start: dict[str, int]            # country -> month its fiscal year starts in, where the file says
    metrics: dict[str, dict[str, Any]]
    metric_rank: dict[str, int]             # metric -> its place in the file's order (ties go to the lower)
    metric_not_after: dict[str, frozenset[str]]  # metric -> words after which its keywords mean something else
    statuses: dict[str, dict[str, Any]]
    status_before: list[tuple[str, Any]]
    status_after: list[tuple[str, Any]]
    status_future: Any                      # a future or intention marker ("will", "plans to"), lowered text
    order_words: Any                        # a word that makes building an order ("contract", "signed")
    capacity: Any                           # a capacity phrase ("can build"): the count is not a figure
    part_of: Any                            # "among them": the count after it is part of the figure before
    nouns: dict[str, str]                   # lower surface -> canonical noun
    noun_family: dict[str, str]             # canonical noun -> family ("fighter jet" -> aircraft)
    kinds: frozenset[str]                   # lower-case words that stay in a generic item ("stealth")
    system_alias: dict[str, str]            # alias as written -> canonical system
    designation_origin: dict[str, str]      # canonical system -> usual supplier
    designation_noun: dict[str, str]        # canonical system -> what one of it is
    not_names: frozenset[str]               # capitalised words that are never a system
    designation_regex: Any                  # `re`, case-sensitive: a designation anywhere (document scan)
    units: dict[str, tuple[str, float]]     # lower surface -> (pint unit string, factor)
    direction: dict[str, Any]               # cue name -> compiled cue, for lowered text (see _direction_cues)
    number_word_regex: Any                  # finds them at word starts in lowered text (the engine drops "-ten")
    lead_in_regex: Any                      # what may stand just before a number and start a match
    metric_keywords: Any                    # one regex; the leaf group that matched names the metric (keyword_metric)
    keyword_metric: dict[str, str]          # leaf group of metric_keywords -> metric
    change_regex: Any                       # "rose 25%": a rate of change, not a share
    change_after_regex: Any                 # "30% less than": a change written after the figure
    fall_regex: Any                         # a change that goes down ("fell", "down", "less")
    placeholder_needles: dict[str, frozenset[str]]  # trigger placeholder -> tokens; every match holds one




def load_rules(directory: str | Path | None = None) -> Rules:
    """Read every rules file in `directory` (default: the bundled rules) and compile them."""
    folder = Path(directory) if directory else RULES_DIR
    vocab = load_vocabulary(folder / "vocabulary.yaml")
    countries, home = load_countries(folder / "countries.yaml")
    metrics = load_metrics(folder / "metrics.yaml")
    statuses = load_statuses(folder / "statuses.yaml", metrics)
    items = load_items(folder / "items.yaml")
    systems = load_systems(folder / "systems.yaml", countries, items["family"])
    units = load_units(folder / "units.yaml")
    direction = load_direction(folder / "direction.yaml")
    needles = placeholder_needles(vocab, items, units)
    patterns = load_patterns(folder / "patterns.yaml", placeholders(vocab, items, units, systems), needles,
                              frozenset(w.lower() for w in items["elided"]))
    save_answers()  # pint's answers for the next process (extractors.units)

    alias_to_country = {a: name for name, spec in countries.items() for a in spec["aliases"]}
    alias_alt = trie(list(alias_to_country), fold_case=False)
    country_regex = re.compile(rf"{alias_alt}(?:'s|’s)?(?!\w)")
    hedge_alt = alternation(list(vocab["hedges"]))
    hedge_regex = re.compile(rf"(?<![\w-])(?P<hedge>{hedge_alt})\s+$")
    keyword_lists = [(name, spec["keywords"]) for name, spec in metrics.items() if spec["keywords"]]
    metric_scanner, keyword_leaves = keyword_scanner(keyword_lists)
    # Every rule's match starts at a number, a fraction phrase, or a lead-in just before a number
    # (a currency symbol, "between", a sign). Matching is tried only at those places: most of a
    # sentence is never looked at, which is what makes extraction fast.
    # Scanning regexes use the standard library engine and begin with a literal character, so the
    # engine can skip ahead quickly; word edges on the left are checked by the caller.
    number_word_list = sorted({w.lower() for w in list(vocab["units"]) + list(vocab["tens"]) + ["dozen"]
                               + list(vocab["fractions"])})
    number_word_regex = re.compile(with_first_chars(r"\b" + trie(["a dozen", "a hundred"] + number_word_list)
                                                    + r"(?!\w)"))
    # A symbol that starts with a letter ("NT$", "US$", "Rs") must not be the end of a word: "spent $46" holds no
    # "NT $", and a scan that took it would step over the "$" that starts the figure.
    lettered_first = [s for s in vocab["symbols"] if s[0].isalpha()]
    sign_first = [s for s in vocab["symbols"] if not s[0].isalpha()]
    symbols = "|".join(filter(None, (
        rf"(?<![a-z]){symbol_alternation(lettered_first)}" if lettered_first else "",
        symbol_alternation(sign_first) if sign_first else "")))
    lead_in_regex = re.compile(with_first_chars(
        rf"(?P<symbol>{symbols})|(?P<sign>[-\u2212]|\bminus\b)|(?P<word>\bbetween\b)"))
    return Rules(
        patterns=patterns,
        currency_symbols={k.lower(): v for k, v in vocab["symbols"].items()},
        currency_words=vocab["words"], subunits=vocab["subunits"],
        scales={**vocab["scales"], **{k.lower(): v for k, v in vocab["scale_attached"].items()}},
        number_units=vocab["units"], number_tens=vocab["tens"], number_multipliers=vocab["multipliers"],
        fractions=vocab["fractions"], hedges=vocab["hedges"], hedge_regex=hedge_regex,
        hedge_blockers=vocab["hedge_blockers"],
        countries=countries, country_regex=country_regex, alias_to_country=alias_to_country, home=home,
        fiscal_start={c: spec["fiscal_year_start"] for c, spec in countries.items() if spec.get("fiscal_year_start")},
        metrics=metrics, metric_rank={name: i for i, (name, _) in enumerate(keyword_lists)},
        metric_not_after={name: frozenset(w.lower() for w in spec.get("not_after", [])) for name, spec in metrics.items()},
        statuses=statuses["statuses"],
        status_before=phrase_regexes(statuses["statuses"], "before"),
        status_after=phrase_regexes(statuses["statuses"], "after"),
        status_future=re.compile(stem_regex(statuses["future"]) if statuses["future"] else "(?!)"),
        order_words=re.compile(stem_regex(statuses["order_words"]) if statuses["order_words"] else "(?!)"),
        capacity=re.compile(stem_regex(statuses["capacity"]) if statuses["capacity"] else "(?!)"),
        part_of=re.compile(r"[,:(\s](?:" + stem_trie(statuses["part_of"]) + r")\s+(?:the\s+)?\Z" if statuses["part_of"]
                           else "(?!)"),
        nouns=items["nouns"], noun_family=items["family"], kinds=frozenset(w.lower() for w in items["kinds"]),
        system_alias={**{a.upper(): c for a, c in systems["alias"].items()}, **systems["alias"]},
        designation_origin=systems["origin"], designation_noun=systems["noun_of"],
        not_names=frozenset(systems["not_names"]),
        # the standard library engine: on this alternation of hundreds of names it scans ~25x faster than `regex`
        designation_regex=re.compile(designation_scan_source(systems)), units=units,
        direction=direction,
        number_word_regex=number_word_regex, lead_in_regex=lead_in_regex,
        change_regex=re.compile(stem_regex(vocab["changes"]) + r"\s+(?:(?:by|about|nearly|almost|around|some|roughly|"
                                r"over|just|only|a|further|another|more\s+than|less\s+than|close\s+to)\s+){0,3}$")
        if vocab["changes"] else re.compile(r"(?!)"),
        change_after_regex=re.compile(r"\A[\s,]*" + stem_regex(vocab["changes_after"]))
        if vocab["changes_after"] else re.compile(r"(?!)"),
        fall_regex=re.compile(stem_regex(vocab["falls"])) if vocab["falls"] else re.compile(r"(?!)"),
        metric_keywords=metric_scanner, keyword_metric=keyword_leaves,
        placeholder_needles=needles,
    )


@lru_cache(maxsize=4)
def _cached(directory: str) -> Rules:
    return load_rules(directory)


def _rules_dir() -> str:
    return os.environ.get("EXTRACTOR_RULES") or str(RULES_DIR)


def default_rules() -> Rules:
    """The rules in use: `EXTRACTOR_RULES` names another folder, else the bundled one."""
    return _cached(_rules_dir())


def rules_problem() -> str | None:
    """Why the rules in use cannot be loaded (the one-line RulesError message), or None when they load.

    For callers that must say it once and go on without extraction: the CLI before reading any file, ingest,
    the app on every page. A failed load is not cached, so a fixed file is picked up on the next call.
    """
    try:
        default_rules()
    except RulesError as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class Reference:
    """The part of the rules a reader of stored facts needs: metric definitions and each designation's usual
    origin. Loading it reads four small files and compiles no pattern (about 20 ms against a second for the
    whole rules), so a dashboard's first page does not wait for the extractor."""

    metrics: dict[str, dict[str, Any]]
    designation_origin: dict[str, str]
    home: tuple[str, ...] = ()  # countries whose side a pair's exports and imports are read from
    civil_nouns: frozenset[str] = frozenset()  # counted nouns that are not arms ("reactor", "fuel station")


def load_reference(directory: str | Path | None = None) -> Reference:
    """Read metrics, countries, items and systems from `directory` (default: the bundled rules), checked as
    :func:`load_rules` checks them."""
    folder = Path(directory) if directory else RULES_DIR
    countries, home = load_countries(folder / "countries.yaml")
    items = load_items(folder / "items.yaml")
    systems = load_systems(folder / "systems.yaml", countries, items["family"])
    civil = set(items["civil_families"])
    return Reference(metrics=load_metrics(folder / "metrics.yaml"), designation_origin=systems["origin"],
                     home=tuple(home), civil_nouns=frozenset(n for n, f in items["family"].items() if f in civil))


@lru_cache(maxsize=4)
def _cached_reference(directory: str) -> Reference:
    return load_reference(directory)


def default_reference() -> Reference:
    """:class:`Reference` of the rules in use (see :func:`default_rules`)."""
    return _cached_reference(_rules_dir())
