"""Bad input is rejected one file (or one line) at a time, with one clear line, and the batch goes on.

The main scenario: a database already holds one report; then a batch arrives in which most files are
bad and a few are good.  It is ingested once through the CLI (module-scoped fixture) and the tests
check what the user was told, the exit status, and what the database holds afterwards.
"""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidentwatch import api
from incidentwatch.cli import app
from incidentwatch.ingest import Rejection, read_paths
from incidentwatch.store import Store

from conftest import TEXT_WITH_TITLE, incidentwatch_command, sparse_file

TEN_MB = 10 * 1024 * 1024

LATE_REPORT = """\
Militants fire on traffic police in Nalchik

NALCHIK, October 14, 2021 — Militants opened fire on a traffic police post in Nalchik, \
Kabardino-Balkaria, on Thursday, wounding one officer, the republic's interior ministry said.

The gunmen escaped into the forest after the attack. Police launched a search operation.
"""

GOOD_LINE_1 = {
    "id": "desk-2018-kizlyar",
    "url": "https://desk.example.net/2018/02/19/kizlyar-church",
    "published": "2018-02-19",
    "title": "Gunman attacks churchgoers in Kizlyar",
    "text": "A gunman opened fire on worshippers leaving a church in Kizlyar, Dagestan, on Sunday, "
            "February 18, 2018, killing five women, officials said. The attacker was shot dead by police.",
}
GOOD_LINE_3 = {
    "id": "desk-2018-grozny",
    "url": "https://desk.example.net/2018/05/20/grozny-church",
    "published": "2018-05-20",
    "title": "Attackers storm church in Grozny",
    "text": "Four armed men stormed an Orthodox church in Grozny, Chechnya, on Saturday, May 19, 2018, "
            "killing two police officers and a parishioner before they were shot dead by security forces.",
}


def write_bad_batch(inbox: Path) -> dict[str, Path]:
    """A batch in which every kind of bad input appears once, between good files."""
    inbox.mkdir(parents=True)
    files = {
        "empty": inbox / "a_empty.txt",
        "blank": inbox / "b_blank.txt",
        "binary": inbox / "c_photo.jpg",
        "undecodable": inbox / "d_latin1.txt",
        "oversized": inbox / "e_huge.txt",
        "jsonl": inbox / "f_wire.jsonl",
        "truncated_feed": inbox / "g_truncated.xml",
        "not_a_feed": inbox / "h_not_a_feed.rss",
        "good": inbox / "zz_late_report.txt",
    }
    files["empty"].write_bytes(b"")
    files["blank"].write_bytes(b"  \n\n\t \n")
    files["binary"].write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(range(256)) * 16)
    files["undecodable"].write_bytes(
        "Explosion outside a caf\u00e9 in Kabul\n\nA bomb went off outside a caf\u00e9.\n".encode("latin-1"))
    sparse_file(files["oversized"], TEN_MB + 1)
    files["jsonl"].write_text(
        json.dumps(GOOD_LINE_1) + "\n"
        + '{"id": "desk-broken", "text": "The line ends before the string does\n'
        + json.dumps(GOOD_LINE_3) + "\n", encoding="utf-8")
    files["truncated_feed"].write_text(
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Desk</title><item><title>Blast in', encoding="utf-8")
    files["not_a_feed"].write_text("This was meant to be a feed, but it is only a sentence.\n", encoding="utf-8")
    files["good"].write_text(LATE_REPORT, encoding="utf-8")
    return files


@dataclass
class BadBatch:
    db: str
    files: dict[str, Path]
    earlier_id: str
    earlier_incidents: list[dict]
    exit_code: int
    stdout: str
    stderr_lines: list[str]


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory) -> BadBatch:
    root = tmp_path_factory.mktemp("bad-batch")
    db = f"sqlite:///{root / 'desk.db'}"
    earlier = root / "earlier" / "derbent_checkpoint.txt"
    earlier.parent.mkdir()
    earlier.write_text(TEXT_WITH_TITLE, encoding="utf-8")
    first = api.ingest([earlier], db=db)
    assert first.ingested == 1 and first.exit_code == 0
    store = Store(db)
    earlier_id = store.find_duplicate(next(iter(read_paths([earlier]))))
    earlier_incidents = list(api.incidents(store))
    store.close()

    files = write_bad_batch(root / "inbox")
    result = CliRunner().invoke(app, ["ingest", str(root / "inbox"), "--db", db])
    return BadBatch(db=db, files=files, earlier_id=earlier_id, earlier_incidents=earlier_incidents,
                    exit_code=result.exit_code, stdout=result.stdout,
                    stderr_lines=[ln for ln in result.stderr.splitlines() if ln.strip()])


# what the one line for each bad file must say
REASONS = {
    "empty": "file is empty",
    "blank": "file is empty",
    "binary": "binary file",
    "undecodable": "not valid UTF-8",
    "oversized": "over the 10 MB limit",
    "truncated_feed": "feed does not parse",
    "not_a_feed": "feed does not parse",
}


def lines_naming(batch: BadBatch, path: Path) -> list[str]:
    return [ln for ln in batch.stderr_lines if path.name in ln]


@pytest.mark.parametrize("kind", sorted(REASONS))
def test_each_bad_file_gets_exactly_one_line_naming_the_file_and_the_reason(bad_batch, kind):
    path = bad_batch.files[kind]
    lines = lines_naming(bad_batch, path)
    assert len(lines) == 1, f"expected one line about {path.name}, got {lines}"
    assert lines[0].startswith(f"rejected {path}: ")
    assert REASONS[kind] in lines[0]


def test_an_invalid_json_line_is_rejected_by_file_and_line_number(bad_batch):
    path = bad_batch.files["jsonl"]
    [line] = lines_naming(bad_batch, path)
    assert line.startswith(f"rejected {path}:2: invalid JSON")
    assert "column" in line


def test_the_good_lines_around_an_invalid_json_line_are_still_ingested(bad_batch):
    store = Store(bad_batch.db)
    try:
        for rec in (GOOD_LINE_1, GOOD_LINE_3):
            article = store.article(rec["id"])
            assert article is not None, f"{rec['id']} was not stored"
            assert article.text == rec["text"]
        assert store.article("desk-broken") is None
    finally:
        store.close()


def test_the_good_file_after_the_bad_ones_is_ingested(bad_batch):
    [article] = read_paths([bad_batch.files["good"]])
    store = Store(bad_batch.db)
    try:
        assert store.article(article.id) is not None
    finally:
        store.close()


def test_the_report_counts_what_was_ingested_and_rejected(bad_batch):
    assert bad_batch.stderr_lines[-1].startswith("3 ingested, 0 duplicate, 8 rejected")
    rejected = [ln for ln in bad_batch.stderr_lines if ln.startswith("rejected ")]
    assert len(rejected) == 8


def test_the_exit_status_is_3_when_some_input_was_rejected(bad_batch):
    assert bad_batch.exit_code == 3


def test_ingest_writes_nothing_to_stdout(bad_batch):
    """Messages go to stderr, so stdout stays clean for pipes."""
    assert bad_batch.stdout == ""


def test_articles_stored_before_the_bad_batch_are_still_there(bad_batch):
    store = Store(bad_batch.db)
    try:
        article = store.article(bad_batch.earlier_id)
        assert article is not None
        assert article.text == TEXT_WITH_TITLE
        assert store.count("articles") == 1 + 3
        cited = {s["article_id"] for inc in api.incidents(store) for s in inc["sources"]}
        assert bad_batch.earlier_id in cited, "the earlier report's incident is gone"
    finally:
        store.close()


def test_the_earlier_incident_is_unchanged_by_an_unrelated_batch(bad_batch):
    store = Store(bad_batch.db)
    try:
        now = {inc["id"]: inc for inc in api.incidents(store)}
    finally:
        store.close()
    for before in bad_batch.earlier_incidents:
        assert now.get(before["id"]) == before


# --- the readers on their own: one Rejection per bad input, never an exception -----------------------------------

@pytest.mark.parametrize("kind", sorted(REASONS))
def test_the_reader_turns_each_bad_file_into_one_rejection(tmp_path, kind):
    files = write_bad_batch(tmp_path / "inbox")
    items = list(read_paths([files[kind]]))
    assert items == [Rejection(str(files[kind]), items[0].reason)]
    assert REASONS[kind] in items[0].reason
    assert "\n" not in str(items[0])


def test_the_reader_names_the_line_of_a_bad_json_line_and_keeps_the_good_ones(tmp_path):
    files = write_bad_batch(tmp_path / "inbox")
    items = list(read_paths([files["jsonl"]]))
    assert [type(i).__name__ for i in items] == ["Article", "Rejection", "Article"]
    assert items[1].source == f"{files['jsonl']}:2"
    assert [items[0].source, items[2].source] == [f"{files['jsonl']}:1", f"{files['jsonl']}:3"]


def test_other_bad_json_lines_are_named_too(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text('[1, 2, 3]\n{"id": "no-text", "title": "Only a title"}\n{"text": "   "}\n', encoding="utf-8")
    items = list(read_paths([path]))
    assert [(i.source, i.reason) for i in items] == [
        (f"{path}:1", "not a JSON object"),
        (f"{path}:2", "no 'text' field with article text"),
        (f"{path}:3", "no 'text' field with article text"),
    ]


def test_a_whole_jsonl_file_in_another_encoding_is_rejected_once(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps({"text": "Bomb at the caf\u00e9"}, ensure_ascii=False).encode("latin-1"))
    [rejection] = read_paths([path])
    assert rejection.source == str(path)
    assert "not valid UTF-8" in rejection.reason


def test_a_feed_with_no_items_is_rejected(tmp_path):
    path = tmp_path / "quiet.xml"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    [rejection] = read_paths([path])
    assert rejection.source == str(path)
    assert rejection.reason == "feed has no items"  # a well-formed feed, empty: said as such


def test_a_file_of_exactly_10_mb_is_not_rejected_for_its_size(tmp_path):
    path = tmp_path / "big.txt"
    block = ("Gunmen opened fire on a police post. " * 100 + "\n").encode("ascii")
    with open(path, "wb") as f:
        f.write(block * (TEN_MB // len(block)))
        f.write(b"x" * (TEN_MB - f.tell()))
    assert path.stat().st_size == TEN_MB
    [article] = read_paths([path])
    assert article.format == "text"


def test_utf16_text_with_a_byte_order_mark_is_not_taken_for_binary(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(TEXT_WITH_TITLE.encode("utf-16"))
    [article] = read_paths([path])
    assert article.text == TEXT_WITH_TITLE


def test_a_path_that_does_not_exist_is_rejected_and_the_rest_goes_on(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(TEXT_WITH_TITLE, encoding="utf-8")
    missing = tmp_path / "missing.txt"
    items = list(read_paths([missing, good]))
    assert items[0] == Rejection(str(missing), "no such file or directory")
    assert items[1].text == TEXT_WITH_TITLE


def test_api_report_exit_code_follows_rejections(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    report = api.ingest([empty], db=f"sqlite:///{tmp_path / 'x.db'}")
    assert report.ingested == 0
    assert report.rejected == [Rejection(str(empty), "file is empty")]
    assert report.exit_code == 3
    assert api.IngestReport().exit_code == 0


# --- the real process --------------------------------------------------------------------------------------------

def test_the_installed_command_exits_3_and_prints_one_line_per_rejected_file(tmp_path):
    """The one test that runs the CLI as a process, to see the true exit status."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = tmp_path / "report.txt"
    good.write_text(LATE_REPORT, encoding="utf-8")
    proc = subprocess.run([*incidentwatch_command(), "ingest", str(empty), str(good),
                           "--db", str(tmp_path / "proc.db")],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.splitlines()
    assert [ln for ln in lines if "empty.txt" in ln] == [f"rejected {empty}: file is empty"]
    assert lines[-1].startswith("1 ingested, 0 duplicate, 1 rejected")
    assert proc.stdout == ""


def test_a_jsonl_file_over_the_size_limit_is_read_a_line_at_a_time(tmp_path, monkeypatch):
    """A back-fill file may be gigabytes: past the per-document limit it is streamed, and the limit then
    applies to each line."""
    from incidentwatch.ingest import read as read_module

    monkeypatch.setattr(read_module, "MAX_BYTES", 300)
    lines = [json.dumps({"id": f"a{i}", "text": f"Gunmen attacked a police post in town number {i}."}) for i in range(6)]
    lines.insert(2, "{not json")
    lines.insert(4, json.dumps({"id": "long", "text": "word " * 100}))
    path = tmp_path / "backfill.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 300
    items = list(read_paths([path]))
    assert [a.id for a in items if not isinstance(a, Rejection)] == [f"a{i}" for i in range(6)]
    rejected = {r.source: r.reason for r in items if isinstance(r, Rejection)}
    assert set(rejected) == {f"{path}:3", f"{path}:5"}
    assert "invalid JSON" in rejected[f"{path}:3"]
    assert "over the" in rejected[f"{path}:5"]
