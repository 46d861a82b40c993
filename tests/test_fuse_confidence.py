"""How sure an incident is (fuse.confidence): a probability drawn from its evidence.

The mentions here are built by hand; the places and groups are real, the events invented.
"""
from __future__ import annotations

import datetime as dt

import pytest

from incidentwatch.fuse import confidence, fuse
from incidentwatch.fuse.merge import merge
from incidentwatch.model import Claim, Figure, Mention

DAY = dt.date(2024, 6, 23)


def mention(article: str, *, city: str | None = "Derbent", killed: int | None = 4, group: bool = True,
            occurrence: float | None = 0.9, role: str = "reported", published: dt.date | None = DAY) -> Mention:
    return Mention(id=f"{article}#0", article_id=article, role=role, date=DAY, date_precision="day",
                   country="Russia", admin1="Dagestan" if city else None, city=city,
                   attack_types=["Armed Assault"], killed=Figure(killed, killed, killed), occurrence=occurrence,
                   claims=[Claim(actor="Islamic State", status="claimed")] if group else [], published=published)


def test_every_fused_incident_carries_a_confidence_and_what_it_was_drawn_from():
    [inc] = fuse([mention("a"), mention("b")])
    assert 0.0 <= inc.confidence <= 1.0
    assert inc.confidence_basis["reports"] > 0 and inc.confidence_basis["occurrence"] == 0.9
    assert inc.to_dict()["confidence"] == inc.confidence


def test_independent_reports_raise_it():
    one = merge([mention("a")])
    three = merge([mention("a"), mention("b"), mention("c")])
    assert three.confidence > one.confidence


def test_a_doubtful_occurrence_lowers_it():
    assert merge([mention("a", occurrence=0.55)]).confidence < merge([mention("a", occurrence=0.99)]).confidence


def test_a_bare_report_is_less_sure_than_one_that_gives_a_place_and_a_toll():
    bare = merge([mention("a", city=None, killed=None, group=False, occurrence=0.6)])
    full = merge([mention("a", occurrence=0.6)])
    assert bare.confidence < full.confidence


def test_without_a_fitted_model_there_is_no_confidence(monkeypatch):
    """The features are still computed and kept; only the number is missing, and filters let it through."""
    monkeypatch.setattr(confidence, "model", lambda: None)
    inc = merge([mention("a")])
    assert inc.confidence is None and inc.confidence_basis


def test_the_packaged_model_says_what_it_was_trained_on():
    fitted = confidence.model()
    assert fitted is not None and fitted["trained"]["on"] and len(fitted["features"]) == len(fitted["weights"])
    assert set(fitted["features"]) == set(confidence.features(merge([mention("a")]), [mention("a")]))


@pytest.mark.parametrize("published, recent", [(DAY + dt.timedelta(days=1), 1.0), (DAY + dt.timedelta(days=400), 0.0)])
def test_an_attack_dated_near_its_report_is_the_reports_news(published, recent):
    m = mention("a", published=published)
    assert confidence.features(merge([m]), [m])["recent"] == recent


# --- undated incidents ----------------------------------------------------------------------------------------

def test_an_incident_one_report_tells_without_a_date_is_left_out_and_two_reports_keep_it():
    from incidentwatch.model import lone_undated

    def undated(article):
        m = mention(article, published=None)
        m.date = m.date_precision = None
        return m

    [alone] = fuse([undated("a")])
    [together] = fuse([undated("a"), undated("b")])
    assert alone.date is None and lone_undated(alone.to_dict())
    assert together.date is None and not lone_undated(together.to_dict())
    assert not lone_undated(merge([mention("a")]).to_dict())  # dated: kept
