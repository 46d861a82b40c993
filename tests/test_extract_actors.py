"""Militant groups and the responsibility statements made about them (extract.actors).

Names resolve to one canonical group from data/groups.toml; a branch knows its parent
family.  statements() reads who claimed, praised, was blamed for or denied an attack.
Every sentence here was written for these tests.
"""
from __future__ import annotations

import pytest

from incidentwatch.extract.actors import canonical_group, family, find_groups, statements

IS = "Islamic State"
IS_CAUCASUS = "Islamic State – Caucasus Province"
IS_KHORASAN = "Islamic State – Khorasan Province"


# --- alias resolution -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, group, group_family", [
    ("Wilayat Kavkaz", IS_CAUCASUS, IS),
    ("Vilayat Kavkaz", IS_CAUCASUS, IS),
    ("Caucasus Province", IS_CAUCASUS, IS),
    ("North Caucasus branch of the Islamic State", IS_CAUCASUS, IS),
    ("IS-K", IS_KHORASAN, IS),
    ("ISKP", IS_KHORASAN, IS),
    ("Islamic State Khorasan", IS_KHORASAN, IS),
    ("Islamic State", IS, IS),
    ("ISIS", IS, IS),
    ("Daesh", IS, IS),
    ("Caucasus Emirate", "Caucasus Emirate", "Caucasus Emirate"),
    ("al-Nusra Front", "al-Nusra Front", "al-Qaeda"),
    ("al Nusra Front", "al-Nusra Front", "al-Qaeda"),
    ("Jabhat al-Nusra", "al-Nusra Front", "al-Qaeda"),
])
def test_alias_resolves_to_canonical_group_and_family(name, group, group_family):
    assert canonical_group(name) == group
    assert family(group) == group_family


@pytest.mark.parametrize("name, group", [
    pytest.param("IS", IS),
    pytest.param("the Islamic State", IS),
])
def test_short_or_article_prefixed_name_resolves(name, group):
    assert canonical_group(name) == group


@pytest.mark.parametrize("name", ["Derbent police", "the interior ministry", "Islamic", "Khorasan"])
def test_name_that_is_no_group_resolves_to_none(name):
    assert canonical_group(name) is None


def test_family_of_an_unknown_name_is_the_name_itself():
    assert family("Some Unlisted Cell") == "Some Unlisted Cell"


# --- "IS" only as an uppercase token ------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("Analysts say IS is weaker than it was.", [("IS", IS)]),
    ("This is what it is.", []),
    ("Is this the work of militants?", []),
    ("Police said the attack is being investigated.", []),
    # a headline in capitals: "IS" there is the verb, only ISIS counts
    ("POLICE SAY ISIS IS BEHIND THE BLAST", [("ISIS", IS)]),
])
def test_is_matches_only_as_an_uppercase_token(sentence, expected):
    assert [(g.text, g.group) for g in find_groups(sentence)] == expected


def test_branch_of_phrase_is_one_mention_of_the_branch():
    sentence = "The Vilayat Kavkaz branch of the Islamic State claimed the raid."
    [g] = find_groups(sentence)
    assert g.group == IS_CAUCASUS
    assert g.text == "Vilayat Kavkaz branch of the Islamic State"


def test_group_spans_are_shifted_by_offset():
    sentence = "ISKP claimed the bombing."
    [g] = find_groups(sentence, offset=40)
    assert (g.start, g.end, g.text) == (40, 44, "ISKP")


# --- responsibility statements --------------------------------------------------------------------------------

def said(sentence: str) -> list[tuple[str, str, str | None]]:
    """(actor, status, hedge) for each statement in a sentence."""
    return [(c.actor, c.status, c.hedge) for c in statements(sentence, 0, "t")]


@pytest.mark.parametrize("sentence, expected", [
    ("The Islamic State claimed responsibility for the bombing.", [(IS, "claimed", None)]),
    ("The al-Nusra Front took responsibility for the blast.", [("al-Nusra Front", "claimed", None)]),
    ("ISKP said it was behind the attack.", [(IS_KHORASAN, "claimed", None)]),
    ("The North Caucasus branch of the Islamic State claimed the attack.", [(IS_CAUCASUS, "claimed", None)]),
    ("The Vilayat Kavkaz branch of the Islamic State claimed responsibility for the raid.",
     [(IS_CAUCASUS, "claimed", None)]),
    pytest.param("ISKP said in a statement that it was behind the bombing.", [(IS_KHORASAN, "claimed", None)]),
])
def test_claim_of_responsibility(sentence, expected):
    assert said(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Hamas praised the attack as heroic.", [("Hamas", "praised", None)]),
    ("Officials said the Caucasus Emirate was likely behind the bombing.",
     [("Caucasus Emirate", "attributed", "likely")]),
    ("Investigators said the attack was likely carried out by the Caucasus Emirate.",
     [("Caucasus Emirate", "attributed", "likely")]),
    ("Analysts said Wilayat Kavkaz probably carried out the raid.", [(IS_CAUCASUS, "attributed", "probably")]),
    ("The Kremlin blamed Ukraine for the attack without providing evidence.",
     [("Ukraine", "blamed", "without evidence")]),
    ("Ukraine denied any involvement in the attack.", [("Ukraine", "denied", None)]),
    ("The Taliban denied involvement in the bombing.", [("Taliban", "denied", None)]),
    ("The Taliban rejected the claim.", [("Taliban", "disputed", None)]),
])
def test_statement_status_follows_its_verb(sentence, expected):
    assert said(sentence) == expected


def test_group_blamed_without_evidence_keeps_the_hedge():
    [claim] = statements("Authorities blamed al-Shabaab without offering any evidence.", 0, "t")
    assert claim.actor == "al-Shabaab"
    assert claim.hedge == "without evidence"


@pytest.mark.parametrize("sentence", [
    "Hamas did not claim the attack.",
    "The Islamic State has not claimed the attack.",
    "Nobody has claimed the attack, although ISIS is active in the area.",
    "No group, not even ISIS, has claimed the bombing.",
    "Officials said ISKP had not claimed responsibility for the blast.",
])
def test_negated_claim_is_no_claim(sentence):
    assert all(status != "claimed" for _, status, _ in said(sentence))


def test_claim_records_source_and_channel_and_span():
    sentence = "Islamic State claimed responsibility for the attack through its Amaq news agency."
    [claim] = statements(sentence, 10, "art-1")
    assert (claim.actor, claim.status, claim.channel) == (IS, "claimed", "Amaq")
    assert claim.evidence.article_id == "art-1"
    assert claim.evidence.text == sentence
    assert sentence[claim.evidence.start - 10:claim.evidence.end - 10] == "Islamic State"


@pytest.mark.parametrize("sentence, verified", [
    ("ISKP claimed the attack, but the claim could not be independently verified.", "false"),
    ("ISKP claimed the attack in a statement that analysts confirmed was genuine.", "true"),
    ("ISKP claimed the attack.", "unknown"),
])
def test_claim_verification(sentence, verified):
    [claim] = [c for c in statements(sentence, 0, "t") if c.status == "claimed"]
    assert claim.verified == verified


def test_sentence_without_a_group_has_no_statements():
    assert statements("Police said the attackers claimed to be acting alone.", 0, "t") == []
