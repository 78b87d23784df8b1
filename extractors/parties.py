"""Who a figure is about: its parties, and for arms, who supplies whom.

Parties come from the document, never from a default: the countries named in the figure's clause (then the
clause it leans on, then its sentence), else the story's pair. A figure about one country alone (its total
exports, its own budget, a domestic order) has that country alone; a figure about a third country ("Iraq's
share was 18%") names it with the country it trades with. Exports and imports are read from the side of the
country that exports or imports: that country comes first.

>>> from extractors import extract_text
>>> facts = extract_text("India-US trade talks\\nExports to the US rose to $78 billion.", "2023-05-01")
>>> [(f.metric, f.parties) for f in facts]
[('exports', ['India', 'United States'])]
"""

from __future__ import annotations

import re
from collections import Counter

from extractors.context import Place, Story
from extractors.figures import Figure
from extractors.rules import Rules

# The figure is about one country's total, not a pair ("its total exports", "imports from abroad").
_SOLO = re.compile(r"\b(?:(?:total|overall|all)\s+(?:\w+\s+){0,2}?(?:exports|imports|trade|purchases|shipments|"
                   r"requirements?|needs|output|production|supplies|suppliers|sources|countries|destinations)|"
                   r"world(?:'s|wide)?|global(?:ly)?|globe(?:'s)?|abroad|own|domestic|any\s+supplier|a\s+total\s+of)\b")
# A country written as where goods come from or go to ("to the US", "Russian crude"): a partner, not the actor.
_PARTNER_BEFORE = re.compile(r"\b(?:to|from|with|by|into|against|towards|between|and|for)\s+(?:the\s+)?\Z")
_GOODS_AFTER = re.compile(r"\A(?:'s|’s)?\s+(?:\w+\s+)?(?:imports?|goods|products|crude|oil|gas|grain|wheat|coal|"
                          r"barley|soybeans?|supplies|shipments|weapons|arms|companies|firms)\b")
_VIEWPOINT_AFTER = re.compile(r"\A(?:'s|’s)?\s+(?:\w+\s+){0,2}?(?:exports?|imports?|shipments|sales|purchases|"
                              r"bought|buys|sent|sells|sold|took|imported|exported|ships)\b")
DEFENCE_METRICS = frozenset({"order", "delivery", "production", "deal_value", "arms_import_share"})


def document_pair(mentions: list[tuple[int, int, str]], title: list[tuple[int, int, str]], rules: Rules) -> list[str]:
    """The two countries a story is about: most named in title and body (the title counts triple), ties going
    to the one named first."""
    counts: Counter[str] = Counter(c for _, _, c in mentions)
    first: dict[str, int] = {}
    for at, (_, _, country) in enumerate(title + mentions):
        first.setdefault(country, at)
    for _, _, country in title:
        counts[country] += 3
    top = [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], first.get(kv[0], 0)))[:2]]
    return home_first(top, rules)


def story_subject(pair: list[str], mentions: list[tuple[int, int, str]], lower: str, rules: Rules) -> str | None:
    """The country the story is told from: the home country when in the pair, else the pair member named most
    often as the one that exports, imports or trades ("Australia's wine exports"), else the first of the pair."""
    if not pair:
        return None
    if pair[0] in rules.home:
        return pair[0]
    acting = Counter(c for s, e, c in mentions if c in pair and _is_actor(lower, (s, e, c)))
    if acting:
        return max(pair, key=lambda c: (acting[c], -pair.index(c)))
    return pair[0]


def home_first(countries: list[str], rules: Rules) -> list[str]:
    rank = {c: i for i, c in enumerate(rules.home)}
    return sorted(countries, key=lambda c: rank.get(c, len(rank)))


def resolve(story: Story, figure: Figure, place: Place) -> None:
    fact = figure.fact
    if fact.kind == "count" or fact.metric in DEFENCE_METRICS:
        _defence(story, figure, place)
    else:
        fact.parties = _flow(story, figure, place)
        fact.supplier = fact.recipient = None


def _countries(place: Place, where: tuple[int, int]) -> list[tuple[int, int, str]]:
    return [c for c in place.sentence.countries if where[0] <= c[0] < where[1]]


def _named(place: Place) -> tuple[list[tuple[int, int, str]], bool]:
    """Country mentions in the figure's clause, else the clauses it leans on, else its sentence; and whether
    they came from the figure's clause or those it leans on (not from elsewhere in the sentence)."""
    for index in place.chain:
        clause = place.clauses[index]
        found = _countries(place, (clause.start, clause.end))
        if found:
            return found, True
    return list(place.sentence.countries), False


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


# --------------------------------------------------------------------------- trade, energy, investment

def _flow(story: Story, figure: Figure, place: Place) -> list[str]:
    fact, lower = figure.fact, story.lower
    mentions, _ = _named(place)
    own = place.own
    solo = bool(_SOLO.search(lower, own.start, own.end))
    names = _unique([c for _, _, c in mentions])
    if not names:
        if solo or fact.metric in ("exports", "imports", "energy_imports") or \
                (fact.metric == "production" and fact.kind != "money"):
            return [story.subject] if story.subject else list(story.pair)
        return list(story.pair)
    if len(names) == 1:
        only = names[0]
        mention = next(m for m in mentions if m[2] == only)
        partner = _is_partner(lower, mention)
        if solo and not partner:
            return [only]
        if only in story.pair:
            if not partner and _is_actor(lower, mention) and \
                    fact.metric in ("exports", "imports", "energy_imports", "other", "production"):
                return [only]
            other = [c for c in story.pair if c != only]
            return _viewpoint(story, figure, [only] + other, mentions)
        named_pair = [c for _, _, c in place.sentence.countries if c in story.pair and c != only]
        partner_country = named_pair[0] if named_pair else story.subject
        return _viewpoint(story, figure, _unique([only, partner_country] if partner_country else [only]),
                          mentions)
    if len(names) == 2:
        return _viewpoint(story, figure, names, mentions)
    first = mentions[0][2]
    nearest = min(mentions, key=lambda m: abs(m[0] - fact.start))[2]
    return _viewpoint(story, figure, _unique([first, nearest]), mentions)


def _is_partner(lower: str, mention: tuple[int, int, str]) -> bool:
    """"to the US", "from Russia", "Russian crude": where goods come from or go. A possessive ("Russia's grain
    exports") is the actor, never a partner."""
    start, end, _ = mention
    if lower[end - 2:end] in ("'s", "’s") or lower[end:end + 2] in ("'s", "’s"):
        return False
    return bool(_PARTNER_BEFORE.search(lower, max(0, start - 20), start) or _GOODS_AFTER.match(lower[end:end + 30]))


# A country that acts in the figure: its own deficit, trade, exports or output ("The U.S. trade deficit").
_ACTOR_AFTER = re.compile(r"\A(?:'s|’s)?\s+(?:\w+\s+){0,2}?(?:deficit|surplus|trade|exports?|imports?|output|"
                          r"production|needs|requirements?|budget|economy|fund|reliance|dependence|sales|supplies)\b")


def _is_actor(lower: str, mention: tuple[int, int, str]) -> bool:
    start, end, _ = mention
    return lower[end - 2:end] in ("'s", "’s") or lower[end:end + 2] in ("'s", "’s") or \
        bool(_ACTOR_AFTER.match(lower[end:end + 40]))


def _viewpoint(story: Story, figure: Figure, parties: list[str],
               mentions: list[tuple[int, int, str]]) -> list[str]:
    """Exports and imports read from the exporter's or importer's side: that country first."""
    if figure.fact.metric not in ("exports", "imports") or len(parties) < 2:
        return home_first(parties, story.rules)
    lower = story.lower
    actors = [c for s, e, c in mentions if c in parties and not _is_partner(lower, (s, e, c))
              and (_VIEWPOINT_AFTER.match(lower[e:e + 40]) or lower[e:e + 2] in ("'s", "’s"))]
    partners = [c for s, e, c in mentions if c in parties and _is_partner(lower, (s, e, c))]
    actor = actors[0] if actors else next((c for c in parties if c not in partners), parties[0])
    return [actor] + [c for c in parties if c != actor]


# --------------------------------------------------------------------------- arms

def _defence(story: Story, figure: Figure, place: Place) -> None:
    """Supplier and recipient from cue words around the names, else the system's usual origin and the story's
    pair; the parties are those two and the countries named together with them ("Germany and Denmark have
    delivered"). A domestic order ("97 Tejas fighters for the Indian Air Force") has one party."""
    fact, rules, lower = figure.fact, story.rules, story.lower
    mentions, near = _named(place)
    origin = rules.designation_origin.get(fact.item or "")
    if not near and origin:
        mentions = []  # names elsewhere in the sentence say nothing about this system's deal
    supplier, recipient = _direction(lower, mentions, fact.start, fact.end, rules)
    if origin and origin == story.subject and origin in rules.home and recipient in (None, origin) and \
            not [c for _, _, c in mentions if c != origin]:
        fact.parties, fact.supplier, fact.recipient = [origin], origin, origin  # "40 Tejas for the IAF": domestic
        return
    if supplier is None and origin and origin != recipient:
        supplier = origin
    names = _unique([c for _, _, c in mentions])
    if recipient is None and supplier is None and origin and origin in names:
        recipient = next((c for c in names if c != origin), origin)
    if recipient is None:
        complement = next((c for c in story.pair if c != supplier), None) if supplier in story.pair else None
        others = [c for c in names if c != supplier]
        recipient = complement or (others[0] if others else next((c for c in story.pair if c != supplier), None))
    if origin and origin == recipient and supplier in (None, recipient):
        fact.parties, fact.supplier, fact.recipient = [recipient], recipient, recipient
        return
    if supplier is None:
        others = [c for c in names if c != recipient]
        supplier = others[0] if others else next((c for c in story.pair if c != recipient), None)
    partners = _coordinated(lower, mentions, (supplier, recipient))
    if supplier and partners and _first_named(mentions, [supplier, *partners]) != supplier:
        first = _first_named(mentions, [supplier, *partners])  # "Germany, with Denmark and the Netherlands, will supply"
        order = [m[2] for m in mentions]
        partners = sorted((supplier if c == first else c for c in partners),
                          key=lambda c: order.index(c) if c in order else len(order))
        supplier = first
    parties = _unique([p for p in (recipient, supplier) if p] + partners)
    fact.parties = parties or list(story.pair)
    fact.supplier, fact.recipient = supplier, recipient


def _first_named(mentions: list[tuple[int, int, str]], countries: list[str]) -> str:
    order = [m[2] for m in mentions]
    return min(countries, key=lambda c: order.index(c) if c in order else len(order))


def _coordinated(lower: str, mentions: list[tuple[int, int, str]], anchors: tuple[str | None, ...]) -> list[str]:
    """Countries named in one breath with the supplier or recipient ("Germany, together with Denmark and the
    Netherlands", "in a joint project with Denmark"): every country linked to one of them through such joins."""
    groups: dict[str, set[str]] = {}
    for (_, e1, c1), (s2, _, c2) in zip(mentions, mentions[1:], strict=False):
        gap = lower[e1:s2]
        if re.fullmatch(r"(?:'s)?\s*(?:,|and|,\s*and|,?\s*together\s+with|along\s+with|with)\s+(?:the\s+)?", gap) or \
                re.fullmatch(r"[^.;]{0,90}\bjoint\s+\w+\s+with\s+(?:the\s+)?", gap):
            joined = groups.get(c1, {c1}) | groups.get(c2, {c2})
            for country in joined:
                groups[country] = joined
    order = [m[2] for m in mentions]
    found: list[str] = []
    for anchor in anchors:
        found.extend(c for c in sorted(groups.get(anchor or "", set()), key=order.index)  # every key is a mention
                     if c not in anchors and c not in found)
    return found


def _direction(lower: str, mentions: list[tuple[int, int, str]], start: int, end: int,
               rules: Rules) -> tuple[str | None, str | None]:
    """Who supplies whom, from cue words around each named country, nearest names first."""
    cues = rules.direction
    supplier = recipient = None
    for s, e, country in sorted(mentions, key=lambda c: min(abs(c[0] - end), abs(c[1] - start))):
        after = lower[e:e + 60]
        before = lower[max(0, s - 25):s]
        if supplier is None and (cues["supplier_after"].match(after) or cues["supplier_before"].search(before)):
            supplier = country
        elif recipient is None and (cues["recipient_after"].match(after) or cues["recipient_before"].search(before)):
            recipient = country
    if supplier == recipient:
        recipient = None
    return supplier, recipient
