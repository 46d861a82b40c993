"""Occurrence: does an article tell an attack that happened, as news?  A learned model weighs the kind of
story (drill, trial, army operation, statistics, plot...) against the attack it tells; no cue word decides
alone.  Every article below was written for these tests."""
from __future__ import annotations

import datetime as dt

import pytest

from incidentwatch.extract import occurrence
from incidentwatch.extract.pipeline import extract_article
from incidentwatch.extract.relevance import is_attack_report
from incidentwatch.extract.sentences import analyse
from incidentwatch.model import Article

from test_extract_pipeline import article as headlined, nlp  # noqa: F401 (nlp is a fixture)

WEDNESDAY_11_MARCH_2026 = dt.date(2026, 3, 11)


def article(id: str, text: str) -> Article:
    return headlined(id, text, published=WEDNESDAY_11_MARCH_2026)


@pytest.fixture(scope="module")
def read(nlp):
    def run(a: Article):
        doc = nlp(a.text)
        return analyse(a, doc, a.published), extract_article(a, doc)
    return run


DRILL = article("drill", """\
Police and rescuers rehearse response to a bomb attack at the central station
Hundreds of police officers, firefighters and medics took part in a large exercise at the central station of
Kirovsk on Tuesday, simulating a bomb explosion and a hostage-taking by armed men.
The drill, planned for months, tested how quickly the wounded could be evacuated, the regional emergencies
ministry said.  Actors played the injured, and no one was hurt.
Officials said such exercises would be held twice a year.
""")

ARMY_OPERATION = article("operation", """\
Troops kill eight militants in raid on hideout
Security forces killed eight militants in a counter-terrorism operation in the mountains near Vedeno on
Tuesday, the national anti-terrorism committee said.
The militants were neutralised after they refused to surrender and opened fire, it said.
Weapons and explosives were found in the hideout.  No soldiers were hurt.
""")

STATISTICS = article("statistics", """\
Deaths from terrorism fell by a fifth last year, report finds
Deaths from terrorism fell by 22 per cent last year compared with the year before, an annual report found.
The index recorded 6,700 deaths in total, most of them in the Sahel, the report said.
Since 2015 the number of countries recording an attack has fallen each year, the data show.
""")

BRIEF = article("brief", """\
Bomb kills two near police van in Quetta
A bomb exploded near a police van in Quetta on Tuesday, killing two people and wounding five, police said.
""")

COURTHOUSE_ATTACK = article("courthouse", """\
Gunmen storm courthouse, killing four
Gunmen stormed a district court in Charsadda on Tuesday, shooting dead four people, including a judge, and
wounding eleven, police said.
Two of the attackers blew themselves up at the gate, and a third was shot dead by guards.
The court was hearing cases when the attack began, witnesses said.
""")


def test_a_drill_is_not_an_attack(read):
    """Attack words abound ("bomb explosion", "hostage-taking", "wounded"), but the story is an exercise."""
    sents, mentions = read(DRILL)
    assert mentions == []


def test_an_army_operation_that_kills_militants_is_not_an_attack_by_them(read):
    sents, mentions = read(ARMY_OPERATION)
    assert mentions == []


def test_a_statistics_report_is_not_an_attack(read):
    sents, mentions = read(STATISTICS)
    assert mentions == []


def test_a_one_sentence_brief_is_an_attack(read):
    sents, mentions = read(BRIEF)
    assert [m.role for m in mentions] == ["reported"]


def test_a_cue_word_is_no_veto(read):
    """Counter-example to the trial cues: an attack on a court is still an attack ("court", "judge" and
    "hearing" are in it), because the model weighs them against the attack the lead tells."""
    sents, _ = read(COURTHOUSE_ATTACK)
    features = occurrence.features(COURTHOUSE_ATTACK, sents)
    assert features["lead_trial"] == 1.0  # the cue is seen ...
    assert occurrence.reports_attack(COURTHOUSE_ATTACK, sents)  # ... and outweighed


def test_the_model_is_more_sure_of_an_attack_than_of_a_drill(read):
    attack = occurrence.probability(occurrence.features(BRIEF, read(BRIEF)[0]))
    drill = occurrence.probability(occurrence.features(DRILL, read(DRILL)[0]))
    assert attack > occurrence.model()["threshold"] > drill


@pytest.mark.parametrize("family, says, does_not_say", [
    ("exercise", "took part in a joint exercise", "took part in a joint patrol"),
    ("state_action", "security forces killed five", "gunmen killed five"),
    ("statistic", "rose by 12 per cent", "rose from the rubble"),
    ("plot", "the plot was foiled", "the bomb went off"),
    ("anniversary", "on the anniversary of the siege", "on the morning of the siege"),
    ("crime", "robbers held staff hostage in a bank", "militants held staff hostage in a school"),
    ("accident", "a gas leak caused the explosion", "a car bomb caused the explosion"),
])
def test_each_cue_family_has_its_counter_example(family, says, does_not_say):
    pattern = occurrence.cue_patterns("en")[family]
    assert pattern.search(says)
    assert not pattern.search(does_not_say)


def test_without_a_model_the_rules_decide(read, monkeypatch):
    monkeypatch.setattr(occurrence, "model", lambda: None)
    for a in (DRILL, BRIEF, COURTHOUSE_ATTACK):
        sents, _ = read(a)
        assert occurrence.probability(occurrence.features(a, sents)) is None
        assert occurrence.reports_attack(a, sents) == is_attack_report(sents)


def test_the_model_says_what_it_was_trained_on():
    fitted = occurrence.model()
    assert fitted is not None
    assert len(fitted["features"]) == len(fitted["weights"])
    assert fitted["trained"]["on"] and fitted["trained"]["date"]
