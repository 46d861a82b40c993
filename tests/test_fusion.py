"""Fusion: how per-article mentions become incidents, and what an incident keeps of its sources.

Each article's account of an attack is a Mention; fusion (incidentwatch.fuse) clusters the
mentions of one real event, merges their fields into an Incident and links the sites of one
coordinated attack into an event group.  What this module shows:

1. Arrival order does not matter: the same mentions in any order give the same incidents,
   with the same ids and the same fields.
2. A coordinated attack in two towns is two incidents sharing a ``group_id``, each listing the
   other in ``linked``; unrelated attacks on the same day are not linked.
3. An article that only recalls an attack ("the Crocus City Hall attack in March") joins that
   incident as a ``reference`` source instead of becoming an incident of its own.
4. Conflicting tolls are all kept (``values``, ``conflicts``, min/max); the one shown follows the
   policy in data/fusion.toml, which a TOML file of one's own can override.
5. A report that contradicts the others (a date months away, a toll ten times theirs) is
   flagged with what it says and what the others agree on, and counts for less.

Part A builds Mention records directly and calls the pure functions (no NLP, no database).
Part B writes short reports, ingests them with api.ingest into SQLite and reads the result
back through the API and the CLI.  Every report here was written for these tests: the places
are real, the reports and their figures invented.
"""
from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from incidentwatch import api
from incidentwatch.fuse import cluster, fuse
from incidentwatch.fuse.cluster import places_agree
from incidentwatch.fuse.merge import default_policy, merge
from incidentwatch.model import Claim, Figure, Mention
from incidentwatch.store import Store

IS = "Islamic State"
IS_CAUCASUS = "Islamic State – Caucasus Province"
IS_KHORASAN = "Islamic State – Khorasan Province"
SHABAAB = "al-Shabaab"

# (country, admin1, lat, lon) as the gazetteer gives them
PLACES = {
    "Derbent": ("Russia", "Dagestan", 42.06622, 48.28759),
    "Makhachkala": ("Russia", "Dagestan", 42.97782, 47.50027),
    "Krasnogorsk": ("Russia", "Moskovskaya", 55.81904, 37.32984),
    "Moscow": ("Russia", "Moscow", 55.75204, 37.61781),
    "Kabul": ("Afghanistan", "Kabul", 34.52813, 69.17233),
    "Mogadishu": ("Somalia", "Banaadir", 2.03711, 45.34375),
}

CROCUS_DAY = dt.date(2024, 3, 22)  # a Friday
DAGESTAN_DAY = dt.date(2024, 6, 23)  # a Sunday


# --- part A: mentions built by hand --------------------------------------------------------------------------

def report(article_id: str, city: str | None, date: dt.date | None, *, killed: int | None = None,
           official: bool = False, claimed: str | None = None, n: int = 0, role: str = "reported",
           precision: str = "day", published: dt.date | None = None, **fields) -> Mention:
    """One article's account of one attack, as the extractor would record it.

    `city` fills country, region and coordinates from PLACES; `official` says the toll is
    given on an official's word; `claimed` adds a claim of responsibility by that group."""
    country, admin1, lat, lon = PLACES[city] if city else (fields.pop("country", None), None, None, None)
    m = Mention(id=f"{article_id}#{n}", article_id=article_id, role=role, date=date,
                date_precision=precision if date else None, country=country, admin1=admin1, city=city,
                lat=lat, lon=lon, published=published or (date + dt.timedelta(days=1) if date else None),
                url=f"https://news.example.org/{article_id}", **fields)
    if killed is not None:
        m.killed = Figure(best=killed)
        m.figures = [{"kind": "killed", "best": killed, "official": official}]
    if claimed:
        m.claims = [Claim(actor=claimed, status="claimed")]
        m.perpetrators = [claimed]
    return m


def by_mentions(incidents) -> dict[tuple[str, ...], object]:
    """Incidents keyed by the ids of the mentions they hold."""
    return {tuple(sorted(i.mention_ids)): i for i in incidents}


def snapshot(incidents) -> list[tuple[str, dict, list[str]]]:
    """Everything an incident records (its export record and its mentions), in id order."""
    return sorted((i.id, i.to_dict(), sorted(i.mention_ids)) for i in incidents)


# 1. order ------------------------------------------------------------------------------------------------------

CROCUS = {"attack_types": ["Armed Assault"], "target_types": ["Business"], "keywords": ["Crocus City Hall"]}

THREE_INCIDENTS = [
    # a concert hall on the edge of Moscow: early and later tolls, one report naming the city, not the town
    report("crocus-wire", "Krasnogorsk", CROCUS_DAY, killed=40, claimed=IS_KHORASAN, published=CROCUS_DAY, **CROCUS),
    report("crocus-morning", "Krasnogorsk", CROCUS_DAY, killed=115, official=True, **CROCUS),
    report("crocus-weekend", "Moscow", CROCUS_DAY, killed=133, official=True, claimed=IS,
           published=CROCUS_DAY + dt.timedelta(days=2), **CROCUS),
    # an article a month later that recalls it
    report("crocus-month-on", None, dt.date(2024, 3, 1), role="background", precision="month",
           date_end=dt.date(2024, 3, 31), country="Russia", keywords=["Crocus City Hall"],
           published=dt.date(2024, 4, 22)),
    # a mosque bombing in Kabul the same day
    report("kabul-desk", "Kabul", CROCUS_DAY, killed=12, attack_types=["Bombing/Explosion"], claimed=IS_KHORASAN),
    report("kabul-radio", "Kabul", CROCUS_DAY, killed=14, attack_types=["Bombing/Explosion"]),
    # a hotel siege in Mogadishu the week before
    report("mogadishu-a", "Mogadishu", dt.date(2024, 3, 14), killed=3, claimed=SHABAAB, attack_types=["Armed Assault"]),
    report("mogadishu-b", "Mogadishu", dt.date(2024, 3, 15), killed=5, attack_types=["Armed Assault"]),
]


def orders(items: list, count: int = 8) -> list[list]:
    """The items as given, reversed, and shuffled a few times (seeded: the same orders every run)."""
    rng = random.Random(2024)
    return [list(items), list(reversed(items))] + [rng.sample(items, len(items)) for _ in range(count)]


def test_the_mentions_of_three_attacks_make_three_incidents():
    incidents = by_mentions(fuse(THREE_INCIDENTS))
    assert sorted(incidents) == [
        ("crocus-month-on#0", "crocus-morning#0", "crocus-weekend#0", "crocus-wire#0"),
        ("kabul-desk#0", "kabul-radio#0"),
        ("mogadishu-a#0", "mogadishu-b#0"),
    ]
    crocus = incidents[("crocus-month-on#0", "crocus-morning#0", "crocus-weekend#0", "crocus-wire#0")]
    assert (crocus.date, crocus.city, crocus.country) == (CROCUS_DAY, "Krasnogorsk", "Russia"), \
        "the most specific of the nearby towns the reports name"


@pytest.mark.parametrize("order", [pytest.param(o, id=f"order-{n}") for n, o in enumerate(orders(THREE_INCIDENTS))])
def test_arrival_order_does_not_change_the_incidents(order):
    assert snapshot(fuse(order)) == snapshot(fuse(THREE_INCIDENTS))


def test_arrival_order_does_not_change_the_clusters_or_a_merge():
    def ids(groups):
        return [[m.id for m in g] for g in groups]

    expected = ids(cluster(THREE_INCIDENTS))
    for order in orders(THREE_INCIDENTS):
        assert ids(cluster(order)) == expected
    crocus = [m for m in THREE_INCIDENTS if m.article_id.startswith("crocus")]
    merged = [merge(order).to_dict() for order in orders(crocus)]
    assert all(d == merged[0] for d in merged)


def test_an_incident_id_is_stable_whatever_joins_later():
    """The id comes from the mentions, not from when they arrived: re-fusing with one more report keeps it
    as long as the new report's mention id does not sort first."""
    kabul = [m for m in THREE_INCIDENTS if m.article_id.startswith("kabul")]
    [before] = fuse(kabul)
    [after] = fuse(kabul + [report("kabul-tv", "Kabul", CROCUS_DAY, killed=14, attack_types=["Bombing/Explosion"])])
    assert after.id == before.id
    assert len(after.sources) == 3


# 2. coordinated attacks ------------------------------------------------------------------------------------------

def _two_sites(how: str) -> list[Mention]:
    """A Sunday evening in Dagestan: gunmen at a synagogue in Derbent and a police post in Makhachkala,
    each told by two reports, and related in the way `how` names."""
    shooting = {"attack_types": ["Armed Assault"]}
    if how == "one article reports both":
        return [report("dagestan-roundup", "Derbent", DAGESTAN_DAY, killed=6, n=0, **shooting),
                report("dagestan-roundup", "Makhachkala", DAGESTAN_DAY, killed=9, n=1, **shooting),
                report("derbent-local", "Derbent", DAGESTAN_DAY, killed=6, **shooting),
                report("makhachkala-local", "Makhachkala", DAGESTAN_DAY, killed=9, **shooting)]
    if how == "same group named for both":
        return [report("derbent-a", "Derbent", DAGESTAN_DAY, killed=6, claimed=IS_CAUCASUS, **shooting),
                report("derbent-b", "Derbent", DAGESTAN_DAY, killed=7, **shooting),
                report("makhachkala-a", "Makhachkala", DAGESTAN_DAY, killed=9, claimed=IS, **shooting),
                report("makhachkala-b", "Makhachkala", DAGESTAN_DAY, killed=10, **shooting)]
    assert how == "reports call them coordinated"
    return [report("derbent-a", "Derbent", DAGESTAN_DAY, killed=6, coordinated=True, **shooting),
            report("derbent-b", "Derbent", DAGESTAN_DAY, killed=7, **shooting),
            report("makhachkala-a", "Makhachkala", DAGESTAN_DAY, killed=9, **shooting),
            report("makhachkala-b", "Makhachkala", DAGESTAN_DAY, killed=10, coordinated=True, **shooting)]


@pytest.mark.parametrize("how", ["one article reports both", "same group named for both",
                                 "reports call them coordinated"])
def test_a_coordinated_attack_is_one_incident_per_site_linked_by_a_group(how):
    incidents = fuse(_two_sites(how))
    assert sorted(i.city for i in incidents) == ["Derbent", "Makhachkala"], \
        "one incident per town: neither one merged incident nor a duplicate per report"
    derbent, makhachkala = sorted(incidents, key=lambda i: i.city)
    assert derbent.group_id is not None and derbent.group_id == makhachkala.group_id
    assert derbent.linked == [{"id": makhachkala.id, "date": "2024-06-23", "city": "Makhachkala",
                               "admin1": "Dagestan"}]
    assert makhachkala.linked == [{"id": derbent.id, "date": "2024-06-23", "city": "Derbent", "admin1": "Dagestan"}]
    assert (derbent.killed.min, derbent.killed.max) in ((6, 6), (6, 7)), "each site keeps its own toll"
    assert (makhachkala.killed.min, makhachkala.killed.max) in ((9, 9), (9, 10))


@pytest.mark.parametrize("mentions", [
    pytest.param([report("kabul-desk", "Kabul", CROCUS_DAY, killed=12, claimed=IS_KHORASAN, coordinated=True),
                  report("kabul-radio", "Kabul", CROCUS_DAY, killed=14),
                  report("mogadishu-a", "Mogadishu", CROCUS_DAY, killed=3, claimed=IS, coordinated=True),
                  report("mogadishu-b", "Mogadishu", CROCUS_DAY, killed=4)],
                 id="different countries, even with one family and 'coordinated'"),
    pytest.param([report("derbent-a", "Derbent", DAGESTAN_DAY, killed=6, claimed=IS_CAUCASUS),
                  report("derbent-b", "Derbent", DAGESTAN_DAY, killed=7),
                  report("krasnogorsk-a", "Krasnogorsk", DAGESTAN_DAY, killed=2, claimed=SHABAAB),
                  report("krasnogorsk-b", "Krasnogorsk", DAGESTAN_DAY, killed=2)],
                 id="one country, 1,600 km apart, different groups"),
])
def test_unrelated_attacks_on_the_same_day_are_not_linked(mentions):
    incidents = fuse(mentions)
    assert len(incidents) == 2
    assert [(i.group_id, i.linked) for i in incidents] == [(None, []), (None, [])]


# 3. an attack recalled -------------------------------------------------------------------------------------------

CROCUS_REPORTS = [
    report("crocus-wire", "Krasnogorsk", CROCUS_DAY, killed=40, **CROCUS),
    report("crocus-morning", "Krasnogorsk", CROCUS_DAY, killed=115, official=True, **CROCUS),
]


def recalled(**fields) -> Mention:
    """A later article's aside: "the attack on a concert hall in March", dated to the month only."""
    return report("exhibition-reopens", fields.pop("city", None), dt.date(2024, 3, 1), role="background",
                  precision="month", date_end=dt.date(2024, 3, 31), published=dt.date(2024, 9, 2), killed=145, **fields)


@pytest.mark.parametrize("background", [
    pytest.param(recalled(keywords=["Crocus City Hall"], country="Russia"), id="the venue's name"),
    pytest.param(recalled(keywords=["Crocus City Hall"]), id="the venue's name, no country"),
    pytest.param(recalled(city="Moscow"), id="a town beside the incident's"),
])
def test_an_article_recalling_an_attack_joins_it_as_a_reference(background):
    [incident] = fuse(CROCUS_REPORTS + [background])
    assert background.id in incident.mention_ids
    assert [(s.article_id, s.role) for s in incident.sources] == [
        ("crocus-morning", "reported"), ("crocus-wire", "reported"), ("exhibition-reopens", "reference")]
    assert (incident.date, incident.date_precision, incident.city) == (CROCUS_DAY, "day", "Krasnogorsk"), \
        "a month-precise recollection does not blur the date or move the place"
    assert incident.killed.best == 115, "a recalled toll is kept in values but is no report of this attack"
    assert {"value": 145, "article_id": "exhibition-reopens", "role": "background",
            "published": "2024-09-02"} in incident.values["killed"]


def test_the_venue_name_picks_the_recalled_attack_among_others_that_month():
    """Another attack in Russia the same month: the venue's name still says which one is recalled."""
    derbent = [report("derbent-march-a", "Derbent", dt.date(2024, 3, 10), killed=2),
               report("derbent-march-b", "Derbent", dt.date(2024, 3, 10), killed=2)]
    background = recalled(keywords=["Crocus City Hall"], country="Russia")
    incidents = by_mentions(fuse(CROCUS_REPORTS + derbent + [background]))
    assert sorted(incidents) == [("crocus-morning#0", "crocus-wire#0", "exhibition-reopens#0"),
                                 ("derbent-march-a#0", "derbent-march-b#0")]



def test_a_recalled_attack_no_report_tells_is_background_only():
    """An aside about an attack no stored report tells as news stays an incident, so that a later report can
    join it, but it is marked background_only: lists and exports leave it out unless asked."""
    [alone] = fuse([recalled(city="Derbent")])
    assert alone.background_only and alone.to_dict()["background_only"] is True
    [told] = fuse(CROCUS_REPORTS + [recalled(keywords=["Crocus City Hall"])])
    assert not told.background_only, "one report telling it as news is enough"


# 4. conflicting figures ------------------------------------------------------------------------------------------

def four_tolls(officials: set[int]) -> list[Mention]:
    """Four reports of one bombing in Kabul, killed 9, 15, 19 and 22, published a day apart; the tolls in
    `officials` are given on an official's word."""
    return [report(f"kabul-{k}", "Kabul", CROCUS_DAY, killed=k, official=k in officials,
                   attack_types=["Bombing/Explosion"], published=CROCUS_DAY + dt.timedelta(days=d))
            for d, k in enumerate((9, 15, 19, 22))]


def test_every_toll_is_kept_and_min_max_span_them():
    [incident] = fuse(four_tolls(officials={15, 19}))
    assert sorted(v["value"] for v in incident.values["killed"]) == [9, 15, 19, 22]
    assert sorted((c["value"], c["article_id"]) for c in incident.conflicts["killed"]) == [
        (9, "kabul-9"), (15, "kabul-15"), (19, "kabul-19"), (22, "kabul-22")]
    assert (incident.killed.min, incident.killed.max) == (9, 22)
    assert incident.flags == [], "tolls that rose over a few days contradict nobody"


@pytest.mark.parametrize("officials, extra, best, why", [
    ({15, 19}, [], 19, "the highest toll an official gives (22 has no official and no second source)"),
    (set(), [], 22, "no toll is supported: the highest of any consistent source"),
    (set(), [21], 22, "21 and 22 agree within 10%: two sources give it"),
    ({9}, [], 9, "an official's early toll beats higher unsupported ones"),
])
def test_the_toll_shown_follows_the_stated_policy(officials, extra, best, why):
    assert default_policy()["casualties"]["rule"] == "highest_supported"
    mentions = four_tolls(officials) + [report(f"kabul-late-{k}", "Kabul", CROCUS_DAY, killed=k,
                                               attack_types=["Bombing/Explosion"]) for k in extra]
    [incident] = fuse(mentions)
    assert incident.killed.best == best, why


def test_a_policy_file_of_ones_own_changes_the_toll_shown(tmp_path):
    path = tmp_path / "desk-policy.toml"
    path.write_text('[casualties]\nrule = "median"\n', encoding="utf-8")
    policy = api.load_policy(path)
    assert policy["casualties"] == {"rule": "median", "agree_within": 0.10}, "unnamed keys keep their defaults"
    assert policy["consistency"] == default_policy()["consistency"], "unnamed sections keep theirs"

    mentions = four_tolls(officials={15, 19})
    [by_default] = fuse(mentions)
    [by_median] = fuse(mentions, policy)
    assert (by_default.killed.best, by_median.killed.best) == (19, 17)
    assert (by_median.killed.min, by_median.killed.max) == (9, 22)
    assert by_median.values == by_default.values, "the policy picks a value; it keeps the same values"


# 4b. a town the gazetteer lacks -------------------------------------------------------------------------------

def unlisted(article_id: str, city: str, admin1: str, **fields) -> Mention:
    """A report of a village in Dagestan that the gazetteer does not know: its name, no coordinates."""
    return Mention(id=f"{article_id}#0", article_id=article_id, date=DAGESTAN_DAY, date_precision="day",
                   country="Russia", admin1=admin1, city=city, published=DAGESTAN_DAY + dt.timedelta(days=1),
                   **fields)


def test_a_village_without_coordinates_joins_the_reports_of_its_region_and_its_own_name():
    village = unlisted("village-a", "Tsumada-Urukh", "Dagestan", attack_types=["Armed Assault"])
    assert places_agree(village, unlisted("village-b", "Tsumada-Urukh", "Dagestan"))
    assert places_agree(village, report("derbent", "Derbent", DAGESTAN_DAY)), \
        "how far it lies from Derbent is unknown; the region is the same"
    # the counter-example: a town of another region is another place
    assert not places_agree(village, report("moscow", "Moscow", DAGESTAN_DAY))


def test_two_attacks_one_article_tells_apart_stay_apart():
    # a roundup: the extractor made two reported mentions of one article, the same day in one region
    a = report("roundup", "Derbent", DAGESTAN_DAY, killed=2, n=0, attack_types=["Armed Assault"])
    b = report("roundup", "Makhachkala", DAGESTAN_DAY, killed=2, n=1, attack_types=["Armed Assault"])
    assert len(fuse([a, b])) == 2
    # the counter-example: the same two mentions from two articles are one attack's reports
    c = report("other-outlet", "Derbent", DAGESTAN_DAY, killed=2, attack_types=["Armed Assault"])
    assert len(fuse([a, c])) == 1


# 5. a report that contradicts the others ---------------------------------------------------------------------

SYNAGOGUE = {"attack_types": ["Armed Assault"], "target_types": ["Religious Figures/Institutions"]}
MARCH_HEADLINE = "Derbent buries its dead after the March 11 attacks in Derbent"


def derbent_reports(**fields) -> list[Mention]:
    """Three reports date the synagogue attack Sunday, June 23, 2024, and give six, six and eight dead."""
    return [report("derbent-wire", "Derbent", DAGESTAN_DAY, killed=6, **SYNAGOGUE, **fields),
            report("derbent-daily", "Derbent", DAGESTAN_DAY, killed=6, official=True, **SYNAGOGUE, **fields),
            report("derbent-radio", "Derbent", DAGESTAN_DAY, killed=8, **SYNAGOGUE, **fields)]


@pytest.mark.parametrize("resolved", ["2024-03-11", None], ids=["year resolved", "year unknown"])
def test_a_report_that_gets_the_month_wrong_is_flagged_and_counts_for_less(resolved):
    # the body says "on Sunday", but the headline ties the attack to March 11, as the extractor records it
    wrong = report("derbent-funerals", "Derbent", DAGESTAN_DAY, killed=6, published=dt.date(2024, 6, 26),
                   date_refs=[{"text": "March 11", "start": 34, "end": 42, "date": resolved, "month": 3, "day": 11,
                               "sentence": MARCH_HEADLINE}], **SYNAGOGUE)
    [incident] = fuse(derbent_reports() + [wrong])
    assert incident.flags == [{"field": "date", "says": "March 11", "consensus": "2024-06-23",
                               "text": MARCH_HEADLINE, "article_id": "derbent-funerals"}]
    weights = {s.article_id: s.weight for s in incident.sources}
    assert weights["derbent-funerals"] < 1
    assert [w for a, w in weights.items() if a != "derbent-funerals"] == [1.0, 1.0, 1.0]
    assert incident.date == DAGESTAN_DAY


@pytest.mark.parametrize("venue", [
    pytest.param({"keywords": ["Kele-Numaz synagogue"]}, id="all name the venue"),
    pytest.param({}, id="no venue named"),
])
def test_a_toll_ten_times_the_others_is_flagged_and_not_shown(venue):
    inflated = report("derbent-blog", "Derbent", DAGESTAN_DAY, killed=70, **SYNAGOGUE, **venue)
    incidents = fuse(derbent_reports(**venue) + [inflated])
    assert len(incidents) == 1, "same town, same day, same kind of attack: one incident despite the toll"
    [incident] = incidents
    assert incident.flags == [{"field": "killed", "says": 70, "consensus": 6, "article_id": "derbent-blog"}]
    assert {s.article_id: s.weight for s in incident.sources}["derbent-blog"] < 1
    assert incident.killed.best == 6, "chosen among the consistent reports: 6 is official and given twice"
    assert incident.killed.max == 70, "the flagged figure is still on record"


# --- part B: written reports, through api.ingest and the CLI ---------------------------------------------------

# Sunday, June 23, 2024, in Dagestan: gunmen at a synagogue and a church in Derbent and at a police post in
# Makhachkala the same evening.  Three reports of Derbent (one of them headlined with the wrong month), one of
# Makhachkala, and an unrelated car bomb in Mogadishu the same day.
DESK = [
    {"id": "caspian-derbent-synagogue", "published": "2024-06-24",
     "url": "https://caspian-courier.example.org/2024/06/24/derbent-synagogue",
     "title": "Gunmen kill six in attack on synagogue and church in Derbent",
     "text": "Gunmen kill six in attack on synagogue and church in Derbent\n\n"
             "DERBENT, June 24, 2024 — Gunmen opened fire on a synagogue and an Orthodox church in Derbent, "
             "Dagestan, on Sunday evening, June 23, 2024, killing six people, including a priest, the regional "
             "interior ministry said.\n"
             "The synagogue was set on fire during the attack. The Islamic State's Caucasus province claimed "
             "responsibility for the attack on Telegram."},
    {"id": "steppe-makhachkala-post", "published": "2024-06-24",
     "url": "https://steppe-wire.example.org/news/makhachkala-police-post",
     "title": "Police officers killed in Makhachkala shooting",
     "text": "Police officers killed in Makhachkala shooting\n\n"
             "MAKHACHKALA, June 24, 2024 — Gunmen attacked a traffic police post in Makhachkala, Dagestan, on "
             "Sunday evening, killing nine police officers, officials said, in what the regional governor called "
             "coordinated attacks.\n"
             "Vilayat Kavkaz claimed responsibility for the shooting."},
    {"id": "caspian-derbent-toll", "published": "2024-06-25",
     "url": "https://caspian-courier.example.org/2024/06/25/derbent-toll-rises",
     "title": "Derbent synagogue attack toll rises to seven",
     "text": "Derbent synagogue attack toll rises to seven\n\n"
             "DERBENT, June 25, 2024 — The number of people killed when gunmen stormed a synagogue and a church in "
             "Derbent, Dagestan, on Sunday has risen to seven, officials said on Tuesday.\n"
             "The Islamic State's Caucasus province claimed the attack."},
    {"id": "mountain-derbent-mourns", "published": "2024-06-25",
     "url": "https://mountain-post.example.org/derbent-mourns",
     "title": "Derbent mourns after the March 11 attacks in Derbent",
     "text": "Derbent mourns after the March 11 attacks in Derbent\n\n"
             "Gunmen who attacked a synagogue and a church in Derbent, Dagestan, on Sunday killed six people, "
             "officials said. Funerals were held on Tuesday."},
]
MOGADISHU_TEXT = """\
Car bomb kills five at Mogadishu hotel

MOGADISHU, June 24, 2024 — A car bomb exploded at the gate of a hotel in Mogadishu, Somalia, on Sunday, \
June 23, 2024, killing five people, police said.
Al-Shabaab claimed responsibility for the bombing.
"""
WRONG_MONTH = "mountain-derbent-mourns"


def write_desk(root) -> list:
    """Each report in a file of its own (JSON Lines, the Mogadishu one as plain text), in DESK order."""
    root.mkdir(parents=True, exist_ok=True)
    files = []
    for a in DESK:
        path = root / f"{a['id']}.jsonl"
        path.write_text(json.dumps(a) + "\n", encoding="utf-8")
        files.append(path)
    path = root / "horn-mogadishu-hotel.txt"
    path.write_text(MOGADISHU_TEXT, encoding="utf-8")
    return files + [path]


def all_records(db) -> list[dict]:
    return sorted(api.incidents(db), key=lambda r: r["id"])


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The reports ingested at once, in order, into a database of this module's own."""
    root = tmp_path_factory.mktemp("fusion")
    files = write_desk(root / "reports")
    db = f"sqlite:///{root / 'desk.db'}"
    store = Store(db)
    result = api.ingest(files, db=store)
    assert (result.ingested, result.rejected) == (5, [])
    yield files, store, all_records(store)
    store.close()


@pytest.fixture(scope="module")
def records(desk) -> dict[str, dict]:
    """The desk's incidents keyed by town."""
    _, _, found = desk
    by_city = {r["city"]: r for r in found}
    assert len(by_city) == len(found)
    return by_city


def reported_by(record: dict) -> list[str]:
    return sorted(s["article_id"] for s in record["sources"] if s["role"] == "reported")


def test_the_reports_make_one_incident_per_attack_site(records):
    assert sorted(records) == ["Derbent", "Makhachkala", "Mogadishu"]
    assert reported_by(records["Derbent"]) == ["caspian-derbent-synagogue", "caspian-derbent-toll", WRONG_MONTH]
    assert reported_by(records["Makhachkala"]) == ["steppe-makhachkala-post"]
    assert {r["date"] for r in records.values()} == {"2024-06-23"}


def test_the_two_dagestan_sites_are_one_event_group_and_mogadishu_is_not_in_it(records):
    derbent, makhachkala, mogadishu = records["Derbent"], records["Makhachkala"], records["Mogadishu"]
    assert derbent["group_id"] and derbent["group_id"] == makhachkala["group_id"]
    assert [o["id"] for o in derbent["linked"]] == [makhachkala["id"]]
    assert [o["id"] for o in makhachkala["linked"]] == [derbent["id"]]
    assert (mogadishu["group_id"], mogadishu["linked"]) == (None, [])


def test_the_derbent_incident_keeps_every_sources_toll(records):
    derbent = records["Derbent"]
    assert sorted((v["article_id"], v["value"]) for v in derbent["values"]["killed"]) == [
        ("caspian-derbent-synagogue", 6), ("caspian-derbent-toll", 7), (WRONG_MONTH, 6)]
    assert {c["value"] for c in derbent["conflicts"]["killed"]} == {6, 7}
    assert (derbent["killed"]["min"], derbent["killed"]["best"], derbent["killed"]["max"]) == (6, 7, 7), \
        "the officials' later toll"


def test_ingesting_the_same_files_again_changes_nothing(desk):
    files, store, before = desk
    again = api.ingest(files, db=store)
    assert (again.ingested, again.duplicates, again.mentions, again.incidents_touched) == (0, 5, 0, 0)
    assert all_records(store) == before


def test_the_reports_in_reverse_order_one_at_a_time_give_the_same_incidents(desk, tmp_path_factory):
    files, _, forward = desk
    root = tmp_path_factory.mktemp("fusion-reversed")
    store = Store(f"sqlite:///{root / 'reversed.db'}")
    try:
        for path in reversed(files):  # each ingest re-fuses only the neighbourhood of the new report
            assert api.ingest([path], db=store).ingested == 1
        assert all_records(store) == forward
    finally:
        store.close()


def test_a_report_headlined_with_the_wrong_month_is_flagged(records):
    derbent = records["Derbent"]
    [flag] = [f for f in derbent["flags"] if f["article_id"] == WRONG_MONTH]
    assert (flag["field"], flag["says"], flag["consensus"]) == ("date", "March 11", "2024-06-23")
    weights = {s["article_id"]: s["weight"] for s in derbent["sources"]}
    assert weights[WRONG_MONTH] < 1
    assert derbent["date"] == "2024-06-23"


# --- the CLI -----------------------------------------------------------------------------------------------------


def test_timeline_of_a_group_lists_its_family_and_marks_linked_sites(cli, desk, records):
    _, store, _ = desk
    lines = cli("timeline", "--group", IS, "--db", store.url).splitlines()
    group = records["Derbent"]["group_id"]
    assert sorted(ln.split()[1].rstrip(",") for ln in lines) == ["Derbent", "Makhachkala"], \
        "the Caucasus province is of the Islamic State family; al-Shabaab's Mogadishu bombing is not"
    for line in lines:
        assert line.startswith("2024-06-23  ")
        assert line.endswith(f"[{group}: 2 sites]")


def test_timeline_without_a_group_shows_every_incident(cli, desk):
    _, store, _ = desk
    out = cli("timeline", "--db", store.url)
    assert sorted(ln.split()[1].rstrip(",") for ln in out.splitlines()) == ["Derbent", "Makhachkala", "Mogadishu"]
    assert sum(" sites]" in ln for ln in out.splitlines()) == 2, "only the two Dagestan sites are marked"


def test_show_says_where_the_sources_disagree(cli, desk, records):
    _, store, _ = desk
    out = cli("show", records["Derbent"]["id"], "--db", store.url)
    [line] = [ln.strip() for ln in out.splitlines() if "sources disagree on killed" in ln]
    assert line == ("sources disagree on killed: 6 (caspian-derbent-synagogue); 7 (caspian-derbent-toll); "
                    f"6 ({WRONG_MONTH})")
    derbent, makhachkala = records["Derbent"], records["Makhachkala"]
    assert f"event group {derbent['group_id']}, linked with: {makhachkala['id']} (Makhachkala)" in out


def test_show_prints_the_flag_of_the_report_that_contradicts_the_others(cli, desk, records):
    _, store, _ = desk
    out = cli("show", records["Derbent"]["id"], "--db", store.url)
    assert f"{WRONG_MONTH} contradicts the others on date: says March 11, the others 2024-06-23" in out
