"""Reading the rules files: YAML whose mappings remember their line, a schema check per file, and one
`RulesError` naming the file, the line and the rule for anything wrong (a loader per file below).

>>> from extractors.rules import RULES_DIR
>>> sorted(load_metrics(RULES_DIR / "metrics.yaml"))[:3]
['arms_import_share', 'deal_value', 'delivery']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex
import yaml

from extractors.errors import RulesError
from extractors.pattern_building import KIND_TRIGGERS, starts_at, stem_regex
from extractors.placeholders import PLACEHOLDER, compile_error_text
from extractors.placeholders import opaque as placeholders_made_opaque
from extractors.safety import check_pattern_safety

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


def read_yaml(path: Path) -> Any:
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


def fail(path: Path, node: Any, message: str, rule: str | None = None) -> RulesError:
    line = getattr(node, "line", 0)
    where = f"line {line}: " if line else ""
    who = f"rule '{rule}': " if rule else ""
    return RulesError(f"{path.name}: {where}{who}{message}")


def expect_keys(path: Path, node: Any, allowed: set[str], required: set[str], rule: str | None = None) -> None:
    if not isinstance(node, dict):
        raise fail(path, node, f"expected a mapping, got {type(node).__name__}", rule)
    unknown = sorted(set(node) - allowed)
    if unknown:
        raise fail(path, node, f"unknown key '{unknown[0]}' (allowed: {', '.join(sorted(allowed))})", rule)
    missing = sorted(required - set(node))
    if missing:
        raise fail(path, node, f"missing key '{missing[0]}'", rule)


def number_map(path: Path, node: Any, value: Any, what: str) -> dict[str, float]:
    """A mapping of words to numbers ("one: 1"), keys lower-cased."""
    if not isinstance(value, dict):
        raise fail(path, node, f"{what} must map a word to a number")
    for word, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise fail(path, value, f"{what}: '{word}' must map to a number, not '{number}'")
    return {str(k).lower(): float(v) for k, v in value.items()}


def string_list(path: Path, node: Any, value: Any, what: str, rule: str | None = None) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise fail(path, node, f"{what} must be a list of strings", rule)
    return [str(v) for v in value]


# --------------------------------------------------------------------------- one loader per file

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


def load_vocabulary(path: Path) -> dict[str, Any]:
    data = read_yaml(path)
    expect_keys(path, data, {"currencies", "scales", "number_words", "fractions", "hedges", "changes", "changes_after",
                              "falls", "hedge_blockers"}, {"currencies", "scales", "number_words", "hedges"})
    out: dict[str, Any] = {"symbols": {}, "words": {}, "subunits": {}, "scales": {}, "scale_attached": {}}
    for code, spec in data["currencies"].items():
        if not re.fullmatch(r"[A-Z]{3}", str(code)):
            raise fail(path, data["currencies"], f"currency code '{code}' is not ISO 4217 (three capitals)")
        expect_keys(path, spec, {"symbols", "words", "subunits"}, {"symbols"}, rule=f"currency {code}")
        for s in string_list(path, spec, spec["symbols"], "symbols", f"currency {code}"):
            out["symbols"][s] = code
        for w in string_list(path, spec, spec.get("words", []), "words", f"currency {code}"):
            out["words"][w.lower()] = code
        subunits = spec.get("subunits") or {}
        if not isinstance(subunits, dict):
            raise fail(path, spec, "subunits must map a word to its factor", f"currency {code}")
        for word, factor in subunits.items():
            if not isinstance(factor, (int, float)) or not 0 < factor < 1:
                raise fail(path, spec, f"subunit '{word}' needs a factor between 0 and 1", f"currency {code}")
            out["words"][str(word).lower()] = code
            out["subunits"][str(word).lower()] = float(factor)
    from extractors.units import scale_factor  # pint evaluates factors

    for name, spec in data["scales"].items():
        expect_keys(path, spec, {"factor", "surfaces", "attached"}, {"factor", "surfaces"}, rule=f"scale {name}")
        try:
            factor = scale_factor(str(spec["factor"]))
        except Exception as exc:  # pint raises many types
            raise fail(path, spec, f"factor '{spec['factor']}' is not a pint expression: {exc}",
                        f"scale {name}") from exc
        for s in string_list(path, spec, spec["surfaces"], "surfaces", f"scale {name}"):
            out["scales"][s.lower()] = factor
        for s in string_list(path, spec, spec.get("attached", []), "attached", f"scale {name}"):
            out["scale_attached"][s] = factor
    nw = data["number_words"]
    expect_keys(path, nw, {"units", "tens", "multipliers"}, {"units", "tens", "multipliers"})
    for key in ("units", "tens", "multipliers"):
        out[key] = {k: int(v) for k, v in number_map(path, nw, nw[key], f"number_words.{key}").items()}
    out["fractions"] = number_map(path, data, data.get("fractions") or {}, "fractions")
    hedges: dict[str, str] = {}
    expect_keys(path, data["hedges"], set(QUALIFIERS), set())
    for qualifier, phrases in data["hedges"].items():
        for p in string_list(path, data["hedges"], phrases, f"hedges.{qualifier}"):
            hedges[p.lower()] = qualifier
    out["hedges"] = hedges
    out["changes"] = string_list(path, data, data.get("changes", []), "changes")
    blockers = data.get("hedge_blockers") or {}
    if not isinstance(blockers, dict):
        raise fail(path, data, "hedge_blockers must map a hedge to the words that block it")
    out["hedge_blockers"] = {str(h).lower(): frozenset(w.lower() for w in string_list(path, blockers, words,
                                                                                        f"hedge_blockers.{h}"))
                             for h, words in blockers.items()}
    out["changes_after"] = string_list(path, data, data.get("changes_after", []), "changes_after")
    out["falls"] = string_list(path, data, data.get("falls", []), "falls")
    return out


def load_countries(path: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    import pycountry

    data = read_yaml(path)
    expect_keys(path, data, {"home", "countries"}, {"countries"})
    countries: dict[str, dict[str, Any]] = {}
    seen: dict[str, str] = {}
    for name, spec in data["countries"].items():
        expect_keys(path, spec, {"iso3", "aliases", "fiscal_year_start"}, {"iso3", "aliases"}, rule=f"country {name}")
        record = pycountry.countries.get(alpha_3=str(spec["iso3"]))
        if record is None:
            raise fail(path, spec, f"'{spec['iso3']}' is not an ISO 3166 alpha-3 code", f"country {name}")
        aliases = string_list(path, spec, spec["aliases"], "aliases", f"country {name}")
        for attr in ("name", "official_name", "common_name"):
            official = getattr(record, attr, None)
            if official and "," not in official:
                aliases.append(official)
        for alias in aliases:
            if alias in seen and seen[alias] != name:
                raise fail(path, spec, f"alias '{alias}' already names {seen[alias]}", f"country {name}")
            seen[alias] = name
        start = spec.get("fiscal_year_start")
        if start is not None and (not isinstance(start, int) or not 1 <= start <= 12):
            raise fail(path, spec, "fiscal_year_start must be a month number, 1 to 12", f"country {name}")
        countries[str(name)] = {"iso3": record.alpha_3, "aliases": sorted(set(aliases)), "fiscal_year_start": start}
    home = string_list(path, data, data.get("home", []), "home")
    for h in home:
        if h not in countries:
            raise fail(path, data, f"home country '{h}' is not defined under countries")
    return countries, home


def load_metrics(path: Path) -> dict[str, dict[str, Any]]:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise fail(path, data, "expected a mapping of metric definitions")
    for name, spec in data.items():
        expect_keys(path, spec, {"label", "description", "kinds", "keywords", "not_after"},
                     {"label", "description", "kinds", "keywords"}, rule=f"metric {name}")
        for kind in string_list(path, spec, spec["kinds"], "kinds", f"metric {name}"):
            if kind not in KINDS:
                raise fail(path, spec, f"unknown kind '{kind}'", f"metric {name}")
        string_list(path, spec, spec["keywords"], "keywords", f"metric {name}")
        string_list(path, spec, spec.get("not_after", []), "not_after", f"metric {name}")
    if "other" not in data:
        raise fail(path, data, "metric 'other' must be defined")
    return dict(data)


def load_statuses(path: Path, metrics: dict[str, Any]) -> dict[str, Any]:
    """statuses.yaml: cue phrases per status, and the words that move a cue into the future or make it an order."""
    data = read_yaml(path)
    expect_keys(path, data, {"statuses", "future", "order_words", "capacity", "part_of"}, {"statuses"})
    if not isinstance(data["statuses"], dict):
        raise fail(path, data, "statuses must map a status to its cues")
    for name, spec in data["statuses"].items():
        if name not in STATUSES:
            raise fail(path, spec, f"unknown status '{name}' (allowed: {', '.join(STATUSES)})")
        expect_keys(path, spec, {"metric", "before", "after"}, {"metric", "before", "after"}, rule=f"status {name}")
        if not isinstance(spec["metric"], str) or spec["metric"] not in metrics:
            raise fail(path, spec, f"metric '{spec['metric']}' is not defined in metrics.yaml", f"status {name}")
        string_list(path, spec, spec["before"], "before", f"status {name}")
        string_list(path, spec, spec["after"], "after", f"status {name}")
    return {"statuses": dict(data["statuses"]),
            **{key: string_list(path, data, data.get(key) or [], key) for key in ("future", "order_words", "capacity",
                                                                                     "part_of")}}


def load_items(path: Path) -> dict[str, Any]:
    """items.yaml: counted nouns with their families, the words that may stand before them, and cues that let
    a count stand without its noun."""
    data = read_yaml(path)
    keys = {"nouns", "kinds", "fillers", "unit_nouns", "elided"}
    expect_keys(path, data, keys | {"civil_families"}, keys)
    nouns: dict[str, str] = {}
    family: dict[str, str] = {}
    for canonical, spec in data["nouns"].items():
        expect_keys(path, spec, {"surfaces", "family"}, {"surfaces", "family"}, rule=f"noun {canonical}")
        family[str(canonical)] = str(spec["family"])
        for s in string_list(path, spec, spec["surfaces"], "surfaces", f"noun {canonical}"):
            if s.lower() in nouns and nouns[s.lower()] != str(canonical):
                raise fail(path, spec, f"surface '{s}' already names the noun '{nouns[s.lower()]}'",
                            f"noun {canonical}")
            nouns[s.lower()] = str(canonical)
    return {
        "nouns": nouns, "family": family,
        "kinds": string_list(path, data, data["kinds"], "kinds"),
        "fillers": string_list(path, data, data["fillers"], "fillers"),
        "unit_nouns": string_list(path, data, data["unit_nouns"], "unit_nouns"),
        "elided": string_list(path, data, data["elided"], "elided"),
        "civil_families": string_list(path, data, data.get("civil_families") or [], "civil_families"),
    }


def load_systems(path: Path, countries: dict[str, Any], family: dict[str, str]) -> dict[str, Any]:
    """systems.yaml: named systems (aliases, what one of them is, usual supplier) and designation shapes."""
    data = read_yaml(path)
    expect_keys(path, data, {"systems", "shapes", "suffixes", "prefixes", "not_names"}, {"systems", "shapes"})
    alias: dict[str, str] = {}
    origin: dict[str, str] = {}
    noun_of: dict[str, str] = {}
    for canonical, spec in data["systems"].items():
        name = str(canonical)
        expect_keys(path, spec, {"aliases", "origin", "noun"}, {"aliases", "noun"}, rule=f"system {name}")
        for a in [name] + string_list(path, spec, spec["aliases"], "aliases", f"system {name}"):
            if alias.get(a, name) != name:
                raise fail(path, spec, f"alias '{a}' already names {alias[a]}", f"system {name}")
            alias[a] = name
        if spec["noun"] not in family:
            raise fail(path, spec, f"noun '{spec['noun']}' is not listed under nouns in items.yaml", f"system {name}")
        noun_of[name] = str(spec["noun"])
        if "origin" in spec:
            if spec["origin"] not in countries:
                raise fail(path, spec, f"origin '{spec['origin']}' is not in countries.yaml", f"system {name}")
            origin[name] = str(spec["origin"])
    fragments = {}
    for key in ("shapes", "suffixes", "prefixes"):
        fragments[key] = string_list(path, data, data.get(key) or [], key)
        for fragment in fragments[key]:
            try:
                regex.compile(fragment)
            except regex.error as exc:
                raise fail(path, data, f"{key}: '{fragment}' does not compile: {exc}") from exc
    return {"alias": alias, "origin": origin, "noun_of": noun_of, **fragments,
            "not_names": set(string_list(path, data, data.get("not_names") or [], "not_names"))}


def load_units(path: Path) -> dict[str, tuple[str, float]]:
    from extractors.units import define, unit_conversion

    data = read_yaml(path)
    expect_keys(path, data, {"pint_definitions", "units"}, {"units"})
    for line in string_list(path, data, data.get("pint_definitions", []), "pint_definitions"):
        try:
            define(line)
        except Exception as exc:
            raise fail(path, data, f"pint definition '{line}' rejected: {exc}") from exc
    units: dict[str, tuple[str, float]] = {}
    for name, spec in data["units"].items():
        expect_keys(path, spec, {"pint", "surfaces", "to"}, {"pint", "surfaces"}, rule=f"unit {name}")
        try:
            unit_string, factor = unit_conversion(str(spec["pint"]), spec.get("to"))
        except Exception as exc:
            raise fail(path, spec, f"pint cannot use '{spec['pint']}': {exc}", f"unit {name}") from exc
        for s in string_list(path, spec, spec["surfaces"], "surfaces", f"unit {name}"):
            units[s.lower()] = (unit_string, factor)
    return units


def load_direction(path: Path) -> dict[str, re.Pattern]:
    """The cues around a country name that make it the supplier or the recipient, compiled for lowered text:
    `*_after` match the text just after the name, `*_before` the text just before it."""
    data = read_yaml(path)
    expect_keys(path, data, {"supplier_after", "recipient_after", "supplier_before", "recipient_before"},
                 {"supplier_after", "recipient_after", "supplier_before", "recipient_before"})
    words = {key: string_list(path, data, value, key) for key, value in data.items()}
    after, before = r"\A(?:'s|’s)?[\s,]+(?:(?:which|who|that)\s+)?(?:\w+\s+){0,3}?", r"\s+(?:the\s+)?\Z"
    return {
        "supplier_after": re.compile(after + stem_regex(words["supplier_after"])),
        "recipient_after": re.compile(after + stem_regex(words["recipient_after"])),
        "supplier_before": re.compile(stem_regex(words["supplier_before"]) + before),
        "recipient_before": re.compile(stem_regex(words["recipient_before"]) + before),
    }


def load_patterns(path: Path, placeholders: dict[str, str], needles: dict[str, frozenset[str]],
                   elided: frozenset[str] = frozenset()) -> list[Pattern]:
    data = read_yaml(path)
    if not isinstance(data, list):
        raise fail(path, data, "expected a list of rules")
    patterns: list[Pattern] = []
    seen: set[str] = set()
    for node in data:
        rid = node.get("id") if isinstance(node, dict) else None
        expect_keys(path, node, {"id", "kind", "priority", "pattern", "examples", "needles"},
                     {"id", "kind", "pattern"}, rule=str(rid) if rid else None)
        rid = str(rid)
        if not RULE_ID.match(rid):
            raise fail(path, node, "id must look like 'kind.name' (lower case, dots, underscores)", rid)
        if rid in seen:
            raise fail(path, node, "duplicate rule id", rid)
        seen.add(rid)
        if node["kind"] not in KINDS:
            raise fail(path, node, f"unknown kind '{node['kind']}' (allowed: {', '.join(KINDS)})", rid)
        if not isinstance(node["pattern"], str) or not node["pattern"].strip():
            raise fail(path, node, "pattern must be a non-empty string", rid)
        priority = node.get("priority", 0)
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise fail(path, node, "priority must be an integer", rid)
        raw = node["pattern"]
        unsafe = check_pattern_safety(placeholders_made_opaque(raw, placeholders))
        if unsafe:
            raise fail(path, node, unsafe, rid)
        unknown = [p for p in PLACEHOLDER.findall(raw) if p not in placeholders]
        if unknown and not re.fullmatch(r"\d+(,\d*)?", unknown[0]):
            raise fail(path, node, f"unknown placeholder '{{{unknown[0]}}}'", rid)
        triggers = [p for p in KIND_TRIGGERS[node["kind"]] if "{" + p + "}" in raw]
        own = frozenset(w.lower() for w in string_list(path, node, node.get("needles") or [], "needles", rid))
        if own - elided:
            raise fail(path, node, f"needle '{sorted(own - elided)[0]}' is not an elided cue of items.yaml", rid)
        if not triggers and not own:
            names = ", ".join("{" + p + "}" for p in KIND_TRIGGERS[node["kind"]])
            raise fail(path, node, f"a {node['kind']} rule must use one of {names} or list its needles: without "
                                    "them no figure is kept", rid)
        source = PLACEHOLDER.sub(lambda m: placeholders.get(m.group(1), m.group(0)), raw)
        source = source.replace(r"\d", "[0-9]")
        try:
            compiled = regex.compile(source, FLAGS)
        except (regex.error, ValueError) as exc:  # ValueError: an inline flag that contradicts FLAGS
            raise fail(path, node, f"pattern does not compile: {compile_error_text(exc, raw, placeholders)}",
                        rid) from exc
        examples = node.get("examples") or {}
        expect_keys(path, examples, {"match", "no_match"}, set(), rid)
        patterns.append(Pattern(
            id=rid, kind=node["kind"], priority=priority, source=source, compiled=compiled,
            examples_match=tuple(string_list(path, node, examples.get("match", []), "examples.match", rid)),
            examples_no_match=tuple(string_list(path, node, examples.get("no_match", []),
                                                 "examples.no_match", rid)),
            line=getattr(node, "line", 0), starts_at=starts_at(raw),
            needles=own or frozenset().union(*(needles[p] for p in triggers)), needles_outside=bool(own),
        ))
    return patterns
