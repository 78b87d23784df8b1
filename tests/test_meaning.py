"""What a figure means, decided with the whole story in view: case tables for each resolver of the document pass.

Each case is a short story written for the table (title line first, as a pasted article has it) and the fields
its facts must have, in text order. Known gaps are strict xfails with the reason: fixing one makes the suite
say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from extractors import extract_text
from tests.checks import assert_fields


@dataclass
class Case:
    text: str
    expect: list[dict] = field(default_factory=list)
    published: str = "2024-05-20"
    id: str = ""


def _check(case: Case) -> None:
    facts = extract_text(case.text, published=case.published)
    assert [f.surface for f in facts] == [e["surface"] for e in case.expect]
    for fact, expected in zip(facts, case.expect, strict=True):
        assert_fields(fact, expected, f" ({fact.surface})")


def _params(cases: list[Case]) -> list:
    return [pytest.param(c, id=c.id) for c in cases]


def fig(surface: str, **fields: object) -> dict:
    return {"surface": surface, **fields}


# --------------------------------------------------------------------------- periods: the story's timeline
TIMELINE = [
    Case("Trade surges in the first half\nExports to Russia rose to $4.2 billion.",
         [fig("$4.2 billion", period_start="2024-01-01", period_end="2024-06-30")], id="headline-period-holds"),
    Case("Trade in 2022-23\nIndia's imports from Russia were $46 billion. Exports to Russia were $3 billion.",
         [fig("$46 billion", period_label="FY2022-23"), fig("$3 billion", period_label="FY2022-23")],
         id="period-holds-until-another-is-named"),
    Case("Trade with Russia reached $65 billion in 2023-24. In 2021, trade had been $13 billion.",
         [fig("$65 billion", period_label="FY2023-24"), fig("$13 billion", period_label="2021")],
         id="a-new-period-takes-over"),
    Case("Exports rose 11% to $4.3 billion in 2023-24, compared with $3.9 billion in the previous fiscal.",
         [fig("11%", value=11.0, period_label="FY2023-24"), fig("$4.3 billion", period_label="FY2023-24"),
          fig("$3.9 billion", period_label="FY2022-23")], id="previous-fiscal-follows-the-one-named"),
    Case("Imports fell by 10.3% from the same period last year to $22 billion in the first half.",
         [fig("10.3%", value=-10.3, period_label="H1 2024"), fig("$22 billion", period_label="H1 2024")],
         id="base-of-comparison-is-not-the-figures-period"),
    Case("Imports from Russia were $30 billion in April-September of this fiscal.",
         [fig("$30 billion", period_start="2024-04-01", period_end="2024-09-30")], published="2024-10-15",
         id="month-span-of-this-fiscal"),
    Case("Bilateral trade with Russia is expected to reach $100 billion by 2030.",
         [fig("$100 billion", metric="target", period_start=None, period_end="2030-12-31")], id="target-deadline"),
    Case("Russian investment in India since 2001 is about $16 billion.",
         [fig("about $16 billion", period_start="2001-01-01", period_end=None)], id="since-a-year"),
    Case("Trade with Russia currently stands at $65 billion.", [fig("$65 billion", period_start=None)],
         id="a-present-state-has-no-period"),
    Case("India-China trade hits a record in 2022\nThat left India with a trade deficit of $101 billion, against "
         "$69 billion in 2021.", [fig("$101 billion", period_label="2022"), fig("$69 billion", period_label="2021")],
         published="2023-01-13", id="the-base-compared-against-keeps-its-period-to-itself"),
    Case("China-Russia trade hit a record last year\nThe figure was up 1.9 per cent from 2023, when trade jumped "
         "26.3 per cent to $240.1 billion.",
         [fig("1.9 per cent", period_label="2024"), fig("26.3 per cent", period_label="2023"),
          fig("$240.1 billion", period_label="2023")], published="2025-01-13",
         id="a-change-from-a-year-and-the-when-clause-after-it"),
    Case("Imports from Russia grew to $61.44 billion in the last fiscal.", [fig("$61.44 billion",
                                                                            period_label="FY2023-24")],
         published="2024-05-19", id="the-last-fiscal-is-the-one-before-publication"),
]


@pytest.mark.parametrize("case", _params(TIMELINE))
def test_timeline(case: Case) -> None:
    _check(case)


# --------------------------------------------------------------------------- deals and orders: the signing year
DEALS = [
    Case("India signs S-400 deal\nIndia on Friday signed a $5.43 billion contract with Russia for five S-400 "
         "squadrons.", [fig("$5.43 billion", metric="deal_value", item="S-400", period_label="2024"),
                        fig("five S-400 squadrons", status="ordered", period_label="2024")],
         published="2024-10-05", id="signed-on-a-weekday-takes-the-year"),
    Case("Poland signed a deal in September 2015 for 24 tanks.",
         [fig("24 tanks", status="ordered", period_start="2015-01-01", period_end="2015-12-31")],
         id="order-month-becomes-the-year"),
    Case("Russia handed over the first four jets in December 2016.",
         [fig("four jets", status="delivered", period_start="2016-12-01", period_end="2016-12-31")],
         id="delivery-keeps-its-month"),
    Case("India is buying 36 Rafale jets; 32 have been delivered so far.",
         [fig("36 Rafale jets", status="ordered", period_start=None),
          fig("32 have been delivered", status="delivered", period_start=None)], id="no-date-no-period"),
    Case("The contract signed in 2016 covered four frigates, and two were delivered in 2024.",
         [fig("four frigates", period_label="2016"), fig("two were delivered", period_label="2024")],
         id="signing-and-delivery-dates-kept-apart"),
    Case("Poland and Korea seal $1.6 billion rocket launcher deal\nThe contract covers 72 launchers.",
         [fig("$1.6 billion", metric="deal_value", period_label="2024"),
          fig("72 launchers", status="ordered", period_label="2024")],
         published="2024-04-26", id="a-headline-signing-is-the-days-news"),
    Case("India signed the S-400 deal in 2018: why it still matters\nThe contract covered five squadrons worth "
         "$5.43 billion.",
         [fig("five squadrons", item="S-400", period_label=None), fig("$5.43 billion", metric="deal_value",
                                                                        period_label=None)],
         published="2024-04-26", id="a-headline-naming-its-own-year-is-not-the-days-news"),
]


@pytest.mark.parametrize("case", _params(DEALS))
def test_deal_periods(case: Case) -> None:
    _check(case)


# --------------------------------------------------------------------------- items: the system named or referred to
ITEMS = [
    Case("India ordered five S-400 squadrons in 2018. Three squadrons have been delivered.",
         [fig("five S-400 squadrons", item="S-400", item_noun="squadron"),
          fig("Three squadrons", item="S-400", item_noun="squadron")], id="squadrons-refer-back"),
    Case("Russia will deliver the two remaining units of S-400 Triumf air defence systems.",
         [fig("two remaining units of S-400 Triumf", item="S-400", item_noun="unit", status="remaining")],
         id="units-of-a-system"),
    Case("The Navy will buy 12 Su-30MKIs and 21 MiG-29s.",
         [fig("12 Su-30MKIs", item="Su-30MKI"), fig("21 MiG-29s", item="MiG-29")], id="plural-designations"),
    Case("India has ordered 140 Ka-226Ts and 131 Barak missiles.",
         [fig("140 Ka-226Ts", item="Ka-226"), fig("131 Barak missiles", item="Barak-8")],
         id="listed-and-variant-designations"),
    Case("Poland will buy 48 FA-50 jets and a dozen K9 howitzers.",
         [fig("48 FA-50 jets", item="FA-50"), fig("a dozen K9 howitzers", item="K9")], id="designation-shapes"),
    Case("The air force received 240 precision guided bombs.",
         [fig("240 precision guided bombs", item="precision guided bomb", item_noun="bomb")],
         id="kind-words-kept-with-a-generic-noun"),
    Case("Nayara runs 3,500 fuel stations across India.",
         [fig("3,500 fuel stations", item="fuel station")], id="trade-things-are-counted-too"),
    Case("Egypt ordered 24 Rafale jets in 2015 and another 30 in 2021.",
         [fig("24 Rafale jets", item="Rafale"), fig("30", item="Rafale", status="ordered", period_label="2021")],
         id="another-n-takes-the-item-before"),
    Case("China's Type 99 main battle tank and the Arrow 3 missile defence system.", [],
         id="numbers-inside-names-are-not-counts"),
    Case("The 60 AGM-84L-1 Harpoon Block II missiles cost $355 million.",
         [fig("60 AGM-84L-1 Harpoon Block II missiles", item="Harpoon"), fig("$355 million")],
         id="a-count-after-a-capitalised-word-is-still-a-count"),
    Case("The shipyard can build 11 submarines at the same time.", [], id="a-capacity-is-not-a-figure"),
    Case("The two countries held talks on a two-day visit.", [], id="two-countries-not-a-count"),
]


@pytest.mark.parametrize("case", _params(ITEMS))
def test_items(case: Case) -> None:
    _check(case)


# --------------------------------------------------------------------------- status from the verb and its tense
STATUS = [
    Case("India signed a contract for 26 jets.", [fig("26 jets", status="ordered")], id="signed-contract-for"),
    Case("The ministry approved the purchase of 26 jets.", [fig("26 jets", status="planned")], id="approved"),
    Case("Russia delivered 10 jets in 2017.", [fig("10 jets", status="delivered")], id="delivered"),
    Case("Ten jets will be delivered next year.", [fig("Ten jets", status="planned")], id="future-delivery"),
    Case("Poland ordered 180 K2 tanks. The remaining 47 will be delivered later this year.",
         [fig("180 K2 tanks", status="ordered"), fig("47 will be delivered", status="remaining", item="K2")],
         id="the-remaining-n"),
    Case("Thirty-eight tanks are due in 2025.", [fig("Thirty-eight tanks", status="remaining")], id="due"),
    Case("Two frigates are under construction at Goa.", [fig("Two frigates", status="under_construction")],
         id="under-construction"),
    Case("Poland signed an agreement to produce 48 launchers.", [fig("48 launchers", status="ordered")],
         id="building-under-a-contract-is-an-order"),
    Case("The air force operates a fleet of 272 jets.", [fig("272 jets", status="in_service")], id="in-service"),
    Case("India plans to buy 114 fighter jets.", [fig("114 fighter jets", status="planned")], id="plans-to-buy"),
    Case("Taiwan may buy $1.1 billion of weapons, among them 60 anti-ship missiles.",
         [fig("$1.1 billion"), fig("60 anti-ship missiles", status="planned")], id="a-listed-part-shares-the-cue"),
    Case("India signed a $5.43-billion deal (about Rs 40,000 crore) with Russia for five S-400 squadrons.",
         [fig("$5.43-billion"), fig("about Rs 40,000 crore"), fig("five S-400 squadrons", status="ordered")],
         id="a-bracketed-figure-claims-no-cue-outside-its-brackets"),
    Case("India weighs three more submarines that would be built by Mazagon Dock.",
         [fig("three more submarines", status="planned")], id="to-be-built-is-planned"),
]


@pytest.mark.parametrize("case", _params(STATUS))
def test_status(case: Case) -> None:
    _check(case)


# --------------------------------------------------------------------------- metric: the figure's own clause first
METRICS = [
    Case("Exports to the US grew 11.6 per cent to $86.51 billion and imports from the US rose 7.44 per cent to "
         "$45.33 billion.",
         [fig("11.6 per cent", metric="other", value=11.6), fig("$86.51 billion", metric="exports"),
          fig("7.44 per cent", metric="other", value=7.44), fig("$45.33 billion", metric="imports")],
         id="each-clause-its-own-metric"),
    Case("India's exports to Russia were $4 billion, while imports fell 21 per cent to $61 billion.",
         [fig("$4 billion", metric="exports"), fig("21 per cent", value=-21.0),
          fig("$61 billion", metric="imports")], id="while-and-a-falling-change"),
    Case("The deficit in goods trade with China narrowed to $34.5 billion.", [fig("$34.5 billion", metric="other")],
         id="a-balance-is-other"),
    Case("Russia's share of India's arms imports was 36 per cent.", [fig("36 per cent", metric="arms_import_share")],
         id="a-share-measures-what-it-is-a-share-of"),
    Case("China imported 2.3mn b/d of crude from Russia.", [fig("2.3mn b/d", metric="energy_imports")],
         id="crude-imports-are-energy"),
    Case("India signed a $400 million deal with Israel.", [fig("$400 million", metric="deal_value")],
         id="the-noun-after-the-figure"),
    Case("Washington approved a $1.1 billion arms package for Taiwan.", [fig("$1.1 billion", metric="deal_value")],
         id="an-arms-package-is-a-deal"),
    Case("India was the second-largest arms importer, accounting for 8.3 percent of global imports.",
         [fig("8.3 percent", metric="arms_import_share")], id="a-share-of-imports-in-an-arms-sentence"),
    Case("The missiles can be used against surface targets, $85.6 million of the deal.",
         [fig("$85.6 million", metric="deal_value")], id="targets-a-missile-hits-are-not-a-goal"),
]


@pytest.mark.parametrize("case", _params(METRICS))
def test_metrics(case: Case) -> None:
    _check(case)


# --------------------------------------------------------------------------- parties: from the document, never a default
PARTIES = [
    Case("India-US trade ties deepen\nBilateral trade reached $190 billion.",
         [fig("$190 billion", parties=["India", "United States"])], id="pair-from-the-story-not-a-default"),
    Case("India-Russia oil trade\nIraq supplied 1 million bpd, and its share was 18%.",
         [fig("1 million bpd", parties=["India", "Iraq"]), fig("18%", parties=["India", "Iraq"])],
         id="a-third-country-with-the-one-it-trades-with"),
    Case("Australia's iron ore exports hit a record $149 billion.", [fig("$149 billion", parties=["Australia"])],
         id="one-country-alone"),
    Case("Russia's exports to India rose to $61 billion.",
         [fig("$61 billion", metric="exports", parties=["Russia", "India"])], id="exporter-first"),
    Case("The Indian Air Force ordered 97 Tejas fighters.",
         [fig("97 Tejas fighters", parties=["India"], supplier="India", recipient="India")], id="a-domestic-order"),
    Case("Germany, together with Denmark and the Netherlands, will supply Ukraine with 77 tanks.",
         [fig("77 tanks", parties=["Ukraine", "Germany", "Denmark", "Netherlands"])], id="co-suppliers-named-together"),
]


@pytest.mark.parametrize("case", _params(PARTIES))
def test_parties(case: Case) -> None:
    _check(case)


# --------------------------------------------------------------------------- known gaps
KNOWN_GAPS = [
    (Case("Trade in goods grew from USD 13 billion in 2021 to USD 68 billion in 2024-25. The imbalance rose "
          "from USD 6.6 billion to USD 58.9 billion.",
          [fig("USD 13 billion"), fig("USD 68 billion"), fig("USD 6.6 billion", period_label="2021"),
           fig("USD 58.9 billion", period_label="FY2024-25")], id="parallel-from-to-periods"),
     "a second 'from X to Y' does not borrow the periods of the first one in parallel"),
    (Case("The first of three Arrow 3 systems is delivered once the deal signed on Thursday takes effect.",
          [fig("three Arrow 3 systems", status="ordered")], published="2023-09-28", id="subset-of-an-order"),
     "the status of a count is taken from the nearest verb, even when the verb is about a part of it"),
]


@pytest.mark.parametrize(("case", "reason"), [pytest.param(c, r, id=c.id, marks=pytest.mark.xfail(strict=True,
                                                                                                   reason=r))
                                              for c, r in KNOWN_GAPS])
def test_known_gaps(case: Case, reason: str) -> None:
    _check(case)
