"""A seeded synthetic news corpus for benchmarks and scale tests: the same seed gives the same bytes.

Articles are about 3 KB of Markdown with front matter (title, published, source, url) and a dateline.
Most sentences are plain reporting with no figure; the rest state trade, defence and energy figures in
the forms the extractor has to handle: $ / Rs crore / lakh crore / € amounts, ranges, hedged figures,
counts of named systems with a status, percentages, barrels per day, gas volumes, and fiscal-year,
calendar-year and part-year periods. Every story, outlet and URL is invented (example.org).

>>> [name for name, _ in generate(2, seed=7)]
['2016-12-27-india-france-000000.md', '2015-10-30-india-israel-000001.md']

    python -m bench.corpus OUT_DIR [--mb 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ARTICLE_BYTES = (2700, 3300)   # body+front matter size of one article, drawn uniformly
FIGURE_SHARE = 0.28            # chance that a body sentence states a figure
FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2025, 9, 30)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
ORDINAL_MONTHS = ("first three", "first four", "first five", "first six", "first seven", "first eight",
                  "first nine", "first ten", "first eleven")


@dataclass(frozen=True)
class Side:
    name: str
    capital: str
    adjective: str
    dateline: str


@dataclass(frozen=True)
class Pair:
    """Two countries a story is about, what their money looks like and what they trade in arms."""

    home: Side
    partner: Side
    local_money: str               # "inr" | "eur" | "usd": the second currency stories quote
    systems: tuple[tuple[str, str], ...]  # (designation, noun) the partner supplies
    energy: bool                   # whether crude and gas sentences fit the pair


INDIA = Side("India", "New Delhi", "Indian", "NEW DELHI")
RUSSIA = Side("Russia", "Moscow", "Russian", "MOSCOW")
CHINA = Side("China", "Beijing", "Chinese", "BEIJING")
FRANCE = Side("France", "Paris", "French", "PARIS")
USA = Side("the United States", "Washington", "American", "WASHINGTON")
ISRAEL = Side("Israel", "Jerusalem", "Israeli", "JERUSALEM")

PAIRS: tuple[Pair, ...] = (
    Pair(INDIA, RUSSIA, "inr", (("S-400", "squadrons"), ("Su-30MKI", "fighter jets"), ("AK-203", "rifles"),
                                ("Talwar-class", "frigates"), ("T-90", "tanks"), ("Ka-226", "helicopters")), True),
    Pair(CHINA, RUSSIA, "usd", (("S-400", "air defence systems"), ("Su-35", "fighter jets")), True),
    Pair(INDIA, FRANCE, "eur", (("Rafale", "fighter jets"), ("Rafale Marine", "jets"), ("Scorpene", "submarines")),
         False),
    Pair(INDIA, USA, "usd", (("MQ-9B", "drones"), ("Apache", "helicopters"), ("MH-60R", "helicopters"),
                             ("P-8I", "aircraft"), ("F414", "engines")), False),
    Pair(INDIA, ISRAEL, "usd", (("Heron", "drones"), ("Barak", "missile systems")), False),
)
OUTLETS = ("The Ledger Wire", "Capital Desk", "Harbour Times", "The Northern Bulletin", "Trade Ledger Daily",
           "Defence Dispatch", "Meridian Business")

# ------------------------------------------------------------------------------------------- figures
# Each returns the surface of one figure as a reporter might write it.


def _billions(rng: random.Random) -> str:
    return f"{rng.uniform(1.0, 90.0):.1f}".removesuffix(".0")


def usd(rng: random.Random) -> str:
    if rng.random() < 0.3:
        amount, scale = f"{rng.randrange(50, 990, 10)}", rng.choice(("million", "mn", "million"))
    else:
        amount, scale = _billions(rng), rng.choice(("billion", "billion", "billion", "bn"))
    symbol = rng.choice(("$", "$", "$", "US$", "USD ", "US $"))
    return f"{symbol}{amount} {scale}"


def inr(rng: random.Random) -> str:
    symbol = rng.choice(("Rs ", "Rs ", "Rs. ", "₹", "INR "))
    if rng.random() < 0.2:
        return f"{symbol}{rng.uniform(1.0, 9.0):.1f} lakh crore"
    return f"{symbol}{rng.randrange(500, 99000, 500):,} crore"


def eur(rng: random.Random) -> str:
    form = rng.random()
    if form < 0.5:
        return f"€{rng.uniform(0.5, 12.0):.2f} billion"
    if form < 0.8:
        return f"EUR {rng.randrange(100, 950, 25)} million"
    return f"{rng.uniform(1.0, 9.0):.1f} billion euros"


def local(pair: Pair, rng: random.Random) -> str:
    return {"inr": inr, "eur": eur, "usd": usd}[pair.local_money](rng)


def money_range(pair: Pair, rng: random.Random) -> str:
    low = rng.randrange(2, 12)
    high = low + rng.randrange(1, 6)
    if pair.local_money == "inr" and rng.random() < 0.4:
        a = rng.randrange(10, 40) * 1000
        return f"Rs {a:,}-{a + rng.randrange(2, 10) * 1000:,} crore"
    return rng.choice((f"${low}-{high} billion", f"between ${low} billion and ${high} billion",
                       f"${low} billion to ${high} billion"))


def hedged(surface: str, rng: random.Random) -> str:
    if rng.random() < 0.45:
        return surface
    return rng.choice(("nearly", "about", "around", "roughly", "more than", "over", "close to", "just under",
                       "an estimated", "at least", "up to", "almost")) + " " + surface


def percent(rng: random.Random) -> str:
    value = f"{rng.uniform(0.5, 60.0):.1f}".removesuffix(".0")
    return value + rng.choice(("%", " per cent", " percent", "%"))


def crude(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f"{rng.randrange(150, 990, 10):,},000 barrels per day"
    return f"{rng.uniform(0.4, 2.2):.2f} million " + rng.choice(("barrels a day", "barrels per day", "bpd", "b/d"))


def gas(rng: random.Random) -> str:
    return rng.choice((f"{rng.randrange(5, 45)} bcm", f"{rng.uniform(5, 45):.1f} billion cubic metres"))


def count(rng: random.Random) -> str:
    n = rng.randrange(2, 80)
    return str(n) if rng.random() < 0.8 else _WORDS.get(n, str(n))


_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 8: "eight", 10: "ten", 12: "twelve", 26: "twenty-six",
          36: "thirty-six"}

# ------------------------------------------------------------------------------------------- periods


def fiscal_year(year: int, rng: random.Random) -> str:
    """An Indian fiscal year ending in March of `year + 1`."""
    short = f"{(year + 1) % 100:02d}"
    return rng.choice((f"in {year}-{short}", f"in FY{short}", f"in the financial year {year}-{short}",
                       f"in the year to March {year + 1}", f"in fiscal {year + 1}", f"during FY{year + 1}"))


def part_year(year: int, rng: random.Random) -> str:
    a = rng.randrange(0, 8)
    b = rng.randrange(a + 1, 12)
    return rng.choice((
        f"in {MONTHS[a]}-{MONTHS[b]} {year}", f"between {MONTHS[a]} and {MONTHS[b]} {year}",
        f"in the first half of {year}", f"in the {rng.choice(ORDINAL_MONTHS)} months of {year}",
        f"in {MONTHS[b]} {year}", f"in the quarter to {MONTHS[rng.choice((2, 5, 8, 11))]} {year}",
    ))


def period(year: int, rng: random.Random) -> str:
    form = rng.random()
    if form < 0.35:
        return fiscal_year(year - 1, rng)
    if form < 0.7:
        return part_year(year, rng)
    return rng.choice((f"in {year - 1}", "last year", f"in calendar {year - 1}", f"in {year - 2}"))


# ------------------------------------------------------------------------------------------- sentences
# Written for this corpus. Placeholders: {H} {P} home/partner names, {Hc} {Pc} capitals, {Ha} {Pa} adjectives.

FILLER = (
    "Officials on both sides described the talks as constructive and forward-looking.",
    "The ministry did not respond to a request for comment on the figures.",
    "Analysts said the shift reflected a broader realignment of energy flows across Asia.",
    "{Ha} diplomats have repeatedly stressed that the relationship does not target any other country.",
    "Business groups in {Hc} have long complained about delays in settling payments.",
    "The announcement came hours after the leaders met on the sidelines of a regional summit.",
    "Opposition politicians questioned whether the pricing terms had been negotiated well.",
    "A senior official, speaking on condition of anonymity, said more details would follow.",
    "{Pa} negotiators are expected in {Hc} next month for another round of discussions.",
    "Shipping costs and insurance premiums remain a concern for exporters on both sides.",
    "The partnership has weathered sanctions, currency swings and changes of government.",
    "Industry executives welcomed the move but said red tape still slows approvals.",
    "Payment in national currencies has been discussed for years without a lasting solution.",
    "Critics argue that the figures mask a widening imbalance in the relationship.",
    "The defence ministry said the schedule had been agreed with the manufacturer.",
    "Both governments are also exploring cooperation in space, shipping and fertilisers.",
    "The statement did not say how the purchase would be financed.",
    "Economists cautioned that commodity prices could swing the totals sharply.",
    "{P} remains an important supplier of spare parts for equipment already in service.",
    "Officials in {Pc} said they hoped to diversify the basket of goods traded.",
    "Refiners have been buying discounted cargoes whenever the price gap widens.",
    "It is the first visit in several years by a defence minister from {P}.",
    "Trade bodies have asked for faster customs clearance at major ports.",
    "The government has not published a breakdown by product category.",
    "Talks on a free trade agreement have moved slowly since they were relaunched.",
    "Delivery timelines slipped during the pandemic and again after the war in Ukraine began.",
    "A joint working group will review progress before the end of the year.",
    "The navy said crews had completed their training at the shipyard.",
    "Market participants said logistics rather than demand was the main constraint.",
    "{H} has sought to balance its ties with several major powers at once.",
    "Local manufacturers are expected to supply a growing share of the components.",
    "The ministry of commerce publishes provisional data with a lag of several weeks.",
    "Neither side commented on reports that the talks had stalled over pricing.",
    "The agreement also covers maintenance, training and the transfer of technology.",
    "Diplomats said the leaders spent most of the meeting on economic questions.",
    "The figures are provisional and may be revised when final data are released.",
    "Security analysts say the purchases reflect long-standing operational requirements.",
    "Exporters of pharmaceuticals and machinery say they are still finding their feet in the market.",
)

# Each template is (kinds it needs, text). Figures come in as {money}, {local}, {range}, {pct}, {crude}, {gas},
# {n}, {m}, {sys}, {noun}, {period}, {fy}, {part}, {year}, {target_year}.
FIGURE_TEMPLATES = (
    "Bilateral trade between {H} and {P} reached {money} {period}, according to official figures.",
    "{Ha} exports to {P} rose {pct} to {money} {period}, the commerce ministry said.",
    "Imports from {P} stood at {money} {fy}, up from {money2} a year earlier.",
    "Total trade came to {money} {part}, data released on {weekday} showed.",
    "{P} shipped {crude} of crude oil to {H} {part}, a cargo tracking firm estimated.",
    "Purchases of {Pa} oil averaged {crude} {part}, making it the largest supplier.",
    "Gas deliveries through the pipeline reached {gas} {period}, the operator said.",
    "The deal is worth {local}, or {money} at current exchange rates.",
    "The contract for {n} {sys} {noun} was signed in {Hc} and is valued at {local}.",
    "{P} has so far delivered {n} {sys} {noun}, with the rest due by {target_year}.",
    "The two remaining {sys} {noun} are scheduled for delivery in {target_year}.",
    "The defence ministry cleared the purchase of {n} {sys} {noun} at an estimated cost of {local}.",
    "An order for {n} {sys} {noun} is expected to be finalised {period_soon}.",
    "The cost of the programme is estimated at {range}, officials said.",
    "{P}'s share of {H}'s arms imports fell to {pct} {period}, a research institute reported.",
    "The leaders set a goal of {money} in annual trade by {target_year}.",
    "The trade deficit widened to {money} {fy} as energy imports surged.",
    "Officials said trade could grow by {pct} {period} if payment problems are resolved.",
    "Investment flows between the two countries are put at {range} over the past decade.",
    "Of the {m} {sys} {noun} ordered, {n} have been handed over to the armed forces.",
)
TITLE_TEMPLATES = (
    "{H}-{P} trade hits {money} {period}",
    "{P} delivers {sys} {noun} to {H} as trade grows",
    "{H} and {P} sign {local} defence deal",
    "{Pa} oil imports by {H} climb to record",
    "Trade talks: {H} and {P} eye {money} target",
    "{H} clears purchase of {sys} {noun}",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


class _Slots(dict):
    """Placeholder values for one sentence, each drawn only when the template asks for it (in text order)."""

    def __init__(self, pair: Pair, published: date, rng: random.Random) -> None:
        super().__init__(H=pair.home.name, P=pair.partner.name, Hc=pair.home.capital, Pc=pair.partner.capital,
                         Ha=pair.home.adjective, Pa=pair.partner.adjective)
        self.pair, self.year, self.rng = pair, published.year, rng

    def __missing__(self, key: str) -> str:
        rng, year, pair = self.rng, self.year, self.pair
        if key in ("sys", "noun"):
            self["sys"], self["noun"] = rng.choice(pair.systems)
            return self[key]
        value = {
            "money": lambda: hedged(usd(rng), rng), "money2": lambda: usd(rng),
            "local": lambda: hedged(local(pair, rng), rng), "range": lambda: money_range(pair, rng),
            "pct": lambda: hedged(percent(rng), rng), "crude": lambda: hedged(crude(rng), rng),
            "gas": lambda: hedged(gas(rng), rng), "n": lambda: count(rng), "m": lambda: str(rng.randrange(6, 80)),
            "period": lambda: period(year, rng), "fy": lambda: fiscal_year(year - 1, rng),
            "part": lambda: part_year(year, rng),
            "period_soon": lambda: rng.choice(("this year", "by the end of the year", f"in {year}", "next year")),
            "target_year": lambda: str(year + rng.randrange(1, 8)), "weekday": lambda: rng.choice(WEEKDAYS),
        }[key]()
        self[key] = value
        return value


def _fill(template: str, pair: Pair, published: date, rng: random.Random) -> str:
    text = template.format_map(_Slots(pair, published, rng))
    return text[0].upper() + text[1:]


def _figure_sentence(pair: Pair, published: date, rng: random.Random) -> str:
    while True:
        template = rng.choice(FIGURE_TEMPLATES)
        if pair.energy or not ("{crude}" in template or "{gas}" in template):
            return _fill(template, pair, published, rng)


def article(index: int, seed: int) -> tuple[str, str]:
    """The `index`-th article of the corpus for `seed`: (file name, Markdown text). Independent of the others."""
    rng = random.Random(f"figure-desk-corpus:{seed}:{index}")
    pair = rng.choice(PAIRS)
    published = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    title = _fill(rng.choice(TITLE_TEMPLATES), pair, published, rng).replace('"', "'")
    slug = f"{pair.home.name}-{pair.partner.name}".lower().replace("the ", "").replace(" ", "-")
    name = f"{published.isoformat()}-{slug}-{index:06d}.md"
    head = (f'---\ntitle: "{title}"\npublished: {published.isoformat()}\nsource: {rng.choice(OUTLETS)}\n'
            f"url: https://news.example.org/{published.year}/{slug}-{index:06d}\n---\n")
    target = rng.randrange(*ARTICLE_BYTES)
    lead = _figure_sentence(pair, published, rng)
    fillers: list[str] = []
    paragraphs = [f"{pair.home.dateline}, {MONTHS[published.month - 1]} {published.day} — {lead}"]
    size = len(head.encode()) + len(paragraphs[0].encode())
    while size < target:
        sentences = []
        for _ in range(rng.randrange(2, 5)):
            if rng.random() < FIGURE_SHARE:
                sentences.append(_figure_sentence(pair, published, rng))
            else:
                if not fillers:  # deal the filler sentences like cards, so none repeats back to back
                    fillers = rng.sample(FILLER, len(FILLER))
                sentences.append(_fill(fillers.pop(), pair, published, rng))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph.encode()) + 2
    return name, head + "\n\n".join(paragraphs) + "\n"


def generate(n_articles: int, seed: int = 1) -> list[tuple[str, str]]:
    """`n_articles` articles as (file name, text); the same seed always gives the same texts."""
    return [article(i, seed) for i in range(n_articles)]


def write(folder: str | Path, total_mb: float, seed: int = 1) -> list[Path]:
    """Write articles into `folder` until they add up to `total_mb` MB (10^6 bytes); returns their paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    written = 0
    index = 0
    while written < total_mb * 1e6:
        name, text = article(index, seed)
        data = text.encode("utf-8")
        path = out / name
        path.write_bytes(data)
        paths.append(path)
        written += len(data)
        index += 1
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    paths = write(args.folder, args.mb, args.seed)
    print(f"{len(paths)} articles, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB in {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
