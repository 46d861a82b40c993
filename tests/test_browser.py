"""The workbench in a real browser: Debian's Chromium driven by Playwright, against the app served on
localhost from the demo's database.

Skipped where Chromium or Playwright is missing (`.ci/run` installs both).  Screenshots go to a temporary
directory, or to $INCIDENTWATCH_SCREENSHOTS (`make screenshots` writes docs/screenshots/).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from incidentwatch import api

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")
TOKEN = "correct-horse-battery"
# the flags keep Chromium from reaching for Google's services at start (the machine has no network)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

HOSTILE = """Gunmen <script>alert(1)</script> attacked a police post in Khasavyurt
KHASAVYURT, 2019-05-04 — Gunmen opened fire on a police post in Khasavyurt, Dagestan, on Saturday,
killing two officers <img src=x onerror=alert(2)> and wounding three, the regional interior ministry said.
The attackers fled in a car. <script>document.title='pwned'</script> No group has claimed the attack.
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from incidentwatch.web.app import create_app

    root = tmp_path_factory.mktemp("browser")
    db = str(root / "demo.db")
    hostile = root / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    api.ingest([*api.sample_reports(), hostile], db=db)
    port = _free_port()
    config = uvicorn.Config(create_app(db, review_token=TOKEN), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "db": db}
    srv.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    """A fresh page that records every request it makes and every dialog a script opens."""
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    pg = context.new_page()
    pg.requests = []
    pg.dialogs = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    where = os.environ.get("INCIDENTWATCH_SCREENSHOTS")
    path = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stays_home(pg, server) -> None:
    outside = [u for u in pg.requests if not u.startswith(server["url"] + "/")]
    assert pg.requests and not outside, f"requests left the app: {outside}"


def _conflicting(db) -> dict:
    return next(r for r in api.incidents(db) if (r.get("conflicts") or {}).get("killed"))


def test_filter_open_dossier_and_correct_a_field(page, server, shots):
    """An analyst filters the table, opens an incident whose sources disagree, sees both figures and the
    highlighted evidence, corrects the death toll with the token, and the export follows."""
    target = _conflicting(server["db"])
    page.goto(server["url"] + "/incidents")
    total = int(page.inner_text("#count"))
    assert total == len(list(api.incidents(server["db"])))
    page.screenshot(path=str(shots / "incidents.png"), full_page=True)

    page.select_option("select[name=country]", target["country"])
    page.fill("input[name=min_killed]", str(target["killed"]["best"]))
    page.click("form.filters button[type=submit]")
    filtered = int(page.inner_text("#count"))
    assert 1 <= filtered < total
    assert f"min_killed={target['killed']['best']}" in page.url

    page.click(f"a[href='/incidents/{target['id']}']")
    assert page.url.endswith(f"/incidents/{target['id']}")
    row = page.locator("#field-killed")
    assert "sources disagree" in row.inner_text()
    figures = {str(v["value"]) for v in target["values"]["killed"]}
    assert len(figures) > 1 and all(f in row.inner_text() for f in figures)
    assert page.locator(".source mark").count() > 0
    page.screenshot(path=str(shots / "dossier.png"), full_page=True)

    page.select_option("form.review select[name=field]", "killed")
    page.fill("form.review input[name=value]", "19")
    page.fill("form.review input[name=reviewer]", "analyst-1")
    page.fill("form.review input[name=note]", "official toll of the regional ministry")
    page.fill("form.review input[name=token]", TOKEN)
    page.click("form.review button[type=submit]")
    assert "machine value" in page.locator("#field-killed").inner_text()
    page.screenshot(path=str(shots / "review.png"), full_page=True)

    exported = page.request.get(server["url"] + "/incidents.jsonl").text()
    mine = [json.loads(line) for line in exported.splitlines() if json.loads(line)["id"] == target["id"]]
    assert mine[0]["killed"]["best"] == 19
    assert mine[0]["review"][-1]["reviewer"] == "analyst-1"
    _stays_home(page, server)


def test_a_review_without_the_token_is_refused(page, server):
    target = _conflicting(server["db"])
    page.goto(server["url"] + f"/incidents/{target['id']}")
    before = api.incident(target["id"], server["db"])["killed"]
    answer = page.request.post(server["url"] + f"/incidents/{target['id']}/review",
                               form={"field": "killed", "value": "1000", "reviewer": "intruder"})
    assert answer.status == 403
    answer = page.request.post(server["url"] + f"/incidents/{target['id']}/review",
                               form={"field": "killed", "value": "1000", "reviewer": "intruder", "token": "guess"})
    assert answer.status == 403
    assert api.incident(target["id"], server["db"])["killed"] == before


def test_group_and_article_pages(page, server, shots):
    page.goto(server["url"] + "/groups/Islamic State")
    assert page.locator("h1").inner_text() == "Islamic State"
    assert page.locator("table.incidents tbody tr").count() >= 1
    page.screenshot(path=str(shots / "group.png"), full_page=True)
    target = _conflicting(server["db"])
    page.goto(server["url"] + f"/incidents/{target['id']}")
    page.click(".source h3 a >> nth=0")
    assert "/articles/" in page.url
    assert page.locator(".text mark").count() > 0
    page.screenshot(path=str(shots / "article.png"), full_page=True)
    _stays_home(page, server)


def test_no_page_requests_anything_outside_the_app(page, server):
    """Every page, with its stylesheet, map and charts: all requests go to the app itself."""
    target = _conflicting(server["db"])
    for path in ["/incidents", "/incidents?sort=killed&dir=asc", f"/incidents/{target['id']}",
                 "/groups/Islamic State", "/incidents?q=synagogue"]:
        page.goto(server["url"] + path)
        page.wait_for_load_state("networkidle")
    assert any(u.endswith("/static/style.css") for u in page.requests)
    _stays_home(page, server)


def test_markup_in_an_article_never_runs(page, server, shots):
    """An article whose title and text carry <script> and <img onerror>: shown as text, nothing runs."""
    store = api.open_store(server["db"])
    hostile = next(r for r in api.incidents(server["db"]) if r.get("city") == "Khasavyurt")
    article_id = hostile["sources"][0]["article_id"]
    for path in [f"/articles/{article_id}", f"/incidents/{hostile['id']}", "/incidents?q=Khasavyurt"]:
        page.goto(server["url"] + path)
        page.wait_for_load_state("networkidle")
        assert page.title() != "pwned"
        assert page.evaluate("document.querySelectorAll('script').length") == 0
        assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0
    page.goto(server["url"] + f"/articles/{article_id}")
    assert "<script>alert(1)</script>" in page.locator(".text").inner_text()
    assert store.article(article_id) is not None
    assert page.dialogs == []
    page.screenshot(path=str(shots / "hostile-article.png"), full_page=True)
