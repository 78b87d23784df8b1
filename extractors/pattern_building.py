r"""Building the regexes the rules compile to: tries of vocabulary words, the placeholders a pattern is written
with, and the needles that let the engine skip rules a sentence cannot match.

>>> print(trie(["lakh", "lakh crore", "crore"]))
(?:(?:crore|lakh(?:\s+crore)?))
"""

from __future__ import annotations

import re
from typing import Any

import regex

from extractors.scanning import with_first_chars

_NUMBER_FIRST = ("{number}", "{signed_number}", "{count_number}", "{count_bare}", "{fraction}")


def starts_at(raw: str) -> str:
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


def trie(words: list[str], fold_case: bool = True) -> str:
    r"""One regex that matches any of `words`, built as a trie so that a failing position fails at its
    first character, and a longer word always wins over its prefix ("lakh crore" over "lakh").

    >>> trie(["lakh", "lakh crore", "crore"])
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


def alternation(surfaces: list[str], word_edges: bool = False) -> str:
    """A case-insensitive alternation of surfaces (as a trie); longer surfaces win over their prefixes."""
    body = trie(surfaces)
    if word_edges:
        return rf"(?<![\w-]){body}(?![\w])"
    return body


def symbol_alternation(symbols: list[str]) -> str:
    """Currency symbols; one that ends in a letter ("Rs", "USD") must not run into a word."""
    lettered = [s for s in symbols if s[-1].isalpha()]
    other = [s for s in symbols if not s[-1].isalpha()]
    parts = []
    if other:
        parts.append(trie([s.replace(" ", "") for s in other] + other).replace(r"\s+", r"\s?"))
    if lettered:
        parts.append(trie(lettered).replace(r"\s+", r"\s?") + r"(?![A-Za-z])")
    return "(?:" + "|".join(parts) + ")"


def stem_regex(words: list[str]) -> str:
    """Whole words (lower case) from a list; a trailing "*" stands for any ending ("export*")."""
    return r"\b" + stem_trie(words)


def stem_trie(words: list[str]) -> str:
    r"""The words as a trie, without the leading word edge: a position fails at its first letter, and the
    longest word still wins ("trade deficit" over "trade"). No words: a pattern that never matches.

    >>> stem_trie(["trade", "trade deficit", "export*"])
    '(?:export\\w*\\b|trade(?:\\s+deficit\\b|\\b))'
    >>> stem_trie([])
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


def keyword_scanner(groups: list[tuple[str, list[str]]]) -> tuple[re.Pattern, dict[str, str]]:
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


def phrase_regexes(table: dict[str, dict[str, Any]], key: str) -> list[tuple[str, Any]]:
    return [(name, re.compile(stem_regex(spec[key]))) for name, spec in table.items() if spec[key]]


def designation_source(systems: dict[str, Any]) -> str:
    """One case-sensitive regex for a designation: a listed alias or a designation shape, then variant marks,
    with an optional plural ("MiG-29s"). Listed aliases also match in capitals."""
    aliases = sorted({v for a in systems["alias"] for v in (a, a.upper())}, key=len, reverse=True)
    known = trie(aliases, fold_case=False)
    shapes = "|".join(f"(?:{s})" for s in systems["shapes"])
    suffix = "|".join(f"(?:{s})" for s in systems["suffixes"]) or "(?!)"
    prefix = "|".join(f"(?:{s})" for s in systems["prefixes"]) or "(?!)"
    token = rf"(?:{known}|{shapes})"
    # A designation may run on into another form of it ("AGM-84L-1 Harpoon Block II", "AH-64E Apache").
    return (rf"(?-i:(?<![\w-])(?:(?:{prefix})\s+)?{token}(?:[\s-](?:{suffix}|{shapes}|{known}))*(?:s|’s|'s)?"
            rf"(?![\w-]))")


def designation_scan_source(systems: dict[str, Any]) -> str:
    """The designation regex for the document scan (standard `re`), led by a lookahead on the characters a
    designation can begin with: the scan then passes most positions at the cost of one class test. Without
    the lookahead when a shape or prefix does not plainly say how it begins."""
    leads = [_leading_class(s) for s in [*systems["shapes"], *systems["prefixes"]]]
    source = designation_source(systems)
    if any(lead is None for lead in leads):
        return source
    firsts = {re.escape(a[0]) for alias in systems["alias"] for a in (alias, alias.upper())} | set(leads)
    return f"(?=[{''.join(sorted(firsts))}])" + source


_PLAIN_CLASS = re.compile(r"\[((?:[A-Za-z0-9]-[A-Za-z0-9]|[A-Za-z0-9])+)\]")


def _leading_class(source: str) -> str | None:
    """The class of characters `source` must begin with ("A-Z" for '[A-Z][a-z]+'), or None when not plain."""
    if (m := _PLAIN_CLASS.match(source)) is not None:
        return m.group(1)
    if source[:1].isalnum() and source[1:2] not in ("?", "*", "{", "|"):
        return source[0]
    return None


def number_source(vocab: dict[str, Any]) -> str:
    """Digits or number words, not glued to a word, unless the word is a currency code ("USD44bn")."""
    units = alternation(list(vocab["units"]))
    tens = alternation(list(vocab["tens"]))
    word = rf"(?:{tens}(?:[\s-]{units})?|{units}|(?:a\s+)?dozen|a\s+hundred)(?:\s+hundred)?"
    sep = "[,\u00a0\u2007\u2009\u202f]"
    grouped = rf"[0-9]{{1,3}}(?:(?:{sep}[0-9]{{3}})+|(?:{sep}[0-9]{{2}})+{sep}[0-9]{{3}})(?![0-9])"  # 1,234,567 | 1,23,456
    # A decimal comma ("$117,7 million", as many outlets write it) only before a scale word: "5,6" stays two.
    scales = alternation(list(vocab["scales"]))
    decimal_comma = rf"[0-9]{{1,3}},[0-9]{{1,2}}(?![0-9])(?=\s?{scales}\b)"
    digits = rf"(?:{grouped}|{decimal_comma}|[0-9]{{1,18}}(?![0-9]))(?:\.[0-9]{{1,12}})?"
    # Not part of a designation ("S-400", "Su-30"), a version, a score ("2+2") or a longer number.
    lettered = sorted((s for s in vocab["symbols"] if s[-1].isalpha()), key=len, reverse=True)
    after_symbol = "|".join(regex.escape(s) for s in lettered)
    left = rf"(?:(?<![\w.+/%=&?#])|(?<=(?<![A-Za-z])(?:{after_symbol})))(?<![A-Za-z]-)(?<![0-9][.,])"
    right = r"(?!\+[0-9])(?!\.[0-9])(?!\p{Nd})"  # nor glued to digits of another script ("$4٤")
    return rf"{left}(?:{digits}|\b{word}\b){right}"


def placeholders(vocab: dict[str, Any], items: dict[str, Any], units: dict[str, Any],
                  systems: dict[str, Any]) -> dict[str, str]:
    number = number_source(vocab)
    scale_words = alternation(list(vocab["scales"]), word_edges=False)
    attached = "|".join(regex.escape(s) for s in sorted(vocab["scale_attached"], key=len, reverse=True))
    scale = rf"(?:{scale_words}(?![\w])|(?-i:(?:{attached}))(?![\w]))" if attached else scale_words
    symbols = sorted(vocab["symbols"], key=len, reverse=True)
    cur = rf"(?<![A-Za-z]){symbol_alternation(symbols)}"
    codes = sorted({c for c in vocab["symbols"] if re.fullmatch(r"[A-Z]{3}", c)})
    curword = alternation(list(vocab["words"]) + codes)
    unit = alternation(list(units))
    pct = r"(?:%(?![0-9A-Fa-f]{2})|\bper\s?cents?\b|\bpercent(?:s|age)?\b|\bpc\b|\bpercentage\s+points?\b)"
    dash = r"\s*(?:-|–|—|\bto\b)\s*"
    fraction = r"\b" + alternation(list(vocab["fractions"])) + r"\b"
    change = stem_trie([w.lower() for w in vocab.get("changes", [])])
    hedge = alternation(list(vocab["hedges"]))  # phrase -> qualifier
    modifiers = alternation(items["kinds"] + items["fillers"])
    nouns = alternation(list(items["nouns"]))
    desig = designation_source(systems)
    unit_noun = alternation(items["unit_nouns"])
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
        "change": rf"\b{change}", "hedge": f"(?:{hedge})",
        "modifiers": f"(?:{modifiers})", "item": rf"(?P<item>{nouns})\b",
        "designation": f"(?P<desig>{desig})", "unit_noun": f"(?:{unit_noun})", "name": f"(?P<name>{name})",
    }


# Every alternative of the {pct} placeholder holds one of these tokens ("per cent" holds "per").
PERCENT_NEEDLES = ("%", "per", "percent", "percents", "percentage", "pc")


# What makes a match a fact of its kind: the engine keeps a money match only with a currency, a count only
# with an item or a designation, a percentage only with a percent sign, word or fraction, a quantity only
# with a unit. A rule of a kind must use at least one of these placeholders (checked at load).
KIND_TRIGGERS: dict[str, tuple[str, ...]] = {
    "money": ("cur", "cur2", "curword"), "percent": ("pct", "fraction"), "physical": ("unit",),
    "count": ("item", "designation"),
}


# Designations have no word to look for; the engine adds this token to a sentence's tokens when the designation
# scan (rules.designation_regex) finds one in it.
SHAPE_TOKEN = "#shape"


def placeholder_needles(vocab: dict[str, Any], items: dict[str, Any], units: dict[str, Any]
                        ) -> dict[str, frozenset[str]]:
    """For each trigger placeholder, tokens (see `needle_tokens`) one of which every text it matches holds.

    A rule is tried in a sentence only if the sentence holds a needle of one of the trigger placeholders the
    rule uses: most figure sentences hold one or two kinds of figure, so most rules are skipped. Needles come
    from the vocabularies, so any change there is followed.
    """
    symbols = needles_of(list(vocab["symbols"]))
    codes = [c for c in vocab["symbols"] if re.fullmatch(r"[A-Z]{3}", c)]
    return {
        "cur": symbols, "cur2": symbols, "curword": needles_of(list(vocab["words"]) + codes),
        "pct": needles_of(list(PERCENT_NEEDLES)), "fraction": needles_of(list(vocab["fractions"])),
        "unit": needles_of(list(units)), "item": needles_of(list(items["nouns"])),
        "designation": frozenset({SHAPE_TOKEN}),  # added by the engine when rules.designation_regex finds one
    }


NEEDLE_TOKENS = re.compile(r"[^\W\d_]+|[^\w\s]")  # runs of letters, and single signs ("$", "%", "-")


_WEAK_SIGNS = frozenset("-–/.,'’()&")


def needle_tokens(text: str, pos: int = 0, endpos: int | None = None) -> set[str]:
    """The tokens of a lower-cased text (of `text[pos:endpos]`) that needles are looked up in."""
    return set(NEEDLE_TOKENS.findall(text, pos, len(text) if endpos is None else endpos))


def needles_of(surfaces: list[str]) -> frozenset[str]:
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
