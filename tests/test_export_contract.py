"""The export contract, field by field: JSONL (what outside tools read), CSV (GTD-like), GeoJSON.

The exports are written once from the session's corpus database.  The tests check the shape and
meaning of every field, not the exact values the extractor found (one end-to-end test aside).
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from incidentwatch import api
from incidentwatch.model import CLAIM_STATUSES, ROLES

# The Global Terrorism Database codebook's category names.
GTD_ATTACK_TYPES = {
    "Assassination", "Armed Assault", "Bombing/Explosion", "Hijacking", "Hostage Taking (Barricade Incident)",
    "Hostage Taking (Kidnapping)", "Facility/Infrastructure Attack", "Unarmed Assault", "Unknown",
}
GTD_TARGET_TYPES = {
    "Business", "Government (General)", "Police", "Military", "Abortion Related", "Airports & Aircraft",
    "Government (Diplomatic)", "Educational Institution", "Food or Water Supply", "Journalists & Media", "Maritime",
    "NGO", "Private Citizens & Property", "Religious Figures/Institutions", "Telecommunication",
    "Terrorists/Non-State Militia", "Tourists", "Transportation", "Utilities", "Violent Political Party", "Other",
    "Unknown",
}
GTD_WEAPON_TYPES = {
    "Biological", "Chemical", "Radiological", "Nuclear", "Firearms", "Explosives", "Fake Weapons", "Incendiary",
    "Melee", "Vehicle", "Sabotage Equipment", "Other", "Unknown",
}
CATEGORIES = {"attack_types": GTD_ATTACK_TYPES, "target_types": GTD_TARGET_TYPES, "weapon_types": GTD_WEAPON_TYPES}

REQUIRED_FIELDS = {
    "id", "date", "date_end", "country", "admin1", "city", "lat", "lon", "attack_types", "target_types",
    "weapon_types", "perpetrators", "claimed_by", "killed", "killed_perpetrators", "injured", "sources", "evidence",
}
FIGURES = ("killed", "killed_perpetrators", "injured")

GTD_CSV_COLUMNS = [
    "eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "latitude", "longitude",
    "attacktype1_txt", "targtype1_txt", "weaptype1_txt", "gname", "claimed", "nkill", "nkillter", "nwound",
]


@dataclass
class Exports:
    jsonl: Path
    csv: Path
    geojson: Path
    counts: dict[str, int]


@pytest.fixture(scope="module")
def exports(ingested, tmp_path_factory) -> Exports:
    out = tmp_path_factory.mktemp("exports")
    paths = {fmt: out / f"incidents.{fmt}" for fmt in ("jsonl", "csv", "geojson")}
    counts = {fmt: api.export(fmt, path, db=ingested.store) for fmt, path in paths.items()}
    return Exports(counts=counts, **paths)


@pytest.fixture(scope="module")
def records(exports) -> list[dict]:
    return [json.loads(line) for line in exports.jsonl.read_text(encoding="utf-8").splitlines()]


def is_iso_date_or_none(value) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value


def test_the_corpus_gives_incidents_to_export(records, ingested):
    assert records, "no incident was extracted from the corpus"
    cited = {s["article_id"] for r in records for s in r["sources"]}
    stored = {item.id for kind, item in ingested.events if kind == "ingested"}
    assert cited <= stored


# --- JSONL ----------------------------------------------------------------------------------------------------

def test_jsonl_has_one_json_object_per_line_one_line_per_incident(exports, records, incident_records):
    lines = exports.jsonl.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(incident_records) == exports.counts["jsonl"]
    assert all(isinstance(r, dict) for r in records)
    assert [r["id"] for r in records] == [r["id"] for r in incident_records]


def test_jsonl_records_carry_every_contract_field(records):
    for r in records:
        assert REQUIRED_FIELDS <= r.keys(), f"{r['id']} lacks {REQUIRED_FIELDS - r.keys()}"


def test_incident_ids_are_unique_strings(records):
    ids = [r["id"] for r in records]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == len(ids)


def test_dates_are_iso_or_null_and_the_range_runs_forward(records):
    for r in records:
        assert is_iso_date_or_none(r["date"]), r["date"]
        assert is_iso_date_or_none(r["date_end"]), r["date_end"]
        if r["date"] and r["date_end"]:
            assert r["date"] <= r["date_end"]


def test_an_end_date_is_given_only_when_the_day_is_not_known(records):
    for r in records:
        if r.get("date_precision") == "day":
            assert r["date_end"] is None, r["id"]


def test_jsonl_is_in_date_order_with_undated_incidents_last(records):
    dated = [r["date"] for r in records if r["date"]]
    assert dated == sorted(dated)
    seen_undated = False
    for r in records:
        seen_undated = seen_undated or r["date"] is None
        assert not (seen_undated and r["date"]), "a dated incident after an undated one"


def test_place_names_are_strings_or_null(records):
    for r in records:
        for key in ("country", "admin1", "city"):
            assert r[key] is None or (isinstance(r[key], str) and r[key].strip()), (r["id"], key, r[key])
        if r["city"] is not None:
            assert r["country"] is not None, "a city is always given with its country"


def test_coordinates_are_both_given_or_both_null_and_on_the_globe(records):
    for r in records:
        lat, lon = r["lat"], r["lon"]
        assert (lat is None) == (lon is None)
        if lat is not None:
            assert isinstance(lat, (int, float)) and isinstance(lon, (int, float))
            assert -90 <= lat <= 90 and -180 <= lon <= 180


@pytest.mark.parametrize("field", sorted(CATEGORIES))
def test_category_lists_use_only_gtd_category_names(records, field):
    for r in records:
        values = r[field]
        assert isinstance(values, list)
        assert len(values) == len(set(values)), f"{r['id']} repeats a {field} value"
        unknown = set(values) - CATEGORIES[field]
        assert not unknown, f"{r['id']} {field} has non-GTD values {unknown}"


def test_perpetrators_and_claims_are_lists_of_names(records):
    for r in records:
        for key in ("perpetrators", "claimed_by"):
            assert isinstance(r[key], list)
            assert all(isinstance(name, str) and name.strip() for name in r[key])


def test_claimed_by_lists_the_actors_of_claims_with_status_claimed(records):
    assert any(r["claimed_by"] for r in records), "the corpus has a claimed attack (Mogadishu)"
    for r in records:
        claimants = {c["actor"] for c in r["claims"] if c["status"] == "claimed"}
        assert set(r["claimed_by"]) == claimants


def test_every_claim_has_an_actor_a_known_status_and_evidence_in_the_article(records, ingested):
    for r in records:
        for c in r["claims"]:
            assert isinstance(c["actor"], str) and c["actor"].strip()
            assert c["status"] in CLAIM_STATUSES
            assert c["verified"] in ("true", "false", "unknown")
            e = c["evidence"]
            if e is not None:
                text = ingested.store.article(e["article_id"]).text
                assert text[e["start"]:e["end"]] in e["text"]


@pytest.mark.parametrize("field", FIGURES)
def test_casualty_figures_are_min_max_best_of_int_or_null(records, field):
    for r in records:
        fig = r[field]
        assert isinstance(fig, dict) and set(fig) == {"min", "max", "best"}, (r["id"], fig)
        for part in ("min", "max", "best"):
            v = fig[part]
            assert v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0), (r["id"], field, fig)
        if fig["min"] is not None and fig["max"] is not None:
            assert fig["min"] <= fig["max"]
        if fig["best"] is not None:
            assert fig["min"] is None or fig["min"] <= fig["best"]
            assert fig["max"] is None or fig["best"] <= fig["max"]


def test_sources_name_stored_articles_with_url_and_publication_date(records, ingested):
    for r in records:
        assert isinstance(r["sources"], list) and r["sources"], f"{r['id']} has no source"
        for s in r["sources"]:
            assert {"article_id", "url", "published"} <= s.keys()
            article = ingested.store.article(s["article_id"])
            assert article is not None, f"source {s['article_id']} is not a stored article"
            assert s["url"] == article.url
            assert is_iso_date_or_none(s["published"])
            assert s["published"] == (article.published.isoformat() if article.published else None)
            assert s.get("role", "reported") in ROLES


def test_two_reports_of_one_attack_can_make_one_incident_with_two_sources(records, ingested):
    """The Mogadishu report and its follow-up are both cited, each once."""
    for r in records:
        ids = [s["article_id"] for s in r["sources"]]
        assert len(ids) == len(set(ids)), f"{r['id']} cites an article twice"
    assert any(len(r["sources"]) > 1 for r in records)


def test_conflicts_list_each_sources_value_for_a_field(records):
    for r in records:
        assert isinstance(r["conflicts"], dict)
        sources = {s["article_id"] for s in r["sources"]}
        for field, values in r["conflicts"].items():
            assert field in r, f"{r['id']} has a conflict on unknown field {field}"
            assert len(values) >= 2
            for v in values:
                assert "value" in v and v["article_id"] in sources


def test_evidence_items_have_field_article_span_and_sentence(records):
    for r in records:
        assert isinstance(r["evidence"], list)
        for e in r["evidence"]:
            assert {"field", "article_id", "start", "end", "text"} <= e.keys()
            assert isinstance(e["field"], str) and e["field"]
            assert isinstance(e["start"], int) and isinstance(e["end"], int)
            assert isinstance(e["text"], str)


def test_every_evidence_span_is_inside_its_sentence_in_the_stored_article(records, ingested):
    """article.text[start:end] is what the evidence points at, and the sentence holds it."""
    checked = 0
    for r in records:
        sources = {s["article_id"] for s in r["sources"]}
        for e in r["evidence"]:
            assert e["article_id"] in sources, f"{r['id']} evidence cites {e['article_id']}, not one of its sources"
            text = ingested.store.article(e["article_id"]).text
            assert 0 <= e["start"] < e["end"] <= len(text), e
            span = text[e["start"]:e["end"]]
            assert span.strip(), e
            assert span in e["text"], f"{r['id']} {e['field']}: {span!r} is not in {e['text']!r}"
            assert e["text"] in text, "the evidence sentence is a sentence of the article"
            checked += 1
    assert checked, "no evidence at all to check"


def test_every_extracted_value_has_evidence(records):
    for r in records:
        fields = {e["field"] for e in r["evidence"]}
        for key in ("attack_types", "target_types", "weapon_types"):
            if r[key]:
                assert key in fields, f"{r['id']} gives {key} without evidence"
        for key in ("killed", "injured"):
            # a figure no source gave (0 where no report tells of a death) says by what rule instead
            if r[key]["best"] is not None and key not in r["derived"]:
                assert key in fields, f"{r['id']} gives {key} without evidence"
            if key in r["derived"]:
                assert r[key]["best"] == 0 and r["derived"][key].startswith("0: ")


def test_a_clear_report_comes_out_as_the_incident_it_describes(records, ingested):
    """End to end, one unambiguous report: "Gunmen opened fire on a police checkpoint in Derbent,
    Dagestan on Sunday [3 March 2019], killing two officers and wounding three others"."""
    article_id = ingested.articles_by_source()[str(ingested.corpus.text_with_title)].id
    [r] = [r for r in records if article_id in {s["article_id"] for s in r["sources"]}]
    assert r["date"] == "2019-03-03"
    assert (r["country"], r["admin1"], r["city"]) == ("Russia", "Dagestan", "Derbent")
    assert "Armed Assault" in r["attack_types"]
    assert "Police" in r["target_types"]
    assert "Firearms" in r["weapon_types"]
    assert r["killed"]["best"] == 2
    assert r["injured"]["best"] == 3


def test_jsonl_export_equals_the_api_records(records, incident_records):
    assert records == incident_records


# --- CSV ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def csv_rows(exports) -> tuple[list[str], list[dict]]:
    with open(exports.csv, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames), list(reader)


def test_csv_has_the_gtd_column_names(csv_rows):
    header, _ = csv_rows
    missing = [c for c in GTD_CSV_COLUMNS if c not in header]
    assert not missing
    assert len(header) == len(set(header))


def test_csv_has_one_row_per_incident_in_the_same_order(csv_rows, records, exports):
    _, rows = csv_rows
    assert [row["eventid"] for row in rows] == [r["id"] for r in records]
    assert exports.counts["csv"] == len(records)


def test_csv_date_columns_split_the_incident_date(csv_rows, records):
    _, rows = csv_rows
    for row, r in zip(rows, records):
        if r["date"]:
            y, m, d = r["date"].split("-")
            assert (row["iyear"], row["imonth"], row["iday"]) == (y, m, d)
        else:
            assert (row["iyear"], row["imonth"], row["iday"]) == ("", "", "")


def test_csv_place_columns_match_the_record(csv_rows, records):
    _, rows = csv_rows
    for row, r in zip(rows, records):
        assert row["country_txt"] == (r["country"] or "")
        assert row["provstate"] == (r["admin1"] or "")
        assert row["city"] == (r["city"] or "")
        assert row["latitude"] == ("" if r["lat"] is None else str(r["lat"]))
        assert row["longitude"] == ("" if r["lon"] is None else str(r["lon"]))


def test_csv_type_columns_give_the_first_category_in_gtd_names(csv_rows, records):
    _, rows = csv_rows
    for row, r in zip(rows, records):
        for col, key in (("attacktype1_txt", "attack_types"), ("targtype1_txt", "target_types"),
                         ("weaptype1_txt", "weapon_types")):
            assert row[col] == (r[key][0] if r[key] else "")
            assert row[col] == "" or row[col] in CATEGORIES[key]


def test_csv_group_name_is_the_first_perpetrator_or_unknown(csv_rows, records):
    _, rows = csv_rows
    for row, r in zip(rows, records):
        assert row["gname"] == (r["perpetrators"][0] if r["perpetrators"] else "Unknown")


def test_csv_claimed_is_1_when_a_group_claimed_the_attack(csv_rows, records):
    _, rows = csv_rows
    for row, r in zip(rows, records):
        assert row["claimed"] == ("1" if r["claimed_by"] else "0")


def test_csv_casualty_columns_are_the_best_figures(csv_rows, records):
    _, rows = csv_rows
    for row, r in zip(rows, records):
        for col, key in (("nkill", "killed"), ("nwound", "injured"), ("nkillter", "killed_perpetrators")):
            best = r[key]["best"]
            assert row[col] == ("" if best is None else str(best))


# --- GeoJSON --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def geojson(exports) -> dict:
    return json.loads(exports.geojson.read_text(encoding="utf-8"))


def test_geojson_is_a_feature_collection(geojson):
    assert geojson["type"] == "FeatureCollection"
    assert isinstance(geojson["features"], list)


def test_geojson_has_one_point_per_located_incident(geojson, records, exports):
    located = [r for r in records if r["lat"] is not None and r["lon"] is not None]
    assert located, "the corpus should give at least one located incident"
    assert [f["id"] for f in geojson["features"]] == [r["id"] for r in located]
    assert exports.counts["geojson"] == len(located)


def test_geojson_coordinates_are_lon_then_lat(geojson, records):
    by_id = {r["id"]: r for r in records}
    for f in geojson["features"]:
        assert f["type"] == "Feature"
        assert f["geometry"]["type"] == "Point"
        r = by_id[f["id"]]
        assert f["geometry"]["coordinates"] == [r["lon"], r["lat"]]


def test_geojson_properties_are_flat_and_name_the_incident(geojson, records):
    by_id = {r["id"]: r for r in records}
    for f in geojson["features"]:
        props = f["properties"]
        assert props["eventid"] == f["id"]
        assert props["country_txt"] == (by_id[f["id"]]["country"] or "")
        assert all(not isinstance(v, (dict, list)) for v in props.values())


# --- filters and edge cases -----------------------------------------------------------------------------------

def test_export_by_country_keeps_only_that_country(ingested, records, tmp_path):
    country = next(r["country"] for r in records if r["country"])
    out = tmp_path / "one-country.jsonl"
    n = api.export("jsonl", out, db=ingested.store, country=country)
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(got) == sum(1 for r in records if r["country"] == country)
    assert {r["country"] for r in got} == {country}


def test_export_since_a_date_keeps_later_incidents_only(ingested, records, tmp_path):
    dated = sorted(r["date"] for r in records if r["date"])
    since = dt.date.fromisoformat(dated[len(dated) // 2])
    out = tmp_path / "recent.csv"
    api.export("csv", out, db=ingested.store, since=since)
    with open(out, newline="", encoding="utf-8") as f:
        ids = [row["eventid"] for row in csv.DictReader(f)]
    assert ids == [r["id"] for r in records if r["date"] and r["date"] >= since.isoformat()]


def test_an_empty_database_exports_valid_empty_files(fresh_db, tmp_path):
    assert api.export("jsonl", tmp_path / "e.jsonl", db=fresh_db) == 0
    assert (tmp_path / "e.jsonl").read_text() == ""
    assert api.export("csv", tmp_path / "e.csv", db=fresh_db) == 0
    assert (tmp_path / "e.csv").read_text().splitlines()[0].startswith("eventid,")
    assert api.export("geojson", tmp_path / "e.geojson", db=fresh_db) == 0
    assert json.loads((tmp_path / "e.geojson").read_text()) == {"type": "FeatureCollection", "features": []}


def test_an_unknown_format_is_refused_and_leaves_no_file(ingested, tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'xml'"):
        api.export("xml", tmp_path / "incidents.xml", db=ingested.store)
    assert list(tmp_path.iterdir()) == []


def test_a_streamed_export_is_the_same_text_as_a_written_one():
    """Downloads stream the export in chunks (bounded memory); the text is the same as a file's."""
    import io

    from incidentwatch.export import formats
    from incidentwatch.model import Figure, Incident

    records = [Incident(id=f"inc-{i}", city=f"Town {i}", country="Russia", lat=42.0 + i / 10, lon=47.5,
                        killed=Figure(best=i), attack_types=["Armed Assault"]).to_dict() for i in range(40)]
    for fmt in formats.FORMATS:
        written = io.StringIO()
        formats.write(fmt, records, written)
        chunks = list(formats.stream(fmt, iter(records), size=100))
        assert len(chunks) > 5
        assert "".join(chunks) == written.getvalue()


def test_a_streamed_export_raises_what_went_wrong():
    from incidentwatch.export import formats

    def broken():
        yield {"id": "inc-1"}
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        list(formats.stream("jsonl", broken()))
