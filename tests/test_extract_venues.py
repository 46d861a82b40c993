"""Venue names: the words that let reports of one attack find each other across outlets."""
from incidentwatch.extract.people import venue


def test_an_organisation_is_a_venue_by_its_words():
    assert venue("the Crocus City Hall") == "Crocus City Hall"
    assert venue("Kabul Airport") == "Kabul Airport"
    # counter-examples: groups and authorities the recogniser also tags ORG
    assert venue("Islamic State") is None
    assert venue("the Interior Ministry") is None


def test_a_facility_or_an_event_is_a_venue_whatever_its_words():
    """No venue's name is listed in the code: a name the recogniser calls a facility counts as it is."""
    assert venue("the Bataclan", "FAC") == "Bataclan"
    assert venue("Bataclan") is None  # as an organisation, without a venue's word
    assert venue("x" * 61, "FAC") is None  # a runaway span is no name
