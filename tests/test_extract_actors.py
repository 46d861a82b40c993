"""Militant groups named in text (extract.actors).

Names resolve to one canonical group from data/groups.toml; a branch knows its parent
family.  Every sentence here was written for these tests.
"""
from __future__ import annotations

import pytest

from incidentwatch.extract.actors import canonical_group, family, find_groups

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
