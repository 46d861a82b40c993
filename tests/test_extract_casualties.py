"""Killed and injured counts in one sentence (extract.casualties.find_casualties).

A figure is (min, max, best) as the GTD codes it: "at least 19" is min 19, best 19 and no
maximum.  Victims and perpetrators are counted apart.  Every sentence here was written for
these tests.
"""
from __future__ import annotations

import pytest

from incidentwatch.extract.casualties import find_casualties
from incidentwatch.model import Figure


def counts(sentence: str) -> dict[str, Figure]:
    """kind -> figure for a sentence (failing if a kind appears twice)."""
    found = find_casualties(sentence)
    kinds = [c.kind for c in found]
    assert len(kinds) == len(set(kinds)), f"a kind counted twice in {sentence!r}: {found}"
    return {c.kind: c.figure for c in found}


# --- qualifiers and how they bound a count ----------------------------------------------------------------

@pytest.mark.parametrize("sentence, kind, expected", [
    ("At least 19 people were killed in the blast.", "killed", Figure(min=19, max=None, best=19)),
    ("The bombing killed at least 19 people.", "killed", Figure(min=19, max=None, best=19)),
    ("More than 15 people were wounded in the shooting.", "injured", Figure(min=16, max=None, best=16)),
    ("Dozens of worshippers were injured.", "injured", Figure(min=24, max=None, best=24)),
    ("Several passers-by were hurt.", "injured", Figure(min=3, max=None, best=3)),
    ("Nearly 40 people died in the fire the attackers set.", "killed", Figure(min=None, max=40, best=40)),
    ("About 30 people were hurt.", "injured", Figure(min=None, max=None, best=30)),
    ("Seven people were killed.", "killed", Figure(min=7, max=7, best=7)),
])
def test_qualifier_sets_the_bounds_of_a_count(sentence, kind, expected):
    assert counts(sentence) == {kind: expected}


# --- numbers written as words -----------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, kind, expected_best", [
    ("Five soldiers were killed at the outpost.", "killed", 5),
    ("Twenty-two worshippers died in the attack.", "killed", 22),
    ("The blast killed twenty-two people.", "killed", 22),
    ("The blast wounded eleven shoppers.", "injured", 11),
    ("Gunmen killed 1,200 villagers over two days.", "killed", 1200),
])
def test_count_written_in_words_or_digits_is_read(sentence, kind, expected_best):
    assert counts(sentence)[kind].best == expected_best


# --- victims, the injured and perpetrators kept apart ------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    # the clause after the count says who the victims were; it does not make them attackers
    ("19 people killed, most of them police, in the raid.",
     {"killed": Figure(19, 19, 19)}),
    ("The five attackers were killed by security forces.",
     {"killed_perpetrators": Figure(5, 5, 5)}),
    ("Two assailants were shot dead in the firefight.",
     {"killed_perpetrators": Figure(2, 2, 2)}),
    ("The roadside ambush left two policemen dead and three injured.",
     {"killed": Figure(2, 2, 2), "injured": Figure(3, 3, 3)}),
    # "the others" is no count: only the one killed is recorded
    ("The gunman opened fire, killing one officer and injuring the others.",
     {"killed": Figure(1, 1, 1)}),
    ("The death toll rose to 20 on Monday.",
     {"killed": Figure(20, 20, 20)}),
    ("The blast killed 7 and wounded 12.",
     {"killed": Figure(7, 7, 7), "injured": Figure(12, 12, 12)}),
    ("Six people were killed and 10 wounded.",
     {"killed": Figure(6, 6, 6), "injured": Figure(10, 10, 10)}),
    ("Police said 4 militants were killed and 2 officers wounded.",
     {"killed_perpetrators": Figure(4, 4, 4), "injured": Figure(2, 2, 2)}),
])
def test_killed_injured_and_perpetrators_are_counted_apart(sentence, expected):
    assert counts(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Two gunmen killed three people at a cafe.", {"killed": Figure(3, 3, 3)}),
    ("Three gunmen killed four people and wounded five.", {"killed": Figure(4, 4, 4), "injured": Figure(5, 5, 5)}),
])
def test_attackers_as_subject_of_killed_are_not_counted_as_dead(sentence, expected):
    assert counts(sentence) == expected


def test_attackers_as_object_of_killed_are_perpetrator_deaths():
    assert counts("Security forces killed the five attackers.") == {"killed_perpetrators": Figure(5, 5, 5)}


# --- speculation, ages and statistics -----------------------------------------------------------------------

def test_speculative_toll_is_kept_but_flagged():
    [fig] = find_casualties("The death toll could rise to 100, officials feared.")
    assert fig.kind == "killed"
    assert fig.figure.best == 100
    assert fig.speculative


def test_toll_that_could_reach_a_number_is_flagged_speculative():
    found = find_casualties("Officials warned that the death toll could reach 100.")
    assert [(c.kind, c.figure.best, c.speculative) for c in found] == [("killed", 100, True)]


def test_firm_count_is_not_speculative():
    [fig] = find_casualties("At least 19 people were killed in the blast.")
    assert not fig.speculative


@pytest.mark.parametrize("sentence", [
    "A 66-year-old priest was killed in the attack.",
    "Officers said the 30-year-old attacker was shot dead.",
])
def test_age_is_not_a_count(sentence):
    assert all(c.figure.best not in (66, 30) for c in find_casualties(sentence))


def test_age_beside_a_real_count_leaves_the_count():
    assert counts("A 12-year-old boy was among 7 people killed.") == {"killed": Figure(7, 7, 7)}


@pytest.mark.parametrize("sentence", [
    "Between January and November, 45 people were killed in such attacks.",
    "Between January and November, militants killed 312 people in the region.",
    "Since 2015 more than 300 police officers have been killed in the republic.",
    "So far this year 61 people have died in bombings.",
])
def test_aggregate_statistics_are_not_counted(sentence):
    assert find_casualties(sentence) == []


# --- spans ----------------------------------------------------------------------------------------------------

def test_span_covers_the_count_and_is_shifted_by_offset():
    sentence = "The raid left 19 people killed, most of them police."
    [fig] = find_casualties(sentence, offset=50)
    assert sentence[fig.start - 50:fig.end - 50] == "left 19 people killed"


# --- running totals are not tolls (data/lang/en/casualties.toml, [cumulative]) ----------------------------------

@pytest.mark.parametrize("sentence", [
    "Boko Haram's insurgency has killed more than 15,000 people and driven two million from their homes.",
    "The conflict has claimed at least 40,000 lives, according to the United Nations.",
    "Militant attacks have killed 1,500 people in the province, officials said.",
    "More than 300 police officers have been killed since the rebels took up arms.",
    "Some 2,000 civilians were killed last year, a monitoring group said.",
    "Violence that has killed 600 people in the region shows no sign of ending.",
    "The report said 22,074 people were killed in 6,408 attacks across the region from 2007 to 2022.",
    "That puts the toll 44% below its 2014 peak of 34,000.",
    "The army crushed an uprising that the United Nations says has killed more than 30,000 people.",
])
def test_a_running_total_is_not_a_toll(sentence):
    assert find_casualties(sentence) == []


@pytest.mark.parametrize("sentence, kind, best", [
    # the same verbs, said of one attack: these are its tolls
    ("The blast has killed at least 20 people, police said.", "killed", 20),
    ("The attack on the convoy has left seven soldiers dead.", "killed", 7),
    ("Two gunmen attacked the village, killing 15 people in all.", "killed", 15),
    ("The bombing, the deadliest this year, killed 31 worshippers.", "killed", 31),
    ("A year after he was freed, the former hostage saw three men killed in a raid on his street.", "killed", 3),
    ("Gunmen killed 12 people in two attacks on villages near the border.", "killed", 12),
    ("The war veteran was among 4 people killed when the bomb went off.", "killed", 4),
])
def test_the_same_words_about_one_attack_are_its_toll(sentence, kind, best):
    assert counts(sentence)[kind].best == best


@pytest.mark.parametrize("sentence, killed", [
    ("Twelve villagers were hacked to death by the raiders.", 12),
    ("Eleven soldiers were gunned down in the ambush.", 11),
    ("At least 30 worshippers were massacred at the mosque.", 30),
    ("Four farmers were burnt to death in their huts.", 4),
])
def test_the_verbs_of_a_toll_come_from_the_language_data(sentence, killed):
    assert [(c.kind, c.figure.best) for c in find_casualties(sentence)] == [("killed", killed)]


@pytest.mark.parametrize("sentence", [
    # counter-examples: the same words, no one killed
    "Nine houses were burnt to the ground.",
    "At least 40 houses were burned in the raid.",
])
def test_burning_property_is_no_toll(sentence):
    assert find_casualties(sentence) == []


@pytest.mark.parametrize("sentence, killed", [
    ("Gunmen attacked a school in Kasese on Friday night, hacking 17 pupils to death, officials said.", 17),
    ("Attackers hacked to death 11 farmers in Plateau state on Tuesday, police said.", 11),
    ("They stabbed two guards to death and fled.", 2),
])
def test_a_killing_told_by_its_manner_around_the_victims_is_a_toll(sentence, killed):
    assert [(c.kind, c.figure.best) for c in find_casualties(sentence)] == [("killed", killed)]


@pytest.mark.parametrize("sentence", [
    "The mob beat 3 drums to announce the festival.",  # the manner's verb, no death
    "Rioters burnt 40 houses to the ground.",  # to the ground, not to death
    "He was bored to death by 3 speeches.",  # "to death" without a manner of killing
])
def test_the_manner_of_killing_needs_its_victims_and_to_death(sentence):
    assert find_casualties(sentence) == []


@pytest.mark.parametrize("sentence, kind, says", [
    ("A bomb went off outside the bank before dawn, damaging property but hurting nobody.", "killed", True),
    ("A bomb went off outside the bank before dawn, damaging property but hurting nobody.", "injured", True),
    ("Police said no one was killed in the attack on the pipeline.", "killed", True),
    ("The blast caused no casualties, the army said.", "killed", True),
    ("The only person killed was the female bomber, officials said.", "killed", True),
    # counter-examples: "no one" and "nobody" of other things, and the toll of a few
    ("No one has claimed responsibility for the attack.", "killed", False),
    ("Nobody was arrested after the shooting.", "killed", False),
    ("No one was killed, but four guards were wounded.", "injured", False),
    ("Police said no casualty figures were available yet.", "killed", False),
])
def test_a_sentence_that_says_nobody_was_killed_or_hurt(sentence, kind, says):
    from incidentwatch.extract.casualties import says_none
    assert bool(says_none(sentence, kind)) is says


@pytest.mark.parametrize("sentence, kind, tells", [
    ("The bomb injured eight people near the mosque.", "injured", True),
    ("The death toll is expected to rise.", "killed", True),
    ("The deadly blast shook the city centre.", "killed", True),
    # counter-examples: attack words without a death, or without an injury
    ("Militants kidnapped 14 border guards before dawn.", "killed", False),
    ("The bomb destroyed three cars outside the bank.", "injured", False),
])
def test_a_sentence_that_tells_of_a_death_or_an_injury_at_all(sentence, kind, tells):
    from incidentwatch.extract.casualties import tells_of
    assert tells_of(sentence, kind) is tells


def _fused(text: str, published=None):
    import datetime as dt

    from incidentwatch.extract.nlp import load_nlp
    from incidentwatch.extract.pipeline import extract_article
    from incidentwatch.fuse import fuse
    from incidentwatch.model import Article
    a = Article(id="a1", text=text, title=text.split("\n")[0], published=published or dt.date(2024, 6, 25))
    [inc] = fuse([m for m in extract_article(a, load_nlp()(text)) if m.role == "reported"])
    return inc


def test_a_report_that_says_nobody_was_hurt_gives_a_toll_of_0_with_its_rule_and_evidence():
    text = ("Car bomb hits bank in Athens\nA car bomb exploded outside a bank building in Athens "
            "before dawn on Thursday, damaging property but hurting nobody, police said. Militants had phoned a "
            "warning to a newspaper.")
    inc = _fused(text)
    assert (inc.killed.best, inc.injured.best) == (0, 0)
    assert inc.derived["killed"].startswith("0: a report says nobody was killed")
    assert any(e.field == "killed" and "hurting nobody" in text[e.start:e.end] for e in inc.evidence)


def test_a_report_that_tells_of_no_death_gives_0_killed_and_one_with_a_toll_keeps_it():
    inc = _fused("Militants kidnap 14 border guards\nMilitants kidnapped 14 border guards near the frontier "
                 "in Sistan and Baluchestan province on Tuesday, officials said.")
    assert inc.killed.best == 0 and inc.derived["killed"] == "0: none of 1 report(s) tells of a death"
    # counter-examples: a toll the report gives is its own, and "casualties not known" is not a 0
    inc = _fused("Bomb kills two in Quetta\nA bomb exploded near a police van in Quetta on Monday, killing 2 "
                 "people and wounding 5, police said.")
    assert (inc.killed.best, inc.derived) == (2, {})
    inc = _fused("Bomb explodes in Quetta market\nA bomb exploded in a crowded market in Quetta on Monday, "
                 "police said. There was no immediate word on casualties.")
    assert inc.killed.best is None and "killed" not in inc.derived


# --- one victim told without a number -------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("A police officer was wounded when the gunmen opened fire on the checkpoint.", {"injured": 1}),
    ("A soldier was killed and two others were wounded in the ambush.", {"killed": 1, "injured": 2}),
    ("The gunmen shot dead a 12-year-old boy and fled on motorbikes.", {"killed": 1}),
    ("The blast near the depot killed a soldier, wounding an officer.", {"killed": 1, "injured": 1}),
    ("An elderly woman was shot dead outside the mosque.", {"killed": 1}),
])
def test_a_victim_told_with_a_or_an_is_a_count_of_one(sentence, expected):
    assert {k: f.best for k, f in counts(sentence).items()} == expected


@pytest.mark.parametrize("sentence", [
    "A man was arrested near the scene on Tuesday.",  # no toll verb
    "A police officer said the road had been closed.",  # the victim noun only speaks
    "A local resident told reporters she heard two blasts.",
])
def test_a_person_named_with_a_but_neither_killed_nor_hurt_is_no_toll(sentence):
    assert counts(sentence) == {}


def test_a_lone_attacker_killed_is_the_attackers_toll_not_a_victim():
    assert {k: f.best for k, f in counts("A suicide bomber was killed when his vest went off early.").items()} == \
        {"killed_perpetrators": 1}


# --- a list after an active toll verb ---------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("The gunmen opened fire, killing three police officers and two civilians.", {"killed": 5}),
    ("The blast killed a soldier and two civilians near the base.", {"killed": 3}),
    ("The attackers shot dead two policemen, a teacher and three villagers in the market.", {"killed": 6}),
    ("The raid killed two attackers and a policeman, officials said.", {"killed": 1, "killed_perpetrators": 2}),
])
def test_the_counts_of_a_list_after_an_active_toll_verb_add_up(sentence, expected):
    assert {k: f.best for k, f in counts(sentence).items()} == expected


@pytest.mark.parametrize("sentence, expected", [
    # counter-examples: what follows is not a second count of the same toll
    ("The bomb killed 12 people, including a child, police said.", {"killed": 12}),
    ("The gunmen killed three police officers and wounded two civilians.", {"killed": 3, "injured": 2}),
    ("The bomb killed four soldiers in Kandahar and a policeman in Herat on Monday.", {"killed": 4}),
    # a breakdown of the first count, not more victims
    ("The assault wounded at least 12 people, three Americans and a governor among them.", {"injured": 12}),
    ("The blast killed 12 people, three soldiers and two children.", {"killed": 12}),
])
def test_a_list_stops_where_the_toll_s_count_ends(sentence, expected):
    assert {k: f.best for k, f in counts(sentence).items() if k in expected} == expected


@pytest.mark.parametrize("sentence", [
    "The group said five security personnel were killed or wounded in the attack.",
    "Gunmen opened fire on the crowd, killing or wounding 30 people.",
])
def test_the_dead_and_the_hurt_counted_together_are_neither_count(sentence):
    assert counts(sentence) == {}


def test_a_killed_count_beside_a_wounded_one_is_still_read():
    # the counter-example: "and", not "or"
    assert counts("The attack killed 3 people and wounded 5 others.") == {
        "killed": Figure(3, 3, 3), "injured": Figure(5, 5, 5)}


@pytest.mark.parametrize("headline, expected", [
    ("Rocket strike on Iraqi base kills US contractor", {"killed": 1}),
    ("US contractor killed, others hurt as missiles hit air base", {"killed": 1}),
    ("Policeman shot dead in Quetta", {"killed": 1}),
    ("Bomb wounds soldier near Kandahar", {"injured": 1}),
])
def test_a_headline_s_one_victim_without_an_article_is_one(headline, expected):
    assert {k: f.best for k, f in counts(headline).items()} == expected


@pytest.mark.parametrize("sentence", [
    "Gunmen kill police officers in Quetta",  # a plural: how many is not said
    "The officer killed in March was buried on Sunday.",  # an article: another victim, told as such
    "Police officer says the bomb was large",  # no toll verb
])
def test_a_bare_victim_noun_is_no_count_otherwise(sentence):
    assert counts(sentence) == {}
