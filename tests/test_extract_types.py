"""Which GTD categories an incident keeps (extract.what): every category its sentences name is a
candidate, and a small learned model (data/type_model.json, `make train-types`) keeps the attack's own
and drops the ones named in passing.  Each decision is kept on the mention (`type_basis`).

The articles were written for these tests: the places are real, the events invented.
"""
from __future__ import annotations

import datetime as dt

import pytest

from incidentwatch.extract.nlp import load_nlp
from incidentwatch.extract.pipeline import extract_article
from incidentwatch.extract.what import TypeCandidate, select, type_model
from incidentwatch.model import Article, Evidence


def article(id: str, text: str) -> Article:
    return Article(id=id, text=text, title=text.split("\n", 1)[0], published=dt.date(2025, 3, 12))


@pytest.fixture(scope="module")
def extract():
    nlp = load_nlp()
    return lambda a: [m for m in extract_article(a, nlp(a.text)) if m.role == "reported"][0]


POLICE_STATION = article("station", """\
Bomb kills three policemen at station in Kohat
A bomb planted outside a police station in Kohat, Pakistan, exploded on Monday morning, killing three police \
officers and wounding five others.
The blast tore through the gate of the police station as officers changed shifts.
Militants attacked the same police station with grenades last year.
The explosion also damaged a shop across the road, wounding two civilians.
""")

MARKET = article("market", """\
Bomb kills shoppers in crowded market
A bomb hidden in a vegetable cart exploded in a crowded market in Maiduguri, Nigeria, on Monday, killing twelve \
shoppers and traders.
Witnesses said the blast ripped through stalls where civilians were buying food for the evening.
Police said a suicide bomber had entered the market minutes earlier.
Many of the wounded civilians were women and children.
""")


@pytest.mark.skipif(type_model() is None, reason="no type model installed")
def test_victims_named_once_at_the_end_do_not_add_a_target_to_an_attack_on_the_police(extract):
    m = extract(POLICE_STATION)
    assert m.target_types == ["Police"]
    dropped = {b["type"]: b for b in m.type_basis["target_types"] if not b["kept"]}
    # the choice is visible: what was named, how likely it was the target, and why it was left out
    assert "Private Citizens & Property" in dropped
    assert 0 < dropped["Private Citizens & Property"]["p"] < type_model()["sections"]["target_types"]["threshold"]
    assert dropped["Private Citizens & Property"]["features"]["lead"] == 0.0


def test_victims_the_whole_report_is_about_stay_the_target(extract):
    # the counter-example: the civilians are named in the headline and in most sentences
    m = extract(MARKET)
    assert "Private Citizens & Property" in m.target_types
    assert all(b["kept"] for b in m.type_basis["target_types"] if b["type"] == "Private Citizens & Property")


def test_attack_and_weapon_types_keep_every_category_named(extract):
    m = extract(MARKET)
    assert all(b["kept"] and b["p"] is None for s in ("attack_types", "weapon_types") for b in m.type_basis[s])


def candidate(type: str, sentences: int, first: int, headline: bool = False, fallback: bool = False):
    return TypeCandidate(type, Evidence("target_types", "a", 0, 1, "x"), sentences, first, headline, fallback)


# a model that trusts only a category named in the headline
HEADLINE_ONLY = {"sections": {"target_types": {"features": ["headline"], "weights": [8.0], "bias": -4.0,
                                               "threshold": 0.5}}}


def test_a_model_keeps_what_it_trusts_and_drops_the_rest():
    cands = [candidate("Police", 2, 0, headline=True), candidate("Business", 3, 1)]
    kept, basis = select("target_types", cands, 5, HEADLINE_ONLY)
    assert list(kept) == ["Police"]
    assert [(b["type"], b["kept"]) for b in basis] == [("Police", True), ("Business", False)]


def test_the_most_likely_category_is_kept_even_below_the_threshold():
    # an attack has a target: when no candidate reaches the threshold, the best one still counts
    cands = [candidate("Police", 1, 3), candidate("Business", 2, 1)]
    strict = {"sections": {"target_types": {**HEADLINE_ONLY["sections"]["target_types"],
                                            "features": ["sentences"], "weights": [1.0]}}}
    kept, basis = select("target_types", cands, 5, strict)
    assert list(kept) == ["Business"]
    assert all(b["p"] < 0.5 for b in basis)


def test_without_a_model_every_category_counts_but_words_for_the_attackers_only_as_a_fallback():
    cands = [candidate("Armed Assault", 1, 0, fallback=True), candidate("Hostage Taking (Kidnapping)", 1, 0)]
    kept, basis = select("attack_types", cands, 3, {"sections": {}})
    assert list(kept) == ["Hostage Taking (Kidnapping)"]
    kept, _ = select("attack_types", cands[:1], 3, {"sections": {}})
    assert list(kept) == ["Armed Assault"]  # "gunmen attacked" alone still says it was an armed assault
    assert select("attack_types", [], 3, {"sections": {}}) == ({}, [])


RECALLING = article("recalling", """\
Gunmen shoot police officer outside swimming pool in Enniskillen
Two gunmen opened fire on an off-duty police officer outside a swimming pool in Enniskillen on Wednesday evening, \
wounding him, police said.
The officer was hit several times in the shooting as he put footballs into the boot of his car.
The officer, who was shot on Wednesday, had led the inquiry into a car bombing in 2011 that killed a colleague.
""")


def test_a_category_of_an_older_attack_the_report_recalls_is_not_this_ones(extract):
    m = extract(RECALLING)
    assert m.attack_types == ["Armed Assault"]
    assert all(b["type"] != "Bombing/Explosion" for b in m.type_basis["attack_types"])


def test_the_same_category_told_of_this_attack_counts(extract):
    # the counter-example: the bombing is the reported attack, told with its own day
    text = RECALLING.text.replace("had led the inquiry into a car bombing in 2011 that killed a colleague",
                                  "was wounded again in a car bombing in Enniskillen later that evening")
    m = extract(article("same-day", text))
    assert "Bombing/Explosion" in m.attack_types


GUARDS_FIRED = article("guards-fired", """\
Suicide bomber killed at army checkpoint
A suicide bomber blew himself up at an army checkpoint outside Arish on Monday, killing two soldiers, the army said.
Soldiers at the checkpoint opened fire on the suicide bomber before he reached the barrier, the army said.
""")


def test_the_guards_firing_at_the_attacker_is_no_armed_assault(extract):
    m = extract(GUARDS_FIRED)
    assert (m.attack_types, m.weapon_types) == (["Bombing/Explosion"], ["Explosives"])


def test_attackers_firing_at_their_victims_is_an_armed_assault(extract):
    # the counter-example: the fire is aimed at the soldiers
    m = extract(article("attackers-fired", GUARDS_FIRED.text.replace(
        "Soldiers at the checkpoint opened fire on the suicide bomber before he reached the barrier",
        "Gunmen who came with him opened fire on the soldiers at the barrier")))
    assert "Armed Assault" in m.attack_types and "Firearms" in m.weapon_types
