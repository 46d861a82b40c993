"""Responsibility statements (extract.claims): who claimed, praised, was credited with, blamed for,
denied or disputed an attack, with the hedge, the source and the channel.
Every sentence here was written for these tests.
"""
from __future__ import annotations

import pytest

from incidentwatch.extract.claims import statements

IS = "Islamic State"
IS_CAUCASUS = "Islamic State – Caucasus Province"
IS_KHORASAN = "Islamic State – Khorasan Province"


# --- statuses --------------------------------------------------------------------------------

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
    ("The Taliban denied that they were behind the bombing.", [("Taliban", "denied", None)]),
    ("Hamas denied it.", [("Hamas", "denied", None)]),
])
def test_statement_status_follows_its_verb(sentence, expected):
    assert said(sentence) == expected


def test_a_denial_of_another_fact_is_no_denial_of_the_attack():
    # the counter-example: what is denied is a detail, not the group's part in the attack
    assert said("Jund al-Khilafah denied that its dead member was a suicide bomber.") == []
    assert said("Hamas denied reports that its leader had been wounded.") == []


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


# --- groups the alias table does not know ------------------------------------------------------------------

def unlisted(sentence: str) -> list[tuple[str, str, bool]]:
    """(actor, status, unlisted) with the recogniser's organisations passed in, as extraction does."""
    from incidentwatch.extract.nlp import load_nlp

    doc = load_nlp()(sentence)
    names = [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ in ("ORG", "NORP")]
    return [(c.actor, c.status, c.unlisted) for c in statements(sentence, 0, "t", names=names)]


@pytest.mark.parametrize("sentence, expected", [
    ("The Zarqa Valley Liberation Front claimed responsibility for the ambush in a statement.",
     [("Zarqa Valley Liberation Front", "claimed", True)]),
    ("A spokesman for the Red Hills Brigade said it had carried out the attack.",
     [("Red Hills Brigade", "claimed", True)]),
])
def test_a_claim_by_a_group_the_alias_table_lacks_is_kept_by_its_name(sentence, expected):
    assert unlisted(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "The Zarqa Valley Liberation Front did not claim the ambush.",  # negated
    "No group has claimed responsibility, the Interior Ministry said.",  # the speaker is no claimant
    "Reuters said no one had claimed the attack.",
    "Police said the Zarqa Valley Liberation Front was behind the ambush.",  # credited, not claimed: needs the table
])
def test_no_unlisted_claimant_where_nobody_claims(sentence):
    assert [x for x in unlisted(sentence) if x[2]] == []


def test_a_listed_group_is_not_marked_unlisted():
    assert unlisted("The Islamic State claimed responsibility for the bombing.") == [(IS, "claimed", False)]
