"""The analyst's workbench (incidentwatch.web), driven in-process with FastAPI's TestClient.

The pages must agree with the Python API they sit on: the incident list, its filters and its
downloads show exactly what api.search finds; a dossier shows what each source says, where the
sources disagree and the evidence in their text; reviews need the token, are checked, are shown
beside the machine's value and outlive a re-ingest.  Whatever an article contains reaches the
page as text, never as markup, and the Content-Security-Policy would refuse a script anyway.

The sample corpus (its reports, not its README) is ingested once for the module; tests that
write get a copy of that database of their own.  The two reports written below are invented
for these tests: the places and the Dagestan attacks of June 2024 are real, the Nalchik
attack is not.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from incidentwatch import api
from incidentwatch.store import Store
from incidentwatch.store.queries import Filters
from incidentwatch.web.app import CSP, create_app
from incidentwatch.web.charts import highlight

IS = "Islamic State"
TOKEN = "tok"
REPORT_SUFFIXES = (".txt", ".html", ".jsonl", ".xml")  # the sample directory's reports (as api.demo takes them)

# A third report of the Makhachkala side of the Dagestan attacks of 23 June 2024: same city, same
# evening, same targets, so fusion files it under the incident the sample already holds.
MAKHACHKALA_FOLLOW_UP = """\
Gunmen kill police officers at Makhachkala traffic post on Trinity Sunday

Published: 2024-06-24

MAKHACHKALA, Russia, June 24, 2024 — Gunmen who opened fire on a traffic police post in Makhachkala on \
Sunday evening killed at least 15 police officers, and an Orthodox cathedral and a synagogue in the city \
were also attacked, officials in Dagestan said on Monday.

Security forces hunted the attackers through the night, and five of the gunmen were killed. The attacks \
in Makhachkala came at about the same time as the assault on a church and a synagogue in Derbent.
"""

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"

# A plausible attack report (so that it becomes an incident) carrying markup in its headline and body.
HOSTILE_REPORT = f"""\
Gunmen attack police station in Nalchik {SCRIPT}

NALCHIK, October 14, 2019 — Gunmen opened fire on a police station in Nalchik, Kabardino-Balkaria on \
Monday, killing three police officers and wounding five others, the regional interior ministry said. {IMG}

The attackers fled in a car after the shooting. {SCRIPT} No group has said it carried out the attack.
"""


# --- fixtures and helpers ----------------------------------------------------------------------------------------

@dataclass
class Sample:
    """The sample corpus ingested into a SQLite file, and a store open on it for the API calls."""

    path: Path
    url: str
    store: Store


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Sample:
    path = tmp_path_factory.mktemp("web") / "sample.db"
    url = f"sqlite:///{path}"
    store = Store(url)
    reports = [p for p in sorted(api.sample_corpus().iterdir()) if p.suffix in REPORT_SUFFIXES]
    report = api.ingest(reports, db=store)
    assert report.ingested == 12 and not report.rejected
    yield Sample(path, url, store)
    store.close()


@pytest.fixture(scope="module")
def client(sample) -> TestClient:
    """The workbench on the sample database, read-only (no token given, none in the environment)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("INCIDENTWATCH_REVIEW_TOKEN", raising=False)
        app = create_app(sample.url)
    return TestClient(app)


@pytest.fixture
def desk(sample, tmp_path) -> str:
    """A copy of the sample database of the test's own (SQLite's backup, so the WAL is included)."""
    target = tmp_path / "desk.db"
    src, dst = sqlite3.connect(sample.path), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def disputed(sample) -> dict:
    """The Makhachkala incident of June 2024, whose sources give 15 and 22 killed."""
    [inc] = [i for i in api.incidents(sample.store)
             if i.get("city") == "Makhachkala" and "killed" in (i.get("conflicts") or {})]
    return inc


def reviewing(db: str) -> TestClient:
    """The workbench started with a review token; redirects are left for the test to see."""
    return TestClient(create_app(db, review_token=TOKEN), follow_redirects=False)


def all_pages(store: Store, f: Filters, sort: str = "date", descending: bool = True) -> list[dict]:
    """Every incident api.search finds, read a few at a time so that paging is part of the answer."""
    out, page = [], 1
    while True:
        rows, totals = api.search(f, db=store, sort=sort, descending=descending, page=page, per_page=3)
        out.extend(rows)
        if not rows or len(out) >= totals["incidents"]:
            return out
        page += 1


def count(page: str) -> int:
    return int(re.search(r'<strong id="count">(\d+)</strong>', page).group(1))


def table(page: str) -> list[tuple[str, int | None]]:
    """(incident id, killed) for each row of the incidents table, in order."""
    body = page.split('<table class="incidents">', 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL):
        link = re.search(r'<td><a href="/incidents/([^"]+)">', row)
        if link is None:  # "No incidents match."
            continue
        killed = re.match(r"\d+", re.findall(r'<td class="num">(.*?)</td>', row, re.DOTALL)[0])
        rows.append((link.group(1), int(killed.group()) if killed else None))
    return rows


def error_message(page: str) -> str:
    return html.unescape(re.search(r'<p class="error">(.*?)</p>', page, re.DOTALL).group(1))


def field_row(page: str, field: str) -> str:
    return re.search(rf'<tr class="[^"]*" id="field-{field}">(.*?)</tr>', page, re.DOTALL).group(1)


def sources(page: str) -> dict[str, str]:
    """Each source's block on a dossier, keyed by article id."""
    blocks = page.split('<article class="source"')[1:]
    return {re.search(r'<a href="/articles/([^"]+)">', b).group(1): b.split("</article>", 1)[0] for b in blocks}


def download_ids(fmt: str, body: str) -> list[str]:
    if fmt == "csv":
        return [row["eventid"] for row in csv.DictReader(io.StringIO(body))]
    if fmt == "jsonl":
        return [json.loads(line)["id"] for line in body.splitlines() if line.strip()]
    return [feature["id"] for feature in json.loads(body)["features"]]


def ingest_one(text: str, path: Path, db: str) -> str:
    """Write a report to `path`, ingest it, and return the new article's id."""
    path.write_text(text, encoding="utf-8")
    events = []
    report = api.ingest([path], db=db, on_event=lambda kind, item: events.append((kind, item)))
    assert report.ingested == 1, report
    [(_, article)] = [e for e in events if e[0] == "ingested"]
    return article.id


# --- the incident list -----------------------------------------------------------------------------------------

def test_the_incident_list_shows_every_incident_and_their_count(client, sample):
    records = list(api.incidents(sample.store))
    _, totals = api.search(Filters(), db=sample.store)
    response = client.get("/incidents")
    assert response.status_code == 200
    assert count(response.text) == totals["incidents"] == len(records) > 0
    assert {i for i, _ in table(response.text)} == {r["id"] for r in records}


def test_the_root_sends_the_analyst_to_the_incident_list(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/incidents"


@pytest.mark.parametrize("url", ["/incidents", "/incidents/nonexistent", "/incidents.csv"])
def test_every_response_carries_a_policy_that_refuses_scripts(client, url):
    """The pages hold no script; the policy is there so that an injected one would not run either."""
    response = client.get(url)
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in response.text


NARROWING = [
    pytest.param({"group": IS}, Filters(group=IS), id="group"),
    pytest.param({"min_killed": "10"}, Filters(min_killed=10), id="min_killed"),
    pytest.param({"claimed": "no"}, Filters(claimed=False), id="claimed"),
    pytest.param({"q": "synagogue"}, Filters(q="synagogue"), id="words"),
    pytest.param({"date_from": "2016-01-01", "date_to": "2016-12-31"},
                 Filters(date_from=dt.date(2016, 1, 1), date_to=dt.date(2016, 12, 31)), id="dates"),
]


@pytest.mark.parametrize(("params", "filters"), NARROWING)
def test_a_filter_narrows_the_list_to_what_the_api_finds(client, sample, params, filters):
    everything = count(client.get("/incidents").text)
    expected = all_pages(sample.store, filters)
    page = client.get("/incidents", params=params).text
    assert 0 < count(page) < everything
    assert count(page) == len(expected)
    assert [i for i, _ in table(page)] == [r["id"] for r in expected]


def test_the_word_search_keeps_exactly_the_incidents_whose_reports_use_the_word(client, sample):
    """`q` searches the articles' text: an incident is listed when one of its reports has the word."""
    listed = {i for i, _ in table(client.get("/incidents", params={"q": "synagogue"}).text)}
    for inc in api.incidents(sample.store):
        texts = [sample.store.article(s["article_id"]).text.lower() for s in inc["sources"]]
        assert (inc["id"] in listed) == any("synagogue" in t for t in texts), inc["id"]


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_sorting_by_killed_orders_the_rows_as_the_api_does(client, sample, direction):
    """The known tolls run in the asked direction, the unknown ones are kept together at one end, and
    the rows come in the order api.search gives, page after page."""
    rows = table(client.get("/incidents", params={"sort": "killed", "dir": direction}).text)
    known = [k for _, k in rows if k is not None]
    assert known == sorted(known, reverse=direction == "desc")
    assert len(set(known)) > 2  # the order is not trivially true
    unknown_at = [n for n, (_, k) in enumerate(rows) if k is None]
    assert unknown_at in ([], list(range(len(unknown_at))), list(range(len(known), len(rows))))
    expected = all_pages(sample.store, Filters(), sort="killed", descending=direction == "desc")
    assert [i for i, _ in rows] == [r["id"] for r in expected]


@pytest.mark.parametrize("params", [
    {"date_from": "2024-13-01"},
    {"date_to": "last week"},
    {"min_killed": "ten"},
    {"min_killed": "-1"},
    {"min_killed": "2.5"},
])
@pytest.mark.parametrize("url", ["/incidents", "/incidents.csv"])
def test_a_malformed_filter_is_a_400_with_a_one_line_reason(client, url, params):
    response = client.get(url, params=params)
    assert response.status_code == 400
    message = error_message(response.text)
    assert "\n" not in message
    assert repr(next(iter(params.values()))) in message  # it names what was wrong


def test_an_unknown_sort_is_a_400(client):
    response = client.get("/incidents", params={"sort": "password"})
    assert response.status_code == 400
    assert error_message(response.text) == "cannot sort by 'password'"


def test_a_superscript_digit_as_min_killed_is_a_400_not_a_server_error(sample):
    response = TestClient(create_app(sample.url), raise_server_exceptions=False).get(
        "/incidents", params={"min_killed": "²"})
    assert response.status_code == 400


# --- downloads -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "jsonl", "geojson"])
@pytest.mark.parametrize(("params", "filters"), [
    pytest.param({"group": IS}, Filters(group=IS), id="group"),
    pytest.param({"min_killed": "10", "q": "synagogue"}, Filters(min_killed=10, q="synagogue"), id="toll-and-word"),
])
def test_a_download_holds_exactly_the_filtered_incidents(client, sample, fmt, params, filters):
    """What the analyst downloads is what the filtered list shows, whatever the page size; GeoJSON
    holds only the located ones, as it can place no others."""
    response = client.get(f"/incidents.{fmt}", params=params)
    assert response.status_code == 200
    assert f'filename="incidents.{fmt}"' in response.headers["content-disposition"]
    expected = all_pages(sample.store, filters)
    if fmt == "geojson":
        expected = [r for r in expected if r.get("lat") is not None and r.get("lon") is not None]
    got = download_ids(fmt, response.text)
    assert expected and len(got) == len(set(got))
    assert set(got) == {r["id"] for r in expected}
    assert len(got) < count(client.get("/incidents").text)


def test_a_download_without_filters_holds_every_incident(client, sample):
    got = download_ids("jsonl", client.get("/incidents.jsonl").text)
    assert sorted(got) == sorted(r["id"] for r in api.incidents(sample.store))


def test_an_unknown_download_format_is_a_404(client):
    response = client.get("/incidents.xml")
    assert response.status_code == 404
    assert "xml" in error_message(response.text)


# --- the dossier -----------------------------------------------------------------------------------------------

def told_count(mark: str) -> int | None:
    """The count a marked span tells: its number, or the sum of a list ("15 police officers and an
    Orthodox priest" is 16)."""
    numbers = [int(n) for n in re.findall(r"\b\d+\b", mark)]
    ones = len(re.findall(r"\band an?\b", mark))
    return sum(numbers) + ones if numbers else None


def test_the_dossier_shows_each_sources_toll_and_that_they_disagree(client, disputed):
    said = {c["article_id"]: c["value"] for c in disputed["conflicts"]["killed"]}
    # "killing at least 15 police officers and an Orthodox priest" is sixteen; another source says 22
    assert sorted(said.values()) == [16, 22]
    page = client.get(f"/incidents/{disputed['id']}").text
    row = field_row(page, "killed")
    assert "sources disagree" in row
    values = re.findall(r'<span class="value">(\d+)</span> <a href="#src-\d+" class="muted">([^<]+)</a>', row)
    assert {aid: int(v) for v, aid in values} == said


def test_the_dossier_marks_the_evidence_in_each_sources_text(client, disputed):
    """Every source's text is shown with what was read from it marked, the toll it gave included."""
    said = {c["article_id"]: c["value"] for c in disputed["conflicts"]["killed"]}
    blocks = sources(client.get(f"/incidents/{disputed['id']}").text)
    assert set(blocks) == {s["article_id"] for s in disputed["sources"]}
    for aid, block in blocks.items():
        text = block.split('<div class="text">', 1)[1]
        assert "<mark" in text
        if aid in said:
            killed_marks = re.findall(r'<mark title="killed">(.*?)</mark>', text, re.DOTALL)
            assert any(told_count(m) == said[aid] for m in killed_marks), (aid, killed_marks)


def test_every_link_from_a_sources_value_reaches_that_source_on_the_page(client, disputed):
    page = client.get(f"/incidents/{disputed['id']}").text
    fields = page.split('<table class="fields">', 1)[1].split("</table>", 1)[0]
    targets = set(re.findall(r'<a href="#([^"]+)"', fields))
    anchors = set(re.findall(r'<article class="source" id="([^"]+)"', page))
    assert targets and anchors
    assert targets <= anchors, sorted(targets - anchors)


def test_a_read_only_dossier_offers_no_review_form(client, disputed):
    page = client.get(f"/incidents/{disputed['id']}").text
    assert '<form class="review"' not in page
    assert "read-only" in page


@pytest.mark.parametrize("url", ["/incidents/inc-000000000000", "/articles/no-such-article",
                                 "/groups/Nobody Anyone Has Heard Of"])
def test_what_does_not_exist_is_a_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "<h1>Error 404</h1>" in response.text


def test_an_article_page_lists_what_was_extracted_from_it(client, disputed):
    aid = disputed["conflicts"]["killed"][0]["article_id"]
    page = client.get(f"/articles/{aid}")
    assert page.status_code == 200
    assert f'<a href="/incidents/{disputed["id"]}">' in page.text
    assert "<mark" in page.text.split('<div class="text">', 1)[1]


# --- groups ----------------------------------------------------------------------------------------------------

def test_a_group_page_counts_the_groups_incidents_and_lists_them(client, sample):
    [profile] = [g for g in api.groups(sample.store) if g.name == IS]
    response = client.get(f"/groups/{IS}")
    assert response.status_code == 200
    assert f"{profile.incidents} incidents" in response.text
    assert {i for i, _ in table(response.text)} == {r["id"] for r in all_pages(sample.store, Filters(group=IS))}
    assert len(table(response.text)) == profile.incidents


# --- review ----------------------------------------------------------------------------------------------------

def test_a_correction_with_the_token_shows_everywhere_beside_the_machine_value(desk, disputed):
    app = reviewing(desk)
    assert '<form class="review"' in app.get(f"/incidents/{disputed['id']}").text
    response = app.post(f"/incidents/{disputed['id']}/review",
                        data={"field": "killed", "value": "17", "reviewer": "Ana", "token": TOKEN})
    assert response.status_code == 303
    assert response.headers["location"] == f"/incidents/{disputed['id']}"

    row = field_row(app.get(f"/incidents/{disputed['id']}").text, "killed")
    chosen = row.split('<td class="chosen">', 1)[1]
    assert chosen.startswith("17 ")
    assert "corrected by Ana" in row and "machine value: 22" in row

    [record] = [r for r in api.incidents(desk) if r["id"] == disputed["id"]]
    assert record["killed"]["best"] == 17
    assert record["review"][0]["machine_value"]["best"] == 22
    downloaded = [json.loads(line) for line in app.get("/incidents.jsonl").text.splitlines()]
    [exported] = [r for r in downloaded if r["id"] == disputed["id"]]
    assert exported["killed"]["best"] == 17


def test_the_list_filters_and_sorts_on_the_corrected_toll(desk, disputed):
    """A correction rewrites the columns the list filters on, not only the record shown."""
    app = reviewing(desk)
    assert disputed["id"] in {i for i, _ in table(app.get("/incidents?min_killed=21").text)}
    app.post(f"/incidents/{disputed['id']}/review",
             data={"field": "killed", "value": "17", "reviewer": "Ana", "token": TOKEN})
    assert disputed["id"] not in {i for i, _ in table(app.get("/incidents?min_killed=21").text)}
    assert (disputed["id"], 17) in table(app.get("/incidents?sort=killed").text)


@pytest.mark.parametrize("token", ["", "tok2", "TOK"])
def test_a_review_without_the_right_token_is_refused_and_nothing_stored(desk, disputed, token):
    app = reviewing(desk)
    response = app.post(f"/incidents/{disputed['id']}/review",
                        data={"field": "killed", "value": "17", "reviewer": "Ana", "token": token})
    assert response.status_code == 403
    assert "token" in error_message(response.text)
    store = api.open_store(desk)
    assert store.corrections(disputed["id"]) == []
    assert store.incident(disputed["id"])["killed"]["best"] == 22


def test_a_workbench_started_without_a_token_refuses_every_review(desk, disputed, monkeypatch):
    monkeypatch.delenv("INCIDENTWATCH_REVIEW_TOKEN", raising=False)
    app = TestClient(create_app(desk), follow_redirects=False)
    response = app.post(f"/incidents/{disputed['id']}/review",
                        data={"field": "killed", "value": "17", "reviewer": "Ana", "token": ""})
    assert response.status_code == 403
    assert "read-only" in error_message(response.text)
    assert '<form class="review"' not in app.get(f"/incidents/{disputed['id']}").text
    assert api.open_store(desk).corrections(disputed["id"]) == []


@pytest.mark.parametrize(("field", "value", "reviewer", "why"), [
    ("killed", "abc", "Ana", "'abc' is not a whole number"),
    ("killed", "-3", "Ana", "'-3' is not a whole number"),
    ("date", "2024-02-30", "Ana", "'2024-02-30' is not a date"),
    ("mention_ids", "x", "Ana", "'mention_ids' cannot be corrected"),
    ("killed", "17", "   ", "a reviewer name is required"),
])
def test_an_invalid_correction_is_a_400_and_nothing_is_stored(desk, disputed, field, value, reviewer, why):
    app = reviewing(desk)
    response = app.post(f"/incidents/{disputed['id']}/review",
                        data={"field": field, "value": value, "reviewer": reviewer, "token": TOKEN})
    assert response.status_code == 400
    assert why in error_message(response.text)
    store = api.open_store(desk)
    assert store.corrections(disputed["id"]) == []
    stored = {k: v for k, v in store.incident(disputed["id"]).items() if k != "mention_ids"}
    assert stored == disputed


def test_a_superscript_digit_as_a_toll_is_a_400_not_a_server_error(desk, disputed):
    app = TestClient(create_app(desk, review_token=TOKEN), follow_redirects=False, raise_server_exceptions=False)
    response = app.post(f"/incidents/{disputed['id']}/review",
                        data={"field": "killed", "value": "²", "reviewer": "Ana", "token": TOKEN})
    assert response.status_code == 400


def test_a_review_of_an_unknown_incident_is_a_404(desk):
    response = reviewing(desk).post("/incidents/inc-000000000000/review",
                                    data={"field": "killed", "value": "1", "reviewer": "Ana", "token": TOKEN})
    assert response.status_code == 404


def test_a_correction_survives_a_new_report_of_the_same_attack(desk, disputed, tmp_path):
    """Re-ingest re-fuses the incident with the new report; the correction is found again by its
    anchor and applied to the re-fused incident."""
    app = reviewing(desk)
    app.post(f"/incidents/{disputed['id']}/review",
             data={"field": "killed", "value": "17", "reviewer": "Ana", "token": TOKEN})
    before = len(list(api.incidents(desk)))

    new_article = ingest_one(MAKHACHKALA_FOLLOW_UP, tmp_path / "makhachkala_follow_up.txt", desk)
    store = api.open_store(desk)
    [incident_id] = {inc for m, inc in store.mentions_of_article(new_article) if m.role == "reported"}
    record = store.incident(incident_id)
    assert new_article in {s["article_id"] for s in record["sources"]}  # it merged
    assert {s["article_id"] for s in disputed["sources"]} <= {s["article_id"] for s in record["sources"]}
    assert len(list(api.incidents(desk))) == before

    assert record["killed"]["best"] == 17
    assert [(r["action"], r["field"], r["reviewer"]) for r in record["review"]] == [("correct", "killed", "Ana")]
    row = field_row(app.get(f"/incidents/{incident_id}").text, "killed")
    assert row.split('<td class="chosen">', 1)[1].startswith("17 ")


# --- hostile article text --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A database holding only the report with markup in it: (client, article id, incident id)."""
    root = tmp_path_factory.mktemp("hostile")
    db = f"sqlite:///{root / 'hostile.db'}"
    article_id = ingest_one(HOSTILE_REPORT, root / "nalchik.txt", db)
    [(mention, incident_id)] = api.open_store(db).mentions_of_article(article_id)
    assert incident_id is not None and mention.city == "Nalchik"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("INCIDENTWATCH_REVIEW_TOKEN", raising=False)
        app = create_app(db)
    return TestClient(app), article_id, incident_id


@pytest.mark.parametrize("page", ["article", "dossier"])
def test_markup_in_an_article_is_shown_as_text(hostile, page):
    client, article_id, incident_id = hostile
    url = f"/articles/{article_id}" if page == "article" else f"/incidents/{incident_id}"
    response = client.get(url)
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "&lt;img src=x onerror=alert(2)&gt;" in response.text
    assert "<script" not in response.text
    assert "<img src=x" not in response.text
    assert "<mark" in response.text  # the evidence is still marked around the escaped text


def test_an_evidence_mark_over_markup_escapes_what_it_marks():
    marked = str(highlight(f"killing {SCRIPT} three", [(0, 30, "killed")]))
    assert marked.startswith('<mark title="killed">killing &lt;script&gt;')
    assert "<script" not in marked


# --- merging and splitting ----------------------------------------------------------------------------------

@pytest.fixture
def writable(desk):
    """A reviewing workbench on the test's own copy of the sample: (client, object with .store)."""
    class Desk:
        store = desk
    return reviewing(desk), Desk

def test_an_analyst_splits_a_report_off_and_merges_it_back(writable):
    """Fusion decisions are reviews too: a report split off an incident becomes an incident of its own,
    merged back it rejoins; each needs the token, and the history says who did what."""
    client, sample = writable
    multi = next(r for r in api.incidents(sample.store) if len(r["sources"]) >= 3)
    record = api.incident(multi["id"], sample.store)
    leaving = record["mention_ids"][-1]
    # the report split off may be one that only recalls the attack: its incident is then background-only,
    # which lists leave out by default, so count with the background ones
    def count():
        return len(list(api.incidents(sample.store, include_background=True)))
    before = count()

    refused = client.post(f"/incidents/{record['id']}/split", data={"mention": leaving, "reviewer": "ana"})
    assert refused.status_code == 403
    answer = client.post(f"/incidents/{record['id']}/split",
                         data={"mention": leaving, "reviewer": "ana", "token": TOKEN}, follow_redirects=False)
    assert answer.status_code == 303
    alone_id = answer.headers["location"].rsplit("/", 1)[1]
    alone = api.incident(alone_id, sample.store)
    assert alone["mention_ids"] == [leaving]
    assert count() == before + 1
    assert leaving not in api.incident(record["id"], sample.store)["mention_ids"]

    answer = client.post(f"/incidents/{alone_id}/merge",
                         data={"other": record["id"], "reviewer": "ben", "token": TOKEN}, follow_redirects=False)
    assert answer.status_code == 303
    merged = api.incident(answer.headers["location"].rsplit("/", 1)[1], sample.store)
    assert sorted(merged["mention_ids"]) == sorted(record["mention_ids"])
    assert count() == before
    history = client.get(f"/incidents/{merged['id']}").text
    assert "ana split off" in history and "ben merged" in history


def test_a_split_survives_re_ingest_of_the_same_reports(tmp_path):
    """The decision is kept with the mentions, so fusing them again keeps the report apart."""
    db = str(tmp_path / "split.db")
    api.ingest(api.sample_reports(), db=db)
    multi = next(r for r in api.incidents(db) if len(r["sources"]) >= 3)
    leaving = api.incident(multi["id"], db)["mention_ids"][-1]
    api.split_mention(multi["id"], leaving, "ana", db=db)
    store = api.open_store(db)
    # re-fuse the whole neighbourhood, as ingesting a new report of it would
    api._refuse_around(store, {m.id: m for m in store.all_mentions()})
    holding = store.incidents_of_mentions([leaving])
    assert [h["mention_ids"] for h in holding] == [[leaving]]


def test_merging_an_incident_with_itself_or_a_missing_one_is_refused(writable):
    client, sample = writable
    some = next(iter(api.incidents(sample.store)))["id"]
    same = client.post(f"/incidents/{some}/merge", data={"other": some, "reviewer": "ana", "token": TOKEN})
    assert same.status_code == 400
    missing = client.post(f"/incidents/{some}/merge", data={"other": "inc-nothere", "reviewer": "ana",
                                                             "token": TOKEN})
    assert missing.status_code == 404


# --- the map's outlines ----------------------------------------------------------------------------------------

def test_outlines_decode_quantized_topojson_with_shared_and_reversed_arcs(tmp_path):
    """Two squares sharing an edge, as TopoJSON stores them: quantized, delta-encoded arcs, the shared
    edge used forwards by one country and backwards (~index) by the other."""
    from incidentwatch.web import outlines

    topology = {
        "type": "Topology",
        "transform": {"scale": [1.0, 1.0], "translate": [10.0, 40.0]},
        "arcs": [
            [[1, 0], [0, 1]],                    # shared edge (1,0) -> (1,1)
            [[1, 1], [-1, 0], [0, -1], [1, 0]],  # the rest of the west square, back to (1,0)
            [[1, 0], [1, 0], [0, 1], [-1, 0]],   # the rest of the east square, ending at (1,1)
        ],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "West"}},
            {"type": "Polygon", "arcs": [[2, ~0]], "properties": {"name": "East"}},
        ]}},
    }
    source = tmp_path / "tiny.json"
    source.write_text(json.dumps(topology))
    out = tmp_path / "world.json"
    assert outlines.main([str(source), str(out)]) == 0
    shapes = {s["name"]: s for s in json.loads(out.read_text())}
    assert shapes["West"]["bbox"] == [10.0, 40.0, 11.0, 41.0]
    assert shapes["East"]["bbox"] == [11.0, 40.0, 12.0, 41.0]
    # y is minus the latitude (SVG's y grows downwards); the ring closes where it began
    assert shapes["West"]["d"] == "M11.00,-40.00L11.00,-41.00L10.00,-41.00L10.00,-40.00L11.00,-40.00Z"
    assert shapes["East"]["d"].startswith("M11.00,-40.00L12.00,-40.00L12.00,-41.00L11.00,-41.00")
    assert shapes["East"]["d"].endswith("L11.00,-40.00Z")


# --- limits per request -----------------------------------------------------------------------------------------

def test_a_download_over_the_export_limit_is_refused_with_a_way_out(sample):
    """A download holds at most `max_export` incidents; more gets 413 and says how to get them all."""
    n = len(list(api.incidents(sample.store)))
    small = TestClient(create_app(sample.url, max_export=n - 1))
    response = small.get("/incidents.jsonl")
    assert response.status_code == 413
    assert f"{n} incidents match; a download holds at most {n - 1}" in response.text
    assert "incidentwatch export" in response.text
    assert response.headers["Content-Security-Policy"] == CSP
    narrowed = small.get("/incidents.jsonl", params={"min_killed": "100"})
    assert narrowed.status_code == 200
    assert 0 < len(narrowed.text.splitlines()) < n


def test_a_request_that_takes_too_long_gets_503_and_the_app_still_answers(sample, monkeypatch):
    app = create_app(sample.url, request_seconds=0.2)
    client = TestClient(app)
    import time as _time

    from incidentwatch.store.db import Store as StoreClass

    real_search = StoreClass.search

    def slow_search(self, *args, **kwargs):
        _time.sleep(1.0)
        return real_search(self, *args, **kwargs)

    monkeypatch.setattr(StoreClass, "search", slow_search)
    response = client.get("/incidents")
    assert response.status_code == 503
    assert "no answer within 0.2 seconds" in response.text
    assert response.headers["X-Frame-Options"] == "DENY"
    monkeypatch.setattr(StoreClass, "search", real_search)
    assert client.get("/incidents").status_code == 200


def test_a_form_post_over_the_body_limit_is_refused_before_it_is_read(desk):
    client = TestClient(create_app(desk, review_token=TOKEN, max_body=1024), follow_redirects=False)
    [inc] = list(api.incidents(desk))[:1]
    before = list(api.incidents(desk))
    response = client.post(f"/incidents/{inc['id']}/review",
                           data={"token": TOKEN, "field": "killed", "value": "3", "note": "x" * 5000})
    assert response.status_code == 413
    assert "at most 1024 bytes" in response.text
    assert list(api.incidents(desk)) == before


def test_search_words_over_the_limit_are_a_400_not_a_slow_query(client):
    response = client.get("/incidents", params={"q": "word " * 100})
    assert response.status_code == 400
    assert "over 200 characters" in response.text


def test_no_route_reads_a_file_outside_the_app(client):
    """Only /static serves files, from the package's own static directory; paths that climb out are 404."""
    for path in ("/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                 "/static/..%2f..%2f..%2fetc%2fpasswd", "/articles/..%2f..%2fetc%2fpasswd",
                 "/static//etc/passwd"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "root:" not in response.text
    assert client.get("/static/style.css").status_code == 200
    paths = {getattr(r, "path", None) for r in client.app.routes}
    assert paths == {"/", "/incidents", "/incidents.{fmt}", "/incidents/{incident_id}",
                     "/incidents/{incident_id}/review", "/incidents/{incident_id}/merge",
                     "/incidents/{incident_id}/split", "/incidents/{incident_id}/not-an-attack", "/review",
                     "/groups/{name:path}", "/articles/{article_id:path}", "/static"}


def test_the_store_assembles_no_sql_from_values():
    """SQL text in the store is constant: values always travel as bound parameters."""
    import inspect

    from incidentwatch.store import db, queries

    for module in (db, queries):
        source = inspect.getsource(module)
        assert not re.search(r"""(?:text|execute|exec_driver_sql)\(\s*f["']""", source), module.__name__
        assert ".format(" not in source.replace('INDEX_TEXT.format(where="WHERE i.id IN :ids")', ""), module.__name__


def test_a_parent_named_only_through_its_branch_has_a_page_listing_the_branch(tmp_path):
    report = tmp_path / "branch.txt"
    report.write_text(
        "Gunmen attack police post in Dagestan\n\n"
        "Gunmen opened fire on a police post in Derbent, Dagestan, Russia, on Sunday, April 14, 2024, killing two "
        "officers and wounding three, the interior ministry said. The attackers escaped in a car.\n\n"
        "Vilayat Kavkaz claimed responsibility for the attack on the police post in a statement on Monday.",
        encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'branch.db'}"
    api.ingest([report], db=url)
    branch = "Islamic State – Caucasus Province"
    assert [(g.name, g.parent) for g in api.groups(url)] == [(branch, IS)]
    client = TestClient(create_app(url))
    page = client.get(f"/groups/{branch}")
    assert page.status_code == 200 and f'Part of <a href="/groups/{IS}">' in page.text
    parent = client.get(f"/groups/{IS}")
    assert parent.status_code == 200
    assert f'<a href="/groups/{branch}">{branch}</a> (1 incident)' in parent.text
    assert client.get("/groups/No Such Group").status_code == 404


# --- confidence, the review queue and the verdict "not an attack" -------------------------------------------------

def test_the_list_shows_each_incidents_confidence_and_filters_on_it(client, sample):
    every = api.search(Filters(min_confidence=0), db=sample.store, per_page=500)[0]
    assert every and all(r.get("confidence") is not None for r in every)
    cut = sorted(r["confidence"] for r in every)[len(every) // 2]
    page = client.get("/incidents", params={"min_confidence": str(cut)}).text
    kept = {i for i, _ in table(page)}
    assert kept == {r["id"] for r in every if r["confidence"] >= cut and not r.get("background_only")}
    assert f"{every[0]['confidence']:.2f}" in client.get(f"/incidents/{every[0]['id']}").text


@pytest.mark.parametrize("value", ["2", "-0.1", "high"])
def test_a_confidence_outside_zero_to_one_is_a_400(client, value):
    response = client.get("/incidents", params={"min_confidence": value})
    assert response.status_code == 400 and "min_confidence" in error_message(response.text)


def test_the_review_queue_lists_every_incident_least_certain_first(client, sample):
    queue = client.get("/review")
    assert [i for i, _ in table(queue.text)] == [
        r["id"] for r in all_pages(sample.store, Filters(min_confidence=0), sort="confidence", descending=False)]


def test_not_an_attack_from_the_dossier_removes_the_incident_and_restore_brings_it_back(writable):
    client, sample = writable
    inc = next(iter(api.incidents(sample.store)))
    refused = client.post(f"/incidents/{inc['id']}/not-an-attack", data={"reviewer": "ana"})
    assert refused.status_code == 403
    done = client.post(f"/incidents/{inc['id']}/not-an-attack",
                       data={"reviewer": "ana", "note": "a drill", "token": TOKEN})
    assert done.status_code == 303
    assert inc["id"] not in {i for i, _ in table(client.get("/incidents").text)}
    dossier = client.get(f"/incidents/{inc['id']}").text
    assert "Marked not an attack by ana" in dossier and "ana marked not an attack" in dossier
    client.post(f"/incidents/{inc['id']}/not-an-attack", data={"reviewer": "ben", "restore": "yes", "token": TOKEN})
    assert inc["id"] in {r["id"] for r in api.incidents(sample.store)}
    assert "ben restored as an attack" in client.get(f"/incidents/{inc['id']}").text
