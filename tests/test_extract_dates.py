"""Date expressions, resolved against the article's publication date (extract.dates.find_dates).

Every sentence here was written for these tests.  Unless a test says otherwise the
article was published on Wednesday 26 June 2024.
"""
from __future__ import annotations

import datetime as dt

import pytest

from incidentwatch.extract.dates import find_dates

WEDNESDAY_26_JUNE_2024 = dt.date(2024, 6, 26)


def readable(value):
    """Test ids: sentences and dates as written, other values numbered by pytest."""
    return str(value) if isinstance(value, (str, dt.date)) else None


def only_date(sentence: str, anchor: dt.date | None):
    """The one date expression a sentence holds."""
    refs = find_dates(sentence, anchor)
    assert len(refs) == 1, f"expected one date expression in {sentence!r}, got {refs}"
    return refs[0]


# --- relative expressions need the publication date ------------------------------------------------------

@pytest.mark.parametrize("sentence, expected_date, precision", [
    # a weekday is the last such day on or before publication
    ("Gunmen attacked a church on Sunday.", dt.date(2024, 6, 23), "day"),
    ("The checkpoint came under fire Tuesday night.", dt.date(2024, 6, 25), "day"),
    ("A bomb went off outside the station on Wednesday.", dt.date(2024, 6, 26), "day"),  # publication day itself
    ("Militants raided the village last Wednesday.", dt.date(2024, 6, 19), "day"),  # "last" skips today
    # yesterday and last night are the day before publication
    ("A grenade was thrown into the cafe yesterday.", dt.date(2024, 6, 25), "day"),
    ("Attackers set the school on fire last night.", dt.date(2024, 6, 25), "day"),
    # a month and day without a year take the publication year
    ("The siege began on June 23.", dt.date(2024, 6, 23), "day"),
    # a named holiday is the most recent one
    ("A church was bombed on Easter Sunday.", dt.date(2024, 3, 31), "day"),
    # months are month-precise, starting on the first
    ("Last December gunmen killed one person in the town.", dt.date(2023, 12, 1), "month"),
    ("A similar raid took place earlier this month.", dt.date(2024, 6, 1), "month"),
    ("The attack three months ago killed nine people.", dt.date(2024, 3, 1), "month"),
], ids=readable)
def test_relative_expression_resolves_against_publication_date(sentence, expected_date, precision):
    ref = only_date(sentence, WEDNESDAY_26_JUNE_2024)
    assert ref.date == expected_date
    assert ref.precision == precision
    assert ref.relative


@pytest.mark.parametrize("sentence, expected_start, expected_end", [
    ("Last December gunmen killed one person in the town.", dt.date(2023, 12, 1), dt.date(2023, 12, 31)),
    # "earlier this month" cannot run past the day the article was written
    ("A similar raid took place earlier this month.", dt.date(2024, 6, 1), WEDNESDAY_26_JUNE_2024),
    ("The attack three months ago killed nine people.", dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
], ids=readable)
def test_month_precise_expression_spans_the_month(sentence, expected_start, expected_end):
    ref = only_date(sentence, WEDNESDAY_26_JUNE_2024)
    assert (ref.date, ref.date_end) == (expected_start, expected_end)


@pytest.mark.parametrize("sentence, published, expected_date", [
    # a month-day that would lie months ahead belongs to the year before
    ("The bombing on December 28 killed four.", dt.date(2024, 1, 10), dt.date(2023, 12, 28)),
    # "last December" read in December is a year back
    ("Last December gunmen killed one person.", dt.date(2024, 12, 15), dt.date(2023, 12, 1)),
    # "last December" read in January is the month just gone
    ("Last December gunmen killed one person.", dt.date(2024, 1, 5), dt.date(2023, 12, 1)),
    # Easter named before that year's Easter is last year's
    ("A church was bombed on Easter Sunday.", dt.date(2024, 3, 1), dt.date(2023, 4, 9)),
], ids=readable)
def test_relative_expression_never_lands_in_the_future(sentence, published, expected_date):
    assert only_date(sentence, published).date == expected_date


def test_date_span_points_at_the_expression_in_the_sentence():
    sentence = "Gunmen attacked a church on Sunday."
    ref = only_date(sentence, WEDNESDAY_26_JUNE_2024)
    assert sentence[ref.start:ref.end] == ref.text == "on Sunday"


def test_date_span_is_shifted_by_the_sentence_offset():
    ref = find_dates("Gunmen attacked a church on Sunday.", WEDNESDAY_26_JUNE_2024, offset=100)[0]
    assert (ref.start, ref.end) == (125, 134)


def test_bare_weekday_span_does_not_start_with_whitespace():
    sentence = "The checkpoint came under fire Tuesday night."
    ref = only_date(sentence, WEDNESDAY_26_JUNE_2024)
    assert ref.text == "Tuesday night"


# --- absolute expressions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected_date, expected_end, precision", [
    ("Gunmen stormed the hall on March 22, 2024.", dt.date(2024, 3, 22), None, "day"),
    ("Gunmen stormed the hall on 22 March 2024.", dt.date(2024, 3, 22), None, "day"),
    ("The report is dated 2024-03-22.", dt.date(2024, 3, 22), None, "day"),
    ("The group carried out a string of raids in March 2024.", dt.date(2024, 3, 1), dt.date(2024, 3, 31), "month"),
    ("The group was outlawed in 2013.", dt.date(2013, 1, 1), dt.date(2013, 12, 31), "year"),
    ("In 2013 the group was outlawed.", dt.date(2013, 1, 1), dt.date(2013, 12, 31), "year"),
    # a year that qualifies an event: the event's date
    ("The group is blamed for the 2013 siege of a shopping mall.", dt.date(2013, 1, 1), dt.date(2013, 12, 31), "year"),
    ("He had led the inquiry into a 2011 car bombing.", dt.date(2011, 1, 1), dt.date(2011, 12, 31), "year"),
], ids=readable)
@pytest.mark.parametrize("published", [WEDNESDAY_26_JUNE_2024, None], ids=["with publication date", "without"])
def test_absolute_date_resolves_with_or_without_publication_date(sentence, expected_date, expected_end,
                                                                 precision, published):
    ref = only_date(sentence, published)
    assert ref.date == expected_date
    assert ref.date_end == expected_end
    assert ref.precision == precision
    assert not ref.relative


# --- without a publication date relative expressions stay unresolved -------------------------------------

@pytest.mark.parametrize("sentence", [
    "Gunmen attacked a church on Sunday.",
    "The checkpoint came under fire Tuesday night.",
    "A grenade was thrown into the cafe yesterday.",
    "Attackers set the school on fire last night.",
    "The siege began on June 23.",
    "A church was bombed on Easter Sunday.",
    "Last December gunmen killed one person in the town.",
    "A similar raid took place earlier this month.",
    "The attack three months ago killed nine people.",  # an offset is not even reported without an anchor
])
def test_relative_expression_without_publication_date_has_no_date(sentence):
    refs = find_dates(sentence, None)
    assert all(r.date is None for r in refs), refs
    assert not any(r.resolved for r in refs)


def test_relative_expression_is_still_located_without_publication_date():
    """The phrase is found (so callers know a date was said) even though it cannot be placed."""
    ref = only_date("Gunmen attacked a church on Sunday.", None)
    assert ref.text == "on Sunday"
    assert ref.relative and ref.date is None


def test_sentence_with_absolute_and_relative_dates_resolves_only_the_absolute_one_without_anchor():
    refs = find_dates("Police said on Monday that the March 22, 2024 attack was planned for months.", None)
    by_text = {r.text: r.date for r in refs}
    assert by_text == {"on Monday": None, "March 22, 2024": dt.date(2024, 3, 22)}


# --- words that look like dates but are not -----------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Officials said the group may strike again.",  # "may" the verb
    "The curfew stays in force until June 30.",  # a date ahead of publication, not an event
])
def test_phrase_that_is_not_a_past_date_yields_nothing(sentence):
    assert find_dates(sentence, WEDNESDAY_26_JUNE_2024) == []


def test_named_days_come_from_the_language_data():
    """Every day in data/lang/en/dates.toml resolves in any year; a day whose date depends on the country
    ("Independence Day") is not in it, so it is no date at all rather than a wrong one."""
    from incidentwatch.extract.dates import holiday
    from incidentwatch.extract.lexicon import load_toml

    for name in load_toml("lang/en/dates.toml")["holidays"]:
        assert holiday(name, 2019) is not None and holiday(name, 2019).year == 2019
    assert holiday("New Years Eve", 2019) == dt.date(2019, 12, 31)  # the apostrophe is optional
    assert holiday("Orthodox Easter", 2019) == dt.date(2019, 4, 28)
    assert holiday("Independence Day", 2019) is None


@pytest.mark.parametrize("sentence", [
    "The 2000 people killed were mostly civilians.",  # a count, not a year
    "A 2015 report by the ministry counted the dead.",  # a year, but of no event
])
def test_a_four_digit_number_before_other_words_is_no_date(sentence):
    assert find_dates(sentence, WEDNESDAY_26_JUNE_2024) == []
