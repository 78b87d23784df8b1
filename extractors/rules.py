"""Load, validate and compile the YAML rules and vocabularies, once, into a `Rules` object.

Every problem is reported as one `RulesError` naming the file, the line and the rule:

>>> load_rules().patterns[0].id
'money.range_between'
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
import yaml

from extractors.errors import RulesError
from extractors.placeholders import compile_error_text
from extractors.placeholders import opaque as placeholders_made_opaque
from extractors.safety import check_pattern_safety
from extractors.scanning import with_first_chars
from extractors.units import save_answers

RULES_DIR = Path(__file__).with_name("rules")
KINDS = ("money", "count", "percent", "physical")
QUALIFIERS = ("approx", "at_least", "at_most")
STATUSES = ("ordered", "delivered", "remaining", "under_construction", "planned", "in_service")
RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
FLAGS = regex.IGNORECASE | regex.VERSION0


# --------------------------------------------------------------------------- YAML with line numbers

class _LineDict(dict):
    line: int = 0


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it
    """Safe loader whose mappings remember the line they start on (for error messages)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"{path.name}: cannot read: {exc}") from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulesError(f"{path.name}: {where}broken YAML: {problem}") from exc
    except RecursionError as exc:
        raise RulesError(f"{path.name}: broken YAML: nests too deeply") from exc


def _fail(path: Path, node: Any, message: str, rule: str | None = None) -> RulesError:
    line = getattr(node, "line", 0)
    where = f"line {line}: " if line else ""
    who = f"rule '{rule}': " if rule else ""
    return RulesError(f"{path.name}: {where}{who}{message}")


def _expect_keys(path: Path, node: Any, allowed: set[str], required: set[str], rule: str | None = None) -> None:
    if not isinstance(node, dict):
        raise _fail(path, node, f"expected a mapping, got {type(node).__name__}", rule)
    unknown = sorted(set(node) - allowed)
    if unknown:
        raise _fail(path, node, f"unknown key '{unknown[0]}' (allowed: {', '.join(sorted(allowed))})", rule)
    missing = sorted(required - set(node))
    if missing:
        raise _fail(path, node, f"missing key '{missing[0]}'", rule)


def _number_map(path: Path, node: Any, value: Any, what: str) -> dict[str, float]:
    """A mapping of words to numbers ("one: 1"), keys lower-cased."""
    if not isinstance(value, dict):
        raise _fail(path, node, f"{what} must map a word to a number")
    for word, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise _fail(path, value, f"{what}: '{word}' must map to a number, not '{number}'")
    return {str(k).lower(): float(v) for k, v in value.items()}


def _string_list(path: Path, node: Any, value: Any, what: str, rule: str | None = None) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise _fail(path, node, f"{what} must be a list of strings", rule)
    return [str(v) for v in value]


# --------------------------------------------------------------------------- compiled rules

@dataclass(frozen=True)
class Pattern:
    id: str
    kind: str
    priority: int
    source: str
    compiled: Any
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    line: int = 0
    starts_at: str = "any"  # "number": only where a number starts; "symbol": only at a currency symbol
    needles: frozenset[str] = frozenset()  # a sentence holding none of these tokens cannot match (see rules)
    needles_outside: bool = False  # listed needles may stand before the match ("the remaining 47" matches "47")


_NUMBER_FIRST = ("{number}", "{signed_number}", "{count_number}", "{count_bare}", "{fraction}")


def _starts_at(raw: str) -> str:
    """Which candidate places a pattern can begin at, read off its first placeholder (after any lookarounds,
    which match no characters: "(?<!\\bfrom\\s){cur}..." still begins at a currency symbol)."""
    head = _without_leading_lookarounds(raw.lstrip("^"))
    if head.startswith("{signed_number}"):
        return "signed"
    if head.startswith(_NUMBER_FIRST):
        return "number"
    if head.startswith("{cur}"):
        return "symbol"
    if re.match(r"(?:\\b)?between\b", head, re.IGNORECASE):  # the lead-in word the engine looks for
        return "word"
    return "any"


def _without_leading_lookarounds(source: str) -> str:
    while source.startswith(("(?<!", "(?<=", "(?!", "(?=")):
        depth, i = 0, 0
        while i < len(source):
            ch = source[i]
            if ch == "\\":
                i += 2
                continue
            depth += ch == "("
            depth -= ch == ")"
            i += 1
            if depth == 0:
                break
        source = source[i:]
    return source


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
    statuses: dict[str, dict[str, Any]]
    status_before: list[tuple[str, Any]]
    status_after: list[tuple[str, Any]]
    status_future: Any                      # a future or intention marker ("will", "plans to"), lowered text
    order_words: Any                        # a word that makes building an order ("contract", "signed")
    capacity: Any                           # a capacity phrase ("can build"): the count is not a figure
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
    number_words: list[str]                 # lower-case number and fraction words ("two", "a third")
    number_word_regex: Any                  # finds them at word starts in lowered text (the engine drops "-ten")
    lead_in_regex: Any                      # what may stand just before a number and start a match
    metric_keywords: Any                    # one regex; the leaf group that matched names the metric (keyword_metric)
    keyword_metric: dict[str, str]          # leaf group of metric_keywords -> metric
    change_regex: Any                       # "rose 25%": a rate of change, not a share
    change_after_regex: Any                 # "30% less than": a change written after the figure
    fall_regex: Any                         # a change that goes down ("fell", "down", "less")
    placeholder_needles: dict[str, frozenset[str]]  # trigger placeholder -> tokens; every match holds one
    source_dir: Path = field(default=RULES_DIR)


def _trie(words: list[str], fold_case: bool = True) -> str:
    r"""One regex that matches any of `words`, built as a trie so that a failing position fails at its
    first character, and a longer word always wins over its prefix ("lakh crore" over "lakh").

    >>> _trie(["lakh", "lakh crore", "crore"])
    '(?:(?:crore|lakh(?:\\s+crore)?))'
    """
    root: dict = {}
    for word in {w.lower() if fold_case else w for w in words if w}:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = []
        for ch in sorted(k for k in node if k):
            token = r"\s+" if ch == " " else regex.escape(ch)
            branches.append(token + build(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return body + "?" if len(branches) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return "(?:" + build(root) + ")"


def _alternation(surfaces: list[str], word_edges: bool = False) -> str:
    """A case-insensitive alternation of surfaces (as a trie); longer surfaces win over their prefixes."""
    body = _trie(surfaces)
    if word_edges:
        return rf"(?<![\w-]){body}(?![\w])"
    return body


def _symbol_alternation(symbols: list[str]) -> str:
    """Currency symbols; one that ends in a letter ("Rs", "USD") must not run into a word."""
    lettered = [s for s in symbols if s[-1].isalpha()]
    other = [s for s in symbols if not s[-1].isalpha()]
    parts = []
    if other:
        parts.append(_trie([s.replace(" ", "") for s in other] + other).replace(r"\s+", r"\s?"))
    if lettered:
        parts.append(_trie(lettered).replace(r"\s+", r"\s?") + r"(?![A-Za-z])")
    return "(?:" + "|".join(parts) + ")"


def _stem_regex(words: list[str]) -> str:
    """Whole words (lower case) from a list; a trailing "*" stands for any ending ("export*")."""
    return r"\b" + _stem_trie(words)


def _stem_trie(words: list[str]) -> str:
    r"""The words as a trie, without the leading word edge: a position fails at its first letter, and the
    longest word still wins ("trade deficit" over "trade"). No words: a pattern that never matches.

    >>> _stem_trie(["trade", "trade deficit", "export*"])
    '(?:export\\w*\\b|trade(?:\\s+deficit\\b|\\b))'
    >>> _stem_trie([])
    '(?!)'
    """
    root: dict = {}
    for word in {w.lower() for w in words if w.strip("*")}:
        node = root
        for ch in word.removesuffix("*"):
            node = node.setdefault(ch, {})
        node["*" if word.endswith("*") else ""] = {}
    if not root:
        return "(?!)"

    def build(node: dict) -> str:
        branches = [(r"\s+" if ch == " " else regex.escape(ch)) + build(node[ch])
                    for ch in sorted(k for k in node if k not in ("", "*"))]
        branches += [r"\w*\b"] * ("*" in node) + [r"\b"] * ("" in node)
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return build(root)


def _keyword_scanner(groups: list[tuple[str, list[str]]]) -> tuple[re.Pattern, dict[str, str]]:
    """One scanning regex over named keyword lists (for lowered text), and which list each of its leaf groups
    belongs to. All lists share one trie, so the longest keyword wins wherever it stands: "trade surplus" (a
    balance) over "trade" (total trade). A keyword in two lists belongs to the first.

    The first letter is checked before the word edge (`with_first_chars`), so a position that starts no
    keyword costs a step or two.
    """
    owner: dict[str, str] = {}
    for name, words in groups:
        for word in words:
            owner.setdefault(word.lower(), name)
    root: dict = {}
    leaves: dict[str, str] = {}
    for index, (word, name) in enumerate(sorted(owner.items())):
        node = root
        stem = word.removesuffix("*")
        if not stem:
            continue
        for ch in stem:
            node = node.setdefault(ch, {})
        node["*" if word.endswith("*") else ""] = f"k{index}"
        leaves[f"k{index}"] = name

    def build(node: dict) -> str:
        branches = [(r"\s+" if ch == " " else regex.escape(ch)) + build(node[ch])
                    for ch in sorted(k for k in node if k not in ("", "*"))]
        if "*" in node:
            branches.append(rf"\w*\b(?P<{node['*']}>)")
        if "" in node:
            branches.append(rf"\b(?P<{node['']}>)")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    body = build(root) if root else "(?!)"
    return re.compile(with_first_chars(r"\b" + body)), leaves


def _load_vocabulary(path: Path) -> dict[str, Any]:
    data = _read_yaml(path)
    _expect_keys(path, data, {"currencies", "scales", "number_words", "fractions", "hedges", "changes", "changes_after",
                              "falls", "hedge_blockers"}, {"currencies", "scales", "number_words", "hedges"})
    out: dict[str, Any] = {"symbols": {}, "words": {}, "subunits": {}, "scales": {}, "scale_attached": {}}
    for code, spec in data["currencies"].items():
        if not re.fullmatch(r"[A-Z]{3}", str(code)):
            raise _fail(path, data["currencies"], f"currency code '{code}' is not ISO 4217 (three capitals)")
        _expect_keys(path, spec, {"symbols", "words", "subunits"}, {"symbols"}, rule=f"currency {code}")
        for s in _string_list(path, spec, spec["symbols"], "symbols", f"currency {code}"):
            out["symbols"][s] = code
        for w in _string_list(path, spec, spec.get("words", []), "words", f"currency {code}"):
            out["words"][w.lower()] = code
        subunits = spec.get("subunits") or {}
        if not isinstance(subunits, dict):
            raise _fail(path, spec, "subunits must map a word to its factor", f"currency {code}")
        for word, factor in subunits.items():
            if not isinstance(factor, (int, float)) or not 0 < factor < 1:
                raise _fail(path, spec, f"subunit '{word}' needs a factor between 0 and 1", f"currency {code}")
            out["words"][str(word).lower()] = code
            out["subunits"][str(word).lower()] = float(factor)
    from extractors.units import scale_factor  # pint evaluates factors

    for name, spec in data["scales"].items():
        _expect_keys(path, spec, {"factor", "surfaces", "attached"}, {"factor", "surfaces"}, rule=f"scale {name}")
        try:
            factor = scale_factor(str(spec["factor"]))
        except Exception as exc:  # pint raises many types
            raise _fail(path, spec, f"factor '{spec['factor']}' is not a pint expression: {exc}",
                        f"scale {name}") from exc
        for s in _string_list(path, spec, spec["surfaces"], "surfaces", f"scale {name}"):
            out["scales"][s.lower()] = factor
        for s in _string_list(path, spec, spec.get("attached", []), "attached", f"scale {name}"):
            out["scale_attached"][s] = factor
    nw = data["number_words"]
    _expect_keys(path, nw, {"units", "tens", "multipliers"}, {"units", "tens", "multipliers"})
    for key in ("units", "tens", "multipliers"):
        out[key] = {k: int(v) for k, v in _number_map(path, nw, nw[key], f"number_words.{key}").items()}
    out["fractions"] = _number_map(path, data, data.get("fractions") or {}, "fractions")
    hedges: dict[str, str] = {}
    _expect_keys(path, data["hedges"], set(QUALIFIERS), set())
    for qualifier, phrases in data["hedges"].items():
        for p in _string_list(path, data["hedges"], phrases, f"hedges.{qualifier}"):
            hedges[p.lower()] = qualifier
    out["hedges"] = hedges
    out["changes"] = _string_list(path, data, data.get("changes", []), "changes")
    blockers = data.get("hedge_blockers") or {}
    if not isinstance(blockers, dict):
        raise _fail(path, data, "hedge_blockers must map a hedge to the words that block it")
    out["hedge_blockers"] = {str(h).lower(): frozenset(w.lower() for w in _string_list(path, blockers, words,
                                                                                        f"hedge_blockers.{h}"))
                             for h, words in blockers.items()}
    out["changes_after"] = _string_list(path, data, data.get("changes_after", []), "changes_after")
    out["falls"] = _string_list(path, data, data.get("falls", []), "falls")
    return out


def _load_countries(path: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    import pycountry

    data = _read_yaml(path)
    _expect_keys(path, data, {"home", "countries"}, {"countries"})
    countries: dict[str, dict[str, Any]] = {}
    seen: dict[str, str] = {}
    for name, spec in data["countries"].items():
        _expect_keys(path, spec, {"iso3", "aliases", "fiscal_year_start"}, {"iso3", "aliases"}, rule=f"country {name}")
        record = pycountry.countries.get(alpha_3=str(spec["iso3"]))
        if record is None:
            raise _fail(path, spec, f"'{spec['iso3']}' is not an ISO 3166 alpha-3 code", f"country {name}")
        aliases = _string_list(path, spec, spec["aliases"], "aliases", f"country {name}")
        for attr in ("name", "official_name", "common_name"):
            official = getattr(record, attr, None)
            if official and "," not in official:
                aliases.append(official)
        for alias in aliases:
            if alias in seen and seen[alias] != name:
                raise _fail(path, spec, f"alias '{alias}' already names {seen[alias]}", f"country {name}")
            seen[alias] = name
        start = spec.get("fiscal_year_start")
        if start is not None and (not isinstance(start, int) or not 1 <= start <= 12):
            raise _fail(path, spec, "fiscal_year_start must be a month number, 1 to 12", f"country {name}")
        countries[str(name)] = {"iso3": record.alpha_3, "aliases": sorted(set(aliases)), "fiscal_year_start": start}
    home = _string_list(path, data, data.get("home", []), "home")
    for h in home:
        if h not in countries:
            raise _fail(path, data, f"home country '{h}' is not defined under countries")
    return countries, home


def _load_metrics(path: Path) -> dict[str, dict[str, Any]]:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise _fail(path, data, "expected a mapping of metric definitions")
    for name, spec in data.items():
        _expect_keys(path, spec, {"label", "description", "kinds", "keywords"},
                     {"label", "description", "kinds", "keywords"}, rule=f"metric {name}")
        for kind in _string_list(path, spec, spec["kinds"], "kinds", f"metric {name}"):
            if kind not in KINDS:
                raise _fail(path, spec, f"unknown kind '{kind}'", f"metric {name}")
        _string_list(path, spec, spec["keywords"], "keywords", f"metric {name}")
    if "other" not in data:
        raise _fail(path, data, "metric 'other' must be defined")
    return dict(data)


def _load_statuses(path: Path, metrics: dict[str, Any]) -> dict[str, Any]:
    """statuses.yaml: cue phrases per status, and the words that move a cue into the future or make it an order."""
    data = _read_yaml(path)
    _expect_keys(path, data, {"statuses", "future", "order_words", "capacity"}, {"statuses"})
    if not isinstance(data["statuses"], dict):
        raise _fail(path, data, "statuses must map a status to its cues")
    for name, spec in data["statuses"].items():
        if name not in STATUSES:
            raise _fail(path, spec, f"unknown status '{name}' (allowed: {', '.join(STATUSES)})")
        _expect_keys(path, spec, {"metric", "before", "after"}, {"metric", "before", "after"}, rule=f"status {name}")
        if not isinstance(spec["metric"], str) or spec["metric"] not in metrics:
            raise _fail(path, spec, f"metric '{spec['metric']}' is not defined in metrics.yaml", f"status {name}")
        _string_list(path, spec, spec["before"], "before", f"status {name}")
        _string_list(path, spec, spec["after"], "after", f"status {name}")
    return {"statuses": dict(data["statuses"]),
            **{key: _string_list(path, data, data.get(key) or [], key) for key in ("future", "order_words", "capacity")}}


def _load_items(path: Path) -> dict[str, Any]:
    """items.yaml: counted nouns with their families, the words that may stand before them, and cues that let
    a count stand without its noun."""
    data = _read_yaml(path)
    keys = {"nouns", "kinds", "fillers", "unit_nouns", "elided"}
    _expect_keys(path, data, keys | {"civil_families"}, keys)
    nouns: dict[str, str] = {}
    family: dict[str, str] = {}
    for canonical, spec in data["nouns"].items():
        _expect_keys(path, spec, {"surfaces", "family"}, {"surfaces", "family"}, rule=f"noun {canonical}")
        family[str(canonical)] = str(spec["family"])
        for s in _string_list(path, spec, spec["surfaces"], "surfaces", f"noun {canonical}"):
            if s.lower() in nouns and nouns[s.lower()] != str(canonical):
                raise _fail(path, spec, f"surface '{s}' already names the noun '{nouns[s.lower()]}'",
                            f"noun {canonical}")
            nouns[s.lower()] = str(canonical)
    return {
        "nouns": nouns, "family": family,
        "kinds": _string_list(path, data, data["kinds"], "kinds"),
        "fillers": _string_list(path, data, data["fillers"], "fillers"),
        "unit_nouns": _string_list(path, data, data["unit_nouns"], "unit_nouns"),
        "elided": _string_list(path, data, data["elided"], "elided"),
        "civil_families": _string_list(path, data, data.get("civil_families") or [], "civil_families"),
    }


def _load_systems(path: Path, countries: dict[str, Any], family: dict[str, str]) -> dict[str, Any]:
    """systems.yaml: named systems (aliases, what one of them is, usual supplier) and designation shapes."""
    data = _read_yaml(path)
    _expect_keys(path, data, {"systems", "shapes", "suffixes", "prefixes", "not_names"}, {"systems", "shapes"})
    alias: dict[str, str] = {}
    origin: dict[str, str] = {}
    noun_of: dict[str, str] = {}
    for canonical, spec in data["systems"].items():
        name = str(canonical)
        _expect_keys(path, spec, {"aliases", "origin", "noun"}, {"aliases", "noun"}, rule=f"system {name}")
        for a in [name] + _string_list(path, spec, spec["aliases"], "aliases", f"system {name}"):
            if alias.get(a, name) != name:
                raise _fail(path, spec, f"alias '{a}' already names {alias[a]}", f"system {name}")
            alias[a] = name
        if spec["noun"] not in family:
            raise _fail(path, spec, f"noun '{spec['noun']}' is not listed under nouns in items.yaml", f"system {name}")
        noun_of[name] = str(spec["noun"])
        if "origin" in spec:
            if spec["origin"] not in countries:
                raise _fail(path, spec, f"origin '{spec['origin']}' is not in countries.yaml", f"system {name}")
            origin[name] = str(spec["origin"])
    fragments = {}
    for key in ("shapes", "suffixes", "prefixes"):
        fragments[key] = _string_list(path, data, data.get(key) or [], key)
        for fragment in fragments[key]:
            try:
                regex.compile(fragment)
            except regex.error as exc:
                raise _fail(path, data, f"{key}: '{fragment}' does not compile: {exc}") from exc
    return {"alias": alias, "origin": origin, "noun_of": noun_of, **fragments,
            "not_names": set(_string_list(path, data, data.get("not_names") or [], "not_names"))}


def _designation_source(systems: dict[str, Any]) -> str:
    """One case-sensitive regex for a designation: a listed alias or a designation shape, then variant marks,
    with an optional plural ("MiG-29s"). Listed aliases also match in capitals."""
    aliases = sorted({v for a in systems["alias"] for v in (a, a.upper())}, key=len, reverse=True)
    known = _trie(aliases, fold_case=False)
    shapes = "|".join(f"(?:{s})" for s in systems["shapes"])
    suffix = "|".join(f"(?:{s})" for s in systems["suffixes"]) or "(?!)"
    prefix = "|".join(f"(?:{s})" for s in systems["prefixes"]) or "(?!)"
    token = rf"(?:{known}|{shapes})"
    # A designation may run on into another form of it ("AGM-84L-1 Harpoon Block II", "AH-64E Apache").
    return (rf"(?-i:(?<![\w-])(?:(?:{prefix})\s+)?{token}(?:[\s-](?:{suffix}|{shapes}|{known}))*(?:s|’s|'s)?"
            rf"(?![\w-]))")


def _load_units(path: Path) -> dict[str, tuple[str, float]]:
    from extractors.units import define, unit_conversion

    data = _read_yaml(path)
    _expect_keys(path, data, {"pint_definitions", "units"}, {"units"})
    for line in _string_list(path, data, data.get("pint_definitions", []), "pint_definitions"):
        try:
            define(line)
        except Exception as exc:
            raise _fail(path, data, f"pint definition '{line}' rejected: {exc}") from exc
    units: dict[str, tuple[str, float]] = {}
    for name, spec in data["units"].items():
        _expect_keys(path, spec, {"pint", "surfaces", "to"}, {"pint", "surfaces"}, rule=f"unit {name}")
        try:
            unit_string, factor = unit_conversion(str(spec["pint"]), spec.get("to"))
        except Exception as exc:
            raise _fail(path, spec, f"pint cannot use '{spec['pint']}': {exc}", f"unit {name}") from exc
        for s in _string_list(path, spec, spec["surfaces"], "surfaces", f"unit {name}"):
            units[s.lower()] = (unit_string, factor)
    return units


def _load_direction(path: Path) -> dict[str, re.Pattern]:
    """The cues around a country name that make it the supplier or the recipient, compiled for lowered text:
    `*_after` match the text just after the name, `*_before` the text just before it."""
    data = _read_yaml(path)
    _expect_keys(path, data, {"supplier_after", "recipient_after", "supplier_before", "recipient_before"},
                 {"supplier_after", "recipient_after", "supplier_before", "recipient_before"})
    words = {key: _string_list(path, data, value, key) for key, value in data.items()}
    after, before = r"\A(?:'s|’s)?[\s,]+(?:(?:which|who|that)\s+)?(?:\w+\s+){0,3}?", r"\s+(?:the\s+)?\Z"
    return {
        "supplier_after": re.compile(after + _stem_regex(words["supplier_after"])),
        "recipient_after": re.compile(after + _stem_regex(words["recipient_after"])),
        "supplier_before": re.compile(_stem_regex(words["supplier_before"]) + before),
        "recipient_before": re.compile(_stem_regex(words["recipient_before"]) + before),
    }


def _number_source(vocab: dict[str, Any]) -> str:
    """Digits or number words, not glued to a word, unless the word is a currency code ("USD44bn")."""
    units = _alternation(list(vocab["units"]))
    tens = _alternation(list(vocab["tens"]))
    word = rf"(?:{tens}(?:[\s-]{units})?|{units}|(?:a\s+)?dozen|a\s+hundred)(?:\s+hundred)?"
    sep = "[,\u00a0\u2007\u2009\u202f]"
    grouped = rf"[0-9]{{1,3}}(?:(?:{sep}[0-9]{{3}})+|(?:{sep}[0-9]{{2}})+{sep}[0-9]{{3}})(?![0-9])"  # 1,234,567 | 1,23,456
    # A decimal comma ("$117,7 million", as many outlets write it) only before a scale word: "5,6" stays two.
    scales = _alternation(list(vocab["scales"]))
    decimal_comma = rf"[0-9]{{1,3}},[0-9]{{1,2}}(?![0-9])(?=\s?{scales}\b)"
    digits = rf"(?:{grouped}|{decimal_comma}|[0-9]{{1,18}}(?![0-9]))(?:\.[0-9]{{1,12}})?"
    # Not part of a designation ("S-400", "Su-30"), a version, a score ("2+2") or a longer number.
    lettered = sorted((s for s in vocab["symbols"] if s[-1].isalpha()), key=len, reverse=True)
    after_symbol = "|".join(regex.escape(s) for s in lettered)
    left = rf"(?:(?<![\w.+/%=&?#])|(?<=(?<![A-Za-z])(?:{after_symbol})))(?<![A-Za-z]-)(?<![0-9][.,])"
    right = r"(?!\+[0-9])(?!\.[0-9])(?!\p{Nd})"  # nor glued to digits of another script ("$4٤")
    return rf"{left}(?:{digits}|\b{word}\b){right}"


def _placeholders(vocab: dict[str, Any], items: dict[str, Any], units: dict[str, Any],
                  systems: dict[str, Any]) -> dict[str, str]:
    number = _number_source(vocab)
    scale_words = _alternation(list(vocab["scales"]), word_edges=False)
    attached = "|".join(regex.escape(s) for s in sorted(vocab["scale_attached"], key=len, reverse=True))
    scale = rf"(?:{scale_words}(?![\w])|(?-i:(?:{attached}))(?![\w]))" if attached else scale_words
    symbols = sorted(vocab["symbols"], key=len, reverse=True)
    cur = rf"(?<![A-Za-z]){_symbol_alternation(symbols)}"
    codes = sorted({c for c in vocab["symbols"] if re.fullmatch(r"[A-Z]{3}", c)})
    curword = _alternation(list(vocab["words"]) + codes)
    unit = _alternation(list(units))
    pct = r"(?:%(?![0-9A-Fa-f]{2})|\bper\s?cents?\b|\bpercent(?:s|age)?\b|\bpc\b|\bpercentage\s+points?\b)"
    dash = r"\s*(?:-|–|—|\bto\b)\s*"
    fraction = r"\b" + _alternation(list(vocab["fractions"])) + r"\b"
    modifiers = _alternation(items["kinds"] + items["fillers"])
    nouns = _alternation(list(items["nouns"]))
    desig = _designation_source(systems)
    unit_noun = _alternation(items["unit_nouns"])
    # A name between a number and its noun ("15 Harpy drones"), never a unit ("a 1,000 MW reactor").
    name = rf"(?!{unit}\b)(?-i:(?<![\w-])[A-Z][A-Za-z]+(?:[ -][A-Z][A-Za-z]+)?(?![\w-]))"
    signed = r"(?:(?<![\w.,])(?P<sign>[-\u2212](?=[0-9])|\bminus\s+))?" + f"(?P<num>{number})"
    return {
        "number": f"(?P<num>{number})", "number2": f"(?P<num2>{number})",
        "signed_number": signed,
        "count_number": rf"(?<![$€£¥₹₽]\s?)(?<!\b(?:rs|inr|usd|eur|us)\.?\s?)(?!(?:19|20)[0-9]{{2}}(?![0-9]))"
                        rf"(?P<num>{number})(?:\s?(?P<scale>{scale_words})\b)?",
        # A count whose noun was named before ("32 have been delivered"): no scale, no money, no time span.
        "count_bare": rf"(?<![$€£¥₹₽]\s?)(?<!\b(?:rs|inr|usd|eur|us)\.?\s?)(?!(?:19|20)[0-9]{{2}}(?![0-9]))"
                      rf"(?P<num>{number})(?!\s?(?:%|{scale_words}\b|per\s?cent|percent|years?\b|months?\b|"
                      rf"weeks?\b|days?\b|hours?\b|minutes?\b|times\b|-(?:year|month|day|week|fold)))",
        "scale": f"(?P<scale>{scale})", "scale2": f"(?P<scale2>{scale})",
        "cur": f"(?P<cur>{cur})", "cur2": f"(?P<cur2>{cur})",
        "curword": f"(?P<curword>{curword})",
        "unit": f"(?P<unit>{unit})", "pct": pct, "dash": dash, "fraction": f"(?P<frac>{fraction})",
        "modifiers": f"(?:{modifiers})", "item": rf"(?P<item>{nouns})\b",
        "designation": f"(?P<desig>{desig})", "unit_noun": f"(?:{unit_noun})", "name": f"(?P<name>{name})",
    }


_PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)\}")


def _load_patterns(path: Path, placeholders: dict[str, str], needles: dict[str, frozenset[str]],
                   elided: frozenset[str] = frozenset()) -> list[Pattern]:
    data = _read_yaml(path)
    if not isinstance(data, list):
        raise _fail(path, data, "expected a list of rules")
    patterns: list[Pattern] = []
    seen: set[str] = set()
    for node in data:
        rid = node.get("id") if isinstance(node, dict) else None
        _expect_keys(path, node, {"id", "kind", "priority", "pattern", "examples", "needles"},
                     {"id", "kind", "pattern"}, rule=str(rid) if rid else None)
        rid = str(rid)
        if not RULE_ID.match(rid):
            raise _fail(path, node, "id must look like 'kind.name' (lower case, dots, underscores)", rid)
        if rid in seen:
            raise _fail(path, node, "duplicate rule id", rid)
        seen.add(rid)
        if node["kind"] not in KINDS:
            raise _fail(path, node, f"unknown kind '{node['kind']}' (allowed: {', '.join(KINDS)})", rid)
        if not isinstance(node["pattern"], str) or not node["pattern"].strip():
            raise _fail(path, node, "pattern must be a non-empty string", rid)
        priority = node.get("priority", 0)
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise _fail(path, node, "priority must be an integer", rid)
        raw = node["pattern"]
        unsafe = check_pattern_safety(placeholders_made_opaque(raw, placeholders))
        if unsafe:
            raise _fail(path, node, unsafe, rid)
        unknown = [p for p in _PLACEHOLDER.findall(raw) if p not in placeholders]
        if unknown and not re.fullmatch(r"\d+(,\d*)?", unknown[0]):
            raise _fail(path, node, f"unknown placeholder '{{{unknown[0]}}}'", rid)
        triggers = [p for p in KIND_TRIGGERS[node["kind"]] if "{" + p + "}" in raw]
        own = frozenset(w.lower() for w in _string_list(path, node, node.get("needles") or [], "needles", rid))
        if own - elided:
            raise _fail(path, node, f"needle '{sorted(own - elided)[0]}' is not an elided cue of items.yaml", rid)
        if not triggers and not own:
            names = ", ".join("{" + p + "}" for p in KIND_TRIGGERS[node["kind"]])
            raise _fail(path, node, f"a {node['kind']} rule must use one of {names} or list its needles: without "
                                    "them no figure is kept", rid)
        source = _PLACEHOLDER.sub(lambda m: placeholders.get(m.group(1), m.group(0)), raw)
        source = source.replace(r"\d", "[0-9]")
        try:
            compiled = regex.compile(source, FLAGS)
        except (regex.error, ValueError) as exc:  # ValueError: an inline flag that contradicts FLAGS
            raise _fail(path, node, f"pattern does not compile: {compile_error_text(exc, raw, placeholders)}",
                        rid) from exc
        examples = node.get("examples") or {}
        _expect_keys(path, examples, {"match", "no_match"}, set(), rid)
        patterns.append(Pattern(
            id=rid, kind=node["kind"], priority=priority, source=source, compiled=compiled,
            examples_match=tuple(_string_list(path, node, examples.get("match", []), "examples.match", rid)),
            examples_no_match=tuple(_string_list(path, node, examples.get("no_match", []),
                                                 "examples.no_match", rid)),
            line=getattr(node, "line", 0), starts_at=_starts_at(raw),
            needles=own or frozenset().union(*(needles[p] for p in triggers)), needles_outside=bool(own),
        ))
    return patterns


def _phrase_regexes(table: dict[str, dict[str, Any]], key: str) -> list[tuple[str, Any]]:
    return [(name, re.compile(_stem_regex(spec[key]))) for name, spec in table.items() if spec[key]]


def load_rules(directory: str | Path | None = None) -> Rules:
    """Read every rules file in `directory` (default: the bundled rules) and compile them."""
    folder = Path(directory) if directory else RULES_DIR
    vocab = _load_vocabulary(folder / "vocabulary.yaml")
    countries, home = _load_countries(folder / "countries.yaml")
    metrics = _load_metrics(folder / "metrics.yaml")
    statuses = _load_statuses(folder / "statuses.yaml", metrics)
    items = _load_items(folder / "items.yaml")
    systems = _load_systems(folder / "systems.yaml", countries, items["family"])
    units = _load_units(folder / "units.yaml")
    direction = _load_direction(folder / "direction.yaml")
    needles = _placeholder_needles(vocab, items, units, systems)
    patterns = _load_patterns(folder / "patterns.yaml", _placeholders(vocab, items, units, systems), needles,
                              frozenset(w.lower() for w in items["elided"]))
    save_answers()  # pint's answers for the next process (extractors.units)

    alias_to_country = {a: name for name, spec in countries.items() for a in spec["aliases"]}
    alias_alt = _trie(list(alias_to_country), fold_case=False)
    country_regex = re.compile(rf"{alias_alt}(?:'s|’s)?(?!\w)")
    hedge_alt = _alternation(list(vocab["hedges"]))
    hedge_regex = re.compile(rf"(?<![\w-])(?P<hedge>{hedge_alt})\s+$")
    keyword_lists = [(name, spec["keywords"]) for name, spec in metrics.items() if spec["keywords"]]
    keyword_scanner, keyword_leaves = _keyword_scanner(keyword_lists)
    # Every rule's match starts at a number, a fraction phrase, or a lead-in just before a number
    # (a currency symbol, "between", a sign). Matching is tried only at those places: most of a
    # sentence is never looked at, which is what makes extraction fast.
    # Scanning regexes use the standard library engine and begin with a literal character, so the
    # engine can skip ahead quickly; word edges on the left are checked by the caller.
    number_word_list = sorted({w.lower() for w in list(vocab["units"]) + list(vocab["tens"]) + ["dozen"]
                               + list(vocab["fractions"])})
    number_word_regex = re.compile(with_first_chars(r"\b" + _trie(["a dozen", "a hundred"] + number_word_list)
                                                    + r"(?!\w)"))
    # A symbol that starts with a letter ("NT$", "US$", "Rs") must not be the end of a word: "spent $46" holds no
    # "NT $", and a scan that took it would step over the "$" that starts the figure.
    lettered_first = [s for s in vocab["symbols"] if s[0].isalpha()]
    sign_first = [s for s in vocab["symbols"] if not s[0].isalpha()]
    symbols = "|".join(filter(None, (
        rf"(?<![a-z]){_symbol_alternation(lettered_first)}" if lettered_first else "",
        _symbol_alternation(sign_first) if sign_first else "")))
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
        statuses=statuses["statuses"],
        status_before=_phrase_regexes(statuses["statuses"], "before"),
        status_after=_phrase_regexes(statuses["statuses"], "after"),
        status_future=re.compile(_stem_regex(statuses["future"]) if statuses["future"] else "(?!)"),
        order_words=re.compile(_stem_regex(statuses["order_words"]) if statuses["order_words"] else "(?!)"),
        capacity=re.compile(_stem_regex(statuses["capacity"]) if statuses["capacity"] else "(?!)"),
        nouns=items["nouns"], noun_family=items["family"], kinds=frozenset(w.lower() for w in items["kinds"]),
        system_alias={**{a.upper(): c for a, c in systems["alias"].items()}, **systems["alias"]},
        designation_origin=systems["origin"], designation_noun=systems["noun_of"],
        not_names=frozenset(systems["not_names"]),
        # the standard library engine: on this alternation of hundreds of names it scans ~25x faster than `regex`
        designation_regex=re.compile(_designation_source(systems)), units=units,
        direction=direction, number_words=number_word_list,
        number_word_regex=number_word_regex, lead_in_regex=lead_in_regex,
        change_regex=re.compile(_stem_regex(vocab["changes"]) + r"\s+(?:(?:by|about|nearly|almost|around|some|roughly|"
                                r"over|just|only|a|further|another|more\s+than|less\s+than|close\s+to)\s+){0,3}$")
        if vocab["changes"] else re.compile(r"(?!)"),
        change_after_regex=re.compile(r"\A[\s,]*" + _stem_regex(vocab["changes_after"]))
        if vocab["changes_after"] else re.compile(r"(?!)"),
        fall_regex=re.compile(_stem_regex(vocab["falls"])) if vocab["falls"] else re.compile(r"(?!)"),
        metric_keywords=keyword_scanner, keyword_metric=keyword_leaves,
        placeholder_needles=needles,
        source_dir=folder,
    )


# Every alternative of the {pct} placeholder holds one of these tokens ("per cent" holds "per").
PERCENT_NEEDLES = ("%", "per", "percent", "percents", "percentage", "pc")


# What makes a match a fact of its kind: the engine keeps a money match only with a currency, a count only
# with an item or a designation, a percentage only with a percent sign, word or fraction, a quantity only
# with a unit. A rule of a kind must use at least one of these placeholders (checked at load).
KIND_TRIGGERS: dict[str, tuple[str, ...]] = {
    "money": ("cur", "cur2", "curword"), "percent": ("pct", "fraction"), "physical": ("unit",),
    "count": ("item", "designation"),
}


def _placeholder_needles(vocab: dict[str, Any], items: dict[str, Any], units: dict[str, Any],
                         systems: dict[str, Any]) -> dict[str, frozenset[str]]:
    """For each trigger placeholder, tokens (see `needle_tokens`) one of which every text it matches holds.

    A rule is tried in a sentence only if the sentence holds a needle of one of the trigger placeholders the
    rule uses: most figure sentences hold one or two kinds of figure, so most rules are skipped. Needles come
    from the vocabularies, so any change there is followed.
    """
    symbols = _needles(list(vocab["symbols"]))
    codes = [c for c in vocab["symbols"] if re.fullmatch(r"[A-Z]{3}", c)]
    return {
        "cur": symbols, "cur2": symbols, "curword": _needles(list(vocab["words"]) + codes),
        "pct": _needles(list(PERCENT_NEEDLES)), "fraction": _needles(list(vocab["fractions"])),
        "unit": _needles(list(units)), "item": _needles(list(items["nouns"])),
        "designation": frozenset({SHAPE_TOKEN}),  # added by the engine when rules.designation_regex finds one
    }


# Designations have no word to look for; the engine adds this token to a sentence's tokens when the designation
# scan (rules.designation_regex) finds one in it.
SHAPE_TOKEN = "#shape"


NEEDLE_TOKENS = re.compile(r"[^\W\d_]+|[^\w\s]")  # runs of letters, and single signs ("$", "%", "-")
_WEAK_SIGNS = frozenset("-–/.,'’()&")


def needle_tokens(text: str, pos: int = 0, endpos: int | None = None) -> set[str]:
    """The tokens of a lower-cased text (of `text[pos:endpos]`) that needles are looked up in."""
    return set(NEEDLE_TOKENS.findall(text, pos, len(text) if endpos is None else endpos))


def _needles(surfaces: list[str]) -> frozenset[str]:
    """One token of each surface that every text it matches holds as a token.

    Surfaces are matched literally (spaces may vary), never inside a longer word, so each run of letters
    and each sign of a surface is a token of the text it matches. The rarest-looking one is kept: a word
    of three letters or more, else a currency sign, else the longest word.
    """
    needles = set()
    for surface in surfaces:
        tokens = NEEDLE_TOKENS.findall(surface.lower())
        if not tokens:
            continue
        words = sorted((t for t in tokens if t.isalpha()), key=len, reverse=True)
        signs = [t for t in tokens if not t.isalpha() and t not in _WEAK_SIGNS]
        needles.add(words[0] if words and len(words[0]) >= 3 else signs[0] if signs else
                    words[0] if words else tokens[0])
    return frozenset(needles)


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
    countries, home = _load_countries(folder / "countries.yaml")
    items = _load_items(folder / "items.yaml")
    systems = _load_systems(folder / "systems.yaml", countries, items["family"])
    civil = set(items["civil_families"])
    return Reference(metrics=_load_metrics(folder / "metrics.yaml"), designation_origin=systems["origin"],
                     home=tuple(home), civil_nouns=frozenset(n for n, f in items["family"].items() if f in civil))


@lru_cache(maxsize=4)
def _cached_reference(directory: str) -> Reference:
    return load_reference(directory)


def default_reference() -> Reference:
    """:class:`Reference` of the rules in use (see :func:`default_rules`)."""
    return _cached_reference(_rules_dir())
