"""Who a report says carried out the attack, read from the sentence's grammar (extract.agency).

Wire copy names the doer as the subject of the attack verb far more often than it reports a claim.  Every
sentence here was written for these tests; the groups are real.  Each cue has a counter-example: the same
group and the same attack words, where the group is not the doer.
"""
from __future__ import annotations

import pytest

from incidentwatch.extract.agency import doers
from incidentwatch.extract.nlp import load_nlp


@pytest.fixture(scope="module")
def read(request):
    nlp = load_nlp()

    def run(text: str):
        doc = nlp(text)
        names = [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ in ("ORG", "NORP")]
        return [(c.actor, c.status, c.hedge, c.unlisted) for c in doers(text, 0, "a1", names)]
    return run


@pytest.mark.parametrize("text, group", [
    # the active subject of an attack verb, or the noun the name qualifies is
    ("On Sunday night Shining Path guerrillas killed at least 18 people in a jungle town.", "Shining Path"),
    ("Rebels of the Allied Democratic Forces attacked a secondary school on Friday night.",
     "Allied Democratic Forces"),
    ("Boko Haram fighters stormed the village of Dapchi on Monday evening.", "Boko Haram"),
    # the agent after "by"
    ("Sixteen villagers were killed by members of the Shining Path on Sunday.", "Shining Path"),
    ("Ten policemen died in a blast set off by the banned CPI (Maoist) on the road.",
     "Communist Party of India (Maoist)"),
    # the qualifier of an attack noun, and the agent of one
    ("A Boko Haram attack on the school left dozens of girls missing.", "Boko Haram"),
    ("Dozens of girls are missing after an attack by Boko Haram on their school.", "Boko Haram"),
])
def test_a_group_that_does_the_attack_is_attributed(read, text, group):
    assert (group, "attributed", None, False) in read(text)


@pytest.mark.parametrize("text", [
    # counter-examples: the same group and attack words, the group not the doer
    "Security forces killed five Boko Haram militants on Monday.",              # the object
    "Five Boko Haram militants were killed in the army's raid on Monday.",     # the passive subject
    "The army launched an attack on Boko Haram positions near the lake.",     # the target of the attack
    "Boko Haram has killed more than 15,000 people since 2009.",             # a record, not this attack
    "The Shining Path has threatened to disrupt the vote.",                  # no attack verb
])
def test_a_group_that_is_not_the_doer_is_not_attributed(read, text):
    assert read(text) == []


def test_a_hedged_doer_is_attributed_with_its_hedge(read):
    [(group, status, hedge, _)] = read("Gunmen suspected of belonging to Jaish al-Adl kidnapped 12 border "
                                       "guards on Tuesday.")
    assert (group, status, hedge) == ("Jaish al-Adl", "attributed", "suspected")


def test_a_group_the_alias_table_lacks_is_kept_by_its_name_when_its_phrase_says_militant(read):
    [(group, status, _, unlisted)] = read("The Karen Liberation Front rebels ambushed an army convoy on Monday.")
    assert status == "attributed" and unlisted and "Karen Liberation Front" in group
    # counter-examples: an organisation without a militant's word, and a state's forces
    assert read("The Karen Farmers Union attacked the government's new land law on Monday.") == []
    assert read("The Pakistan Army attacked militant hideouts in North Waziristan on Monday.") == []


def test_an_attributed_doer_is_a_perpetrator_of_the_reported_attack():
    """Through the whole extraction: the doer becomes the incident's perpetrator, with its evidence."""
    import datetime as dt

    from incidentwatch.extract.pipeline import extract_article
    from incidentwatch.model import Article
    text = ("Rebels kill 18 in Peru jungle town\nOn Sunday night Shining Path guerrillas killed at least 18 people "
            "in San Miguel del Ene, a town in Peru's Junin region, police said.")
    a = Article(id="sp", text=text, title=text.split("\n")[0], published=dt.date(2021, 5, 25))
    [m] = [m for m in extract_article(a, load_nlp()(text)) if m.role == "reported"]
    assert m.perpetrators == ["Shining Path"]
    [c] = [c for c in m.claims if c.actor == "Shining Path"]
    assert text[c.evidence.start:c.evidence.end] == "Shining Path"


def test_a_group_named_to_describe_another_is_not_the_doer(read):
    """"ISIS-linked rebels", "a group linked to al-Qaida": the describing name is not the actor."""
    assert read("ISIS-linked rebels killed 41 people at a school on Friday.") == []
    # counter-example: the same group, doing it
    assert read("ISIS fighters killed 41 people at a school on Friday.")[0][0] == "Islamic State"


def test_a_claim_goes_to_the_claimant_not_to_the_group_that_describes_it():
    from incidentwatch.extract.claims import statements
    [c] = [c for c in statements("Iranian media later reported that Jaish al-Adl, a group linked to al-Qaida, "
                                 "had claimed the attack.", 0, "a1") if c.status == "claimed"]
    assert c.actor == "Jaish al-Adl"
    # counter-example: the group itself claiming
    [c] = [c for c in statements("Al-Qaida claimed the attack on Tuesday.", 0, "a1") if c.status == "claimed"]
    assert c.actor == "al-Qaeda"


@pytest.mark.parametrize("text, types", [
    # a kidnapping's hostages are the kidnapped
    ("Gunmen kidnap four tourists\nGunmen kidnapped four tourists from a resort on Monday and are holding the "
     "hostages on a boat, police said.", ["Hostage Taking (Kidnapping)"]),
    # counter-example: hostages held at the scene under siege are a barricade incident as well
    ("Gunmen seize hotel\nGunmen stormed a hotel on Monday and kidnapped guests, then held the hostages inside "
     "during a siege that lasted nine hours, police said.",
     ["Hostage Taking (Barricade Incident)", "Hostage Taking (Kidnapping)"]),
])
def test_a_kidnapping_s_hostages_are_no_barricade_incident_unless_held_at_the_scene(text, types):
    import datetime as dt

    from incidentwatch.extract.pipeline import extract_article
    from incidentwatch.model import Article
    a = Article(id="h", text=text, title=text.split("\n")[0], published=dt.date(2024, 6, 25))
    [m] = [m for m in extract_article(a, load_nlp()(text)) if m.role == "reported"]
    assert [t for t in m.attack_types if t.startswith("Hostage")] == types


# --- claims read from the grammar ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, group", [
    # the subject of "claim" with an attack for its object, however the object is qualified
    ("Jund al-Khilafah had claimed the Atyrau bombings in a statement, a monitor said.", "Jund al-Khilafah"),
    ("The Baloch Liberation Army claimed Monday's bombing of the railway line.", "Baloch Liberation Army"),
    # the agent of a claim noun
    ("An unverified claim by the New IRA that it shot the detective is being examined by police.", "New IRA"),
    # a group that says it, or its own people, did the attack
    ("The Niger Delta Avengers said their fighters had bombed the export pipeline.", "Niger Delta Avengers"),
    ("Boko Haram said it had attacked the army base in Monguno.", "Boko Haram"),
    # a claim the name qualifies
    ("Police are examining a purported New IRA claim over the shooting of the detective.", "New IRA"),
])
def test_a_group_that_claims_the_attack_in_the_grammar_is_a_claimant(read, text, group):
    assert (group, "claimed", None, False) in read(text)


@pytest.mark.parametrize("text", [
    "Jund al-Khilafah did not claim the Atyrau bombings, a monitor said.",  # negated
    "The New IRA claimed that the police had lied about the shooting.",  # no attack for an object
    "Police see parallels with earlier attacks claimed by Revolutionary Struggle.",  # a participle: other attacks
    "There has been no claim by any group for the bombing.",  # no claimant at all
    "Boko Haram said the army had bombed its camps near the lake.",  # another did it
    "Boko Haram said it had not attacked the village.",  # said it did not
    "There was no New IRA claim for the bombing.",  # no claim
])
def test_a_claim_word_beside_a_group_is_no_claim_of_this_attack_otherwise(read, text):
    assert not [r for r in read(text) if r[1] == "claimed"]


@pytest.mark.parametrize("text, named", [
    ("An Islamist group claimed the bombing of the rail depot on Monday.", None),  # no group is named
    ("Kurdish militants claimed the bombing of the rail depot on Monday.", None),
    ("The Wagner Group claimed the bombing of the rail depot on Monday.", "Wagner Group"),  # its own name
])
def test_a_word_describing_an_unnamed_group_is_no_claimant(read, text, named):
    claimants = [actor for actor, status, _, _ in read(text) if status == "claimed"]
    assert claimants == ([named] if named else [])
