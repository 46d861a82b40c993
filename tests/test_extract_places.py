"""Place names resolved against the gazetteer in the article's own context (extract.places).

The texts are parsed with the real spaCy model, loaded once for this module.  Every
sentence here was written for these tests; the places are real.
"""
from __future__ import annotations

import pytest

from incidentwatch.extract.gazetteer import Gazetteer, Place, _write_index, gazetteer, translit_key
from incidentwatch.extract.nlp import load_nlp
from incidentwatch.extract.places import find_place_mentions, resolve


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def gz():
    return gazetteer()


@pytest.fixture(scope="module")
def places(nlp, gz):
    """text -> {mention text: resolved Place or None}, the mentions resolved together as one article."""
    def run(text: str):
        mentions = resolve(find_place_mentions(nlp(text), gz), gz, text=text)
        return {m.text: m.place for m in mentions}, mentions
    return run


def where(place):
    return (place.kind, place.name, place.country, place.admin1) if place else None


# --- the gazetteer itself ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, kind, country, admin1", [
    ("Derbent", "city", "Russia", "Dagestan"),
    ("Magaramkent", "city", "Russia", "Dagestan"),
    ("Makhachkala", "city", "Russia", "Dagestan"),
    ("Dagestan", "admin1", "Russia", "Dagestan"),
    ("Republic of Dagestan", "admin1", "Russia", "Dagestan"),
    ("Kerman", "city", "Iran", "Kerman"),
    ("Iran", "country", "Iran", None),
])
def test_gazetteer_holds_the_place(gz, name, kind, country, admin1):
    assert any((p.kind, p.country, p.admin1) == (kind, country, admin1) for p in gz.lookup(name))


def test_ambiguous_names_have_several_candidates(gz):
    assert {p.country for p in gz.lookup("Derbent")} >= {"Russia", "Turkey"}
    assert {p.country for p in gz.lookup("Kerman")} >= {"Iran", "United States"}


def test_the_index_file_gives_back_names_in_the_order_they_were_listed(tmp_path):
    """The index is an SQLite file read as asked: a name's places come back most populous first (the
    order they were written in), one object per place, spelling skeletons and names of about a length
    only for towns, and the small tables whole."""
    big = Place("city", "Upper Town", "Utopia", "UT", "North", 1.0, 2.0, 50_000)
    small = Place("city", "Lower Town", "Utopia", "UT", "South", 1.5, 2.5, 900)
    north = Place("admin1", "North", "Utopia", "UT", "North", 1.0, 2.0, 50_000)
    country = Place("country", "Utopia", "Utopia", "UT", population=1_000_000)
    path = tmp_path / "index.sqlite"
    _write_index(path, {"town": [big, small], "upper town": [big], "north": [north]}, {"utopia": country},
                 {"utopian": "Utopia"}, {("UT", "01"): "North"})
    index = Gazetteer(path)
    assert index.lookup("Town") == [big, small]
    assert index.lookup("Upper Town")[0] is index.lookup("TOWN")[0]
    assert index.lookup("Utopia") == [country] and index.adjectives == {"utopian": "Utopia"}
    assert index.admin1_names == {("UT", "01"): "North"}
    assert index.cities_by_skeleton(translit_key("Upper Town")) == (big,)
    assert index.cities_by_skeleton(translit_key("North")) == ()  # a region is no town
    assert index.cities_of_length("UT", 3, 6) == [("town", big), ("town", small)]
    assert [k for k, _ in index.cities_of_length("UT", 3, 12)] == ["town", "town", "upper town"]


def test_a_forked_worker_reads_the_index_on_a_connection_of_its_own(gz):
    """Extraction workers fork after the index is open; an SQLite connection must not cross a fork."""
    import multiprocessing

    gz.lookup("Derbent")
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_countries_of, ("Kerman",)) >= {"Iran", "United States"}


def _countries_of(name: str) -> set[str]:
    return {p.country for p in gazetteer().lookup(name)}


# --- ambiguous names resolved by context -----------------------------------------------------------------------

def test_city_named_with_its_region_is_that_region_s_city(places):
    found, _ = places("Gunmen attacked a police post in Derbent, Dagestan, on Sunday.")
    assert where(found["Derbent"]) == ("city", "Derbent", "Russia", "Dagestan")
    assert where(found["Dagestan"]) == ("admin1", "Dagestan", "Russia", "Dagestan")


@pytest.mark.parametrize("text", [
    "Iran said two blasts struck a memorial procession in Kerman.",
    "Two bombs exploded in Kerman, Iran, during a ceremony. Iran blamed militants for the blasts.",
])
def test_kerman_in_an_article_about_iran_is_in_iran(places, text):
    found, _ = places(text)
    assert found["Kerman"].country == "Iran"
    assert found["Kerman"].kind == "city"


def test_kerman_named_with_california_is_the_american_town(places):
    found, _ = places("A man was arrested in Kerman, California, after a shooting.")
    assert where(found["Kerman"]) == ("city", "Kerman", "United States", "California")


def test_village_named_with_its_region_resolves(places):
    found, _ = places("A firefight broke out in the village of Magaramkent in southern Dagestan.")
    assert where(found["Magaramkent"]) == ("city", "Magaramkent", "Russia", "Dagestan")


# --- transliteration variants: fuzzy matching inside the article's region --------------------------------------

def test_transliteration_variant_in_its_region_resolves_by_fuzzy_match(places, gz):
    assert gz.lookup("Makhachqala") == []  # not an exact name: only fuzzy matching can find it
    found, _ = places("Gunmen opened fire in Makhachqala, Dagestan, killing a policeman.")
    assert where(found["Makhachqala"]) == ("city", "Makhachkala", "Russia", "Dagestan")


def test_transliteration_variant_with_region_and_country_resolves(places):
    found, _ = places("Militants attacked a checkpoint in Makhachqala, the capital of Dagestan, Russia.")
    assert where(found["Makhachqala"]) == ("city", "Makhachkala", "Russia", "Dagestan")


def test_village_transliteration_variant_resolves(places, gz):
    assert gz.lookup("Magharamakint") == []
    found, _ = places("Police in Magharamakint, Dagestan, said the attackers fled into the hills.")
    assert where(found["Magharamakint"]) == ("city", "Magaramkent", "Russia", "Dagestan")


def test_transliteration_variant_without_any_context_stays_unresolved(places):
    """Fuzzy matching only searches the countries and regions the article names."""
    found, _ = places("Gunmen opened fire in Makhachqala on Friday.")
    assert found.get("Makhachqala") is None


# --- adjectives are weak -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, adjective, country", [
    ("Russian officials said the attack was a terrorist act.", "Russian", "Russia"),
    ("Iranian officials said two blasts struck a procession in Kerman.", "Iranian", "Iran"),
])
def test_nationality_adjective_is_a_weak_country_mention(places, text, adjective, country):
    _, mentions = places(text)
    [m] = [m for m in mentions if m.text == adjective]
    assert m.weak
    assert (m.place.kind, m.place.name) == ("country", country)


def test_named_place_is_not_weak(places):
    _, mentions = places("Gunmen attacked a police post in Derbent, Dagestan, on Sunday.")
    assert mentions and not any(m.weak for m in mentions)


def test_mention_spans_point_into_the_text(places):
    text = "Gunmen attacked a police post in Derbent, Dagestan, on Sunday."
    _, mentions = places(text)
    assert [text[m.start:m.end] for m in mentions] == ["Derbent", "Dagestan"]


# --- a name qualified by the country or region after it ---------------------------------------------------

def test_a_name_followed_by_its_country_is_looked_for_inside_it(places):
    """The article keeps naming California, but this Kerman is the one in Iran."""
    found, _ = places("Exiles in California and Texas marched on Sunday, days after the bombing in Kerman, Iran. "
                      "California's governor spoke at the march.")
    assert where(found["Kerman"])[2] == "Iran"


def test_a_qualified_name_is_that_place_wherever_the_article_names_it(places):
    found, mentions = places("Kerman mourns. Exiles in California and Texas marched after the bombing in Kerman, "
                             "Iran, and California's governor spoke.")
    assert {where(m.place)[2] for m in mentions if m.text == "Kerman"} == {"Iran"}


@pytest.mark.parametrize("text", [
    "Mourners gathered in Kerman, and later in California.",  # a place named further on
    "Mourners from Kerman marched through California.",  # not after a comma or "in"
])
def test_a_place_named_further_on_does_not_qualify_a_name(nlp, gz, text):
    """Counter-examples: only a country or region right after the name ("X, Iran", "X in Iran") qualifies it."""
    from incidentwatch.extract.places import _qualifier

    mentions = find_place_mentions(nlp(text), gz)
    i = next(i for i, m in enumerate(mentions) if m.text == "Kerman")
    assert _qualifier(i, mentions, text) is None


def test_a_qualified_name_with_no_namesake_inside_its_qualifier_is_none_of_them(places):
    """"Kech in Pakistan's Balochistan" is not Ketsch, a German town of 13,000 listed under that name."""
    found, _ = places("Militants attacked a paramilitary post in Kech in Pakistan's Balochistan province on "
                      "Monday, killing four soldiers, the Pakistani army said.")
    assert found.get("Kech") is None or where(found["Kech"])[2] == "Pakistan"


def test_the_same_town_is_taken_when_nothing_qualifies_it(places):
    """Counter-example: with nothing else to go by, the town the name is listed under is taken."""
    found, _ = places("Police said a man attacked two people with a knife in Ketsch on Monday.")
    assert where(found["Ketsch"])[2] == "Germany"


def test_a_small_namesake_in_a_country_the_article_never_names_is_not_taken(places):
    """"Solhan village" in a report from Burkina Faso is not Solhan, Turkey: the name cannot vouch for its
    own country."""
    found, _ = places("Gunmen killed 100 people in Solhan village in Burkina Faso on Friday night.")
    assert found["Solhan village"] is None
    assert where(found["Burkina Faso"])[1] == "Burkina Faso"
    # counter-example: with its country named, the same town is taken
    found, _ = places("Gunmen killed five people in Solhan in eastern Turkey on Friday night.")
    assert where(found["Solhan"])[:3] == ("city", "Solhan", "Turkey")


@pytest.mark.parametrize("name, admin1", [("Delta State", "Delta"), ("Yobe State", "Yobe")])
def test_a_state_named_with_its_tail_word_is_the_state(places, name, admin1):
    found, _ = places(f"Militants bombed a pipeline in {name}, Nigeria, on Tuesday.")
    assert where(found[name])[0] == "admin1" and found[name].admin1 == admin1


def test_an_island_named_after_its_town_is_the_town(places):
    """'on Jolo Island': the gazetteer has the town, not the island, and the island word is a tail word."""
    found, _ = places("Gunmen seized three fishermen on Jolo Island, in the southern Philippines, on Monday.")
    assert where(found["Jolo Island"])[:3] == ("city", "Jolo", "Philippines")


def test_an_island_the_gazetteer_names_whole_keeps_its_own_name(places):
    """Counter-example: a name found as it is written is not cut short ('Rhode Island' is no town 'Rhode')."""
    found, _ = places("A man fired shots outside a courthouse in Providence, Rhode Island, on Monday.")
    assert where(found["Rhode Island"])[:3] == ("admin1", "Rhode Island", "United States")


def test_a_city_the_tagger_calls_a_person_is_a_place_after_in(nlp, places):
    text = "A man drove his car into a crowd of shoppers at an open-air market in Lyon on Monday, killing two."
    assert [e.label_ for e in nlp(text).ents if e.text == "Lyon"] == ["PERSON"]  # why this rule exists
    found, _ = places(text)
    assert where(found["Lyon"])[:3] == ("city", "Lyon", "France")


def test_a_person_of_the_same_name_not_after_in_is_no_place(places):
    # the counter-example: the name as a person, with no "in", "near" or "outside" before it
    found, _ = places("Lyon told reporters on Monday that the market would reopen.")
    assert "Lyon" not in found or found["Lyon"] is None


def test_a_venue_named_after_its_town_places_it_in_the_town(places):
    found, _ = places("Gunmen stormed Kisumu University in Kenya at dawn, officials said.")
    assert where(found["Kisumu"])[:3] == ("city", "Kisumu", "Kenya")


def test_a_venue_named_after_no_town_places_nothing(places):
    # the counter-example: a venue named after a person
    found, _ = places("Gunmen stormed Kenyatta University in Kenya at dawn, officials said.")
    assert not any(p is not None and p.kind == "city" for p in found.values())


def test_a_small_town_the_tagger_calls_a_person_after_in_is_a_place_in_the_country_named(nlp, places):
    text = "Gunmen attacked a police station in Mirjaveh on Tuesday, officials in Iran said."
    assert [e.label_ for e in nlp(text).ents if e.text == "Mirjaveh"] == ["PERSON"]
    found, _ = places(text)
    assert where(found["Mirjaveh"])[:2] == ("city", "Mīrjāveh")


def test_a_small_town_after_in_is_not_taken_in_a_country_the_article_never_names(places):
    # the counter-example: the same name with no country to vouch for it
    found, _ = places("Gunmen attacked a police station in Mirjaveh on Tuesday, officials said.")
    assert found.get("Mirjaveh") is None


def test_a_country_whose_name_towns_share_still_vouches_for_itself(nlp, places):
    # "Mali" is also the name of towns elsewhere: the country named still vouches for a town of its own that
    # the tagger doubts ("in Ansongo", tagged as an organisation or a person)
    text = "Gunmen attacked an army post in Ansongo in Mali on Sunday, killing four soldiers."
    mentions = find_place_mentions(nlp(text))
    assert any(p.kind == "city" for m in mentions if m.text == "Mali" for p in m.candidates), "why this test exists"
    found, _ = places(text)
    assert where(found["Mali"])[0] == "country"
    assert where(found["Ansongo"])[:3] == ("city", "Ansongo", "Mali")


@pytest.mark.parametrize("text, place", [
    ("Gunmen shot dead four men, one of them a native of Kano, at an army post in Maiduguri, Nigeria, on Monday.",
     "Maiduguri"),
    ("Gunmen shot dead two men from Kano at a checkpoint in Maiduguri, Nigeria, on Monday.", "Maiduguri"),
    # the counter-example: where people were taken from is where the attack happened
    ("Gunmen abducted 110 schoolgirls from Dapchi in Yobe state, Nigeria, on Monday.", "Dapchi"),
])
def test_where_someone_comes_from_is_not_the_place(nlp, text, place):
    from incidentwatch.extract.pipeline import extract_article
    from incidentwatch.model import Article

    a = Article(id="from", text="Attack in Nigeria\n" + text, title="Attack in Nigeria")
    [m] = [m for m in extract_article(a, nlp(a.text)) if m.role == "reported"]
    assert m.city == place
