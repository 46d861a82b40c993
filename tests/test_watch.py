"""`incidentwatch watch`: sources followed over (loopback) HTTP, folders and growing JSON Lines files; alerts
raised once for each change of an incident and delivered through the terminal, a JSONL log, a webhook and email.

Every report below was written for this test suite (the Buynaksk texts are the ones of the team's smoke script):
the places are real, the attacks are invented.  Each test starts its own servers on 127.0.0.1, on free ports,
and shuts them down when it ends.
"""
from __future__ import annotations

import email
import email.policy
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest

from incidentwatch.extract.actors import canonical_group, family
from incidentwatch.store import Store
from incidentwatch.store.watchstate import WatchState
from incidentwatch.watch import Watcher
from incidentwatch.watch.alerts import alerts_for, changes, matches
from incidentwatch.watch.config import ConfigError, Rule, parse

INCIDENTWATCH = Path(sys.executable).with_name("incidentwatch")

# --- the reports ------------------------------------------------------------------------------------------

# a report, then the same item rewritten with a higher toll, then a second outlet's report naming a claim
A1 = {"slug": "buynaksk", "date": "Tue, 12 Mar 2024 08:00:00 GMT",
      "title": "Gunmen kill three police officers in Dagestan",
      "body": ("Gunmen opened fire on a police checkpoint in the town of Buynaksk in Dagestan, Russia, on Monday "
               "evening, killing three police officers and wounding two others, the regional interior ministry "
               "said. The attackers fled in a car and a manhunt is under way. Investigators opened a criminal "
               "case on charges of terrorism over the attack on the checkpoint, which guards the road to "
               "Makhachkala. Officials said the gunmen were armed with automatic rifles and threw a grenade at "
               "the post before escaping. It was the third attack on police in the republic this year.")}
A2 = A1 | {"body": A1["body"].replace("killing three police officers", "killing five police officers"),
           "title": "Toll rises to five in Dagestan checkpoint attack"}
B = {"slug": "claim", "date": "Wed, 13 Mar 2024 09:00:00 GMT", "title": "Islamic State claims Buynaksk attack",
     "body": ("The Islamic State group claimed responsibility for Monday's attack on a police checkpoint in "
              "Buynaksk, Dagestan, in which five police officers were killed, in a statement carried by its Amaq "
              "news agency. Gunmen opened fire on the checkpoint and threw a grenade before fleeing, officials "
              "said. The interior ministry said two more officers were wounded in the shooting. Investigators "
              "opened a terrorism case.")}

NAZRAN = {"slug": "nazran", "date": "Sat, 08 Jun 2024 07:00:00 GMT",
          "title": "Two officers killed at Nazran police post",
          "body": ("Gunmen opened fire on a traffic police post in Nazran, Ingushetia, Russia, on Saturday, June 8, "
                   "2024, killing two officers, the regional interior ministry said. The attackers escaped in a "
                   "car.")}

# a feed that gives only a summary (no toll in it) and a page with the whole report
SUMMARY = {"slug": "khasavyurt", "date": "Fri, 10 May 2024 12:00:00 GMT", "title": "Car bomb in Khasavyurt",
           "body": "A car bomb exploded outside a police station in Khasavyurt, Dagestan. More to follow."}
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Car bomb kills seven in Khasavyurt</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Car bomb kills seven in Khasavyurt</h1>
<p>A bomb hidden in a parked car exploded outside a police station in Khasavyurt, Dagestan, Russia, on Friday,
May 10, 2024, killing seven police officers and wounding four passers-by, the regional interior ministry said.</p>
<p>Investigators said the car had been left outside the station overnight. A criminal case on charges of
terrorism was opened.</p></article>
<footer>Copyright Caspian Courier.</footer></body></html>"""

# short reports for the folder and JSON Lines sources
DERBENT = ("Gunmen kill two officers in Derbent\n\nGunmen opened fire on a police patrol in Derbent, Dagestan, Russia, "
           "on Sunday, April 14, 2024, killing two officers, the interior ministry said. The attackers escaped.")
KIDAL = ("A roadside bomb struck an army convoy near Kidal, Mali, on Tuesday, February 6, 2024, killing three "
         "soldiers, the army said. Gunmen then fired on the convoy.")
QUETTA = ("A bomb exploded at a vegetable market in Quetta, Pakistan, on Thursday, January 11, 2024, killing four "
          "people and injuring nine, police said.")
GAO = ("Militants attacked a military camp near Gao, Mali, on Monday, March 4, 2024, killing six soldiers, "
       "the army said. The attackers fled on motorbikes.")


# --- a local web site: routes set by the test, every request recorded ---------------------------------------

@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes
    status: int | None = None


class _Handler(BaseHTTPRequestHandler):
    def _serve(self):
        site = self.server.site
        n = int(self.headers.get("Content-Length") or 0)
        req = Request(self.command, self.path.split("?")[0], {k.lower(): v for k, v in self.headers.items()},
                      self.rfile.read(n) if n else b"")
        with site.lock:
            site.requests.append(req)
        route = site.routes.get(req.path)
        if route is None:
            status, headers, body = 404, {}, b"not found"
        else:
            status, headers, body = route(req) if callable(route) else route
        req.status = status
        try:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (the timeout test)
            pass

    do_GET = do_POST = _serve

    def log_message(self, *args):
        pass


class Site:
    def __init__(self):
        self.routes: dict = {}
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()  # wakes handlers that sleep
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.site = self
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_port

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str, method: str = "GET") -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.path == path and r.method == method]

    def close(self):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


def rss(site: Site, items: list[dict]) -> bytes:
    out = [('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Caspian Wire</title>'
            f'<link>{site.url("/")}</link>')]
    for i in items:
        out.append(f"<item><title>{xml_escape(i['title'])}</title><link>{site.url('/a/' + i['slug'])}</link>"
                   f"<guid isPermaLink=\"false\">{i['slug']}</guid><pubDate>{i['date']}</pubDate>"
                   f"<description>{xml_escape(i['body'])}</description></item>")
    out.append("</channel></rss>")
    return "".join(out).encode()


def feed_route(site: Site, items: list[dict]):
    """A feed route serving whatever `items` holds at the time of the request."""
    return lambda req: (200, {"Content-Type": "application/rss+xml; charset=utf-8"}, rss(site, items))


# --- a local SMTP server ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = None
        self.start()

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    s = SMTPServer()
    yield s
    s.stop()


# --- helpers --------------------------------------------------------------------------------------------------

@pytest.fixture
def watchers():
    """Make Watchers; all are closed when the test ends."""
    made: list[Watcher] = []

    def make(cfg, db, **kw) -> Watcher:
        w = Watcher(cfg, db=db, **kw)
        made.append(w)
        return w
    yield make
    for w in made:
        w.close()
        w.store.close()


def stop(w: Watcher) -> None:
    w.close()
    w.store.close()


def count(db: str, table: str) -> int:
    store = Store(db)
    try:
        return store.count(table)
    finally:
        store.close()


def stored_alerts(db: str) -> list[dict]:
    store = Store(db)
    try:
        return WatchState(store).alerts()
    finally:
        store.close()


# --- 1. done when A: alerts once each through every output, across restarts and failing outputs -----------

def test_feed_changes_alert_once_through_every_output_and_survive_restarts(site, smtp, tmp_path, watchers,
                                                                             fresh_db):
    items: list[dict] = []
    site.routes["/feed.xml"] = feed_route(site, items)
    hook = {"status": 200, "bodies": []}

    def webhook(req):
        if hook["status"] == 200:
            hook["bodies"].append(json.loads(req.body))
        return hook["status"], {"Content-Type": "application/json"}, b"{}"
    site.routes["/hook"] = webhook

    jsonl_log = tmp_path / "alerts.jsonl"
    cfg = parse({"watch": {"per_host_interval": 0, "timeout": 5},
                 "source": [{"name": "wire", "feed": site.url("/feed.xml"), "every": 60, "pages": False}],
                 "rule": [{"name": "North Caucasus", "country": "Russia", "min_killed": 1}],
                 "output": [{"type": "terminal"},
                            {"type": "jsonl", "path": str(jsonl_log)},
                            {"type": "webhook", "url": site.url("/hook")},
                            {"type": "email", "host": "127.0.0.1", "port": smtp.port,
                             "from": "watch@example.org", "to": ["desk@example.org"]}]})
    db = fresh_db  # SQLite, and PostgreSQL when the tests are given one
    terminal: list[str] = []
    log: list[str] = []

    def start() -> Watcher:
        return watchers(cfg, db, log=log.append, print_line=terminal.append)

    def received() -> dict[str, list[str]]:
        """The alerts each output has taken, as the changes they tell of (in order of arrival); each output's
        copy is also checked against the alert stored in the database."""
        by_id = {a["id"]: a for a in stored_alerts(db)}
        by_text = {a["text"]: a for a in by_id.values()}
        out = {"terminal": [by_text[t]["change"] for t in terminal]}
        lines = jsonl_log.read_text("utf-8").splitlines() if jsonl_log.exists() else []
        out["jsonl"] = []
        for line in lines:
            rec = json.loads(line)
            assert rec["change"] == by_id[rec["id"]]["change"] and rec["headline"] in by_id[rec["id"]]["text"]
            out["jsonl"].append(rec["change"])
        out["webhook"] = []
        for body in hook["bodies"]:
            assert body["text"] == by_id[body["id"]]["text"]
            out["webhook"].append(body["change"])
        out["email"] = []
        for msg in smtp.inbox.messages:
            first = msg.get_content().splitlines()[0]
            change = by_text[first]["change"]
            assert msg["Subject"].startswith(f"[incidentwatch] {change}: ")
            assert msg["To"] == "desk@example.org" and msg["From"] == "watch@example.org"
            out["email"].append(change)
        return out

    def everywhere(*changes: str) -> dict[str, list[str]]:
        return {k: list(changes) for k in ("terminal", "jsonl", "webhook", "email")}

    # (1) a new item: one NEW alert, 3 killed
    w = start()
    items[:] = [A1]
    w.run_once()
    assert received() == everywhere("new")
    assert "3 killed" in terminal[0] and terminal[0].startswith("[North Caucasus] NEW: ")
    # polled again, the feed unchanged: nothing
    w.run_once()
    assert received() == everywhere("new")

    # (2) the item rewritten with a higher toll, while the webhook answers 500: TOLL everywhere but there
    hook["status"] = 500
    items[:] = [A2]
    w.run_once()
    got = received()
    assert got == {**everywhere("new", "toll"), "webhook": ["new"]}
    assert "killed 3 → 5" in terminal[-1] and "5 killed" in terminal[-1]
    assert any(r.status == 500 for r in site.hits("/hook", "POST"))
    hook_problems = [ln for ln in log if "output webhook" in ln]
    assert len(hook_problems) == 1 and "HTTP 500" in hook_problems[0]
    # the failure is told once, not at every retry
    w.run_once()
    assert [ln for ln in log if "output webhook" in ln] == hook_problems
    assert received() == {**everywhere("new", "toll"), "webhook": ["new"]}
    # the rewritten item is stored beside the first version
    assert Store(db).article("buynaksk~v2") is not None

    # the webhook is back; restart: the queued TOLL reaches it, once; nothing repeats elsewhere
    hook["status"] = 200
    stop(w)
    w = start()
    w.run_once()
    assert received() == everywhere("new", "toll")
    w.run_once()
    assert received() == everywhere("new", "toll")

    # (3) a new item naming a claim, while the mail server is down: CLAIMED everywhere but email
    smtp.stop()
    items[:] = [A2, B]
    w.run_once()
    assert received() == {**everywhere("new", "toll", "claimed"), "email": ["new", "toll"]}
    assert "claimed by Islamic State" in terminal[-1] and "CLAIMED" in terminal[-1]
    mail_problems = [ln for ln in log if "output email" in ln]
    assert len(mail_problems) == 1 and "the alerts wait for it" in mail_problems[0]

    # the mail server is back; restart: the queued CLAIMED is mailed, once
    smtp.start()
    stop(w)
    w = start()
    w.run_once()
    assert received() == everywhere("new", "toll", "claimed")

    # restart once more with the feed unchanged: no alert repeats through any output
    stop(w)
    w = start()
    w.run_once()
    assert received() == everywhere("new", "toll", "claimed")
    assert [a["change"] for a in stored_alerts(db)] == ["new", "toll", "claimed"]
    assert len(smtp.inbox.messages) == 3 and len(terminal) == 3
    assert log == hook_problems + mail_problems  # nothing else went wrong


# --- 2. conditional requests ----------------------------------------------------------------------------------

def test_conditional_requests_get_304_and_store_nothing_new(site, tmp_path, watchers):
    etag, modified = '"caspian-1"', "Sat, 08 Jun 2024 08:00:00 GMT"

    def feed(req):
        if req.headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        headers = {"Content-Type": "application/rss+xml", "ETag": etag, "Last-Modified": modified}
        return 200, headers, rss(site, [NAZRAN])
    site.routes["/feed.xml"] = feed
    cfg = parse({"watch": {"per_host_interval": 0},
                 "source": [{"name": "wire", "feed": site.url("/feed.xml"), "every": 60, "pages": False}],
                 "rule": [{"name": "all"}], "output": [{"type": "terminal"}]})
    db = f"sqlite:///{tmp_path / 'w.db'}"
    lines: list[str] = []
    w = watchers(cfg, db, log=lines.append, print_line=lines.append)
    assert w.poll(cfg.sources[0]) == 1
    first = site.hits("/feed.xml")
    assert len(first) == 1 and first[0].status == 200 and "if-none-match" not in first[0].headers
    assert count(db, "articles") == 1

    assert w.poll(cfg.sources[0]) == 0
    second = site.hits("/feed.xml")[-1]
    assert second.headers.get("if-none-match") == etag
    assert second.headers.get("if-modified-since") == modified
    assert second.status == 304
    assert count(db, "articles") == 1

    # the validators are kept in the database: a restarted watcher asks conditionally too
    stop(w)
    w = watchers(cfg, db, log=lines.append, print_line=lines.append)
    w.run_once()
    third = site.hits("/feed.xml")[-1]
    assert third.headers.get("if-none-match") == etag and third.status == 304
    assert count(db, "articles") == 1
    assert [a["change"] for a in stored_alerts(db)] == ["new"]


# --- 3. a summary-only feed: the linked page gives the article ------------------------------------------------

def test_summary_feed_item_is_read_from_its_page(site, tmp_path, watchers):
    assert len(SUMMARY["title"] + SUMMARY["body"]) < 600
    site.routes["/feed.xml"] = feed_route(site, [SUMMARY])
    site.routes["/a/khasavyurt"] = (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.encode())
    cfg = parse({"watch": {"per_host_interval": 0},
                 "source": [{"name": "courier", "feed": site.url("/feed.xml"), "every": 60}],
                 "rule": [{"name": "all"}], "output": [{"type": "terminal"}]})
    db = f"sqlite:///{tmp_path / 'w.db'}"
    printed: list[str] = []
    w = watchers(cfg, db, log=printed.append, print_line=printed.append)
    w.run_once()
    assert len(site.hits("/a/khasavyurt")) == 1
    article = Store(db).article("khasavyurt")
    assert article is not None
    assert "killing seven police officers and wounding four passers-by" in article.text
    assert "More to follow" not in article.text  # the page's text, not the summary's
    assert article.url == site.url("/a/khasavyurt")
    assert article.published.isoformat() == "2024-05-10"
    # the toll comes from the page: the summary has none
    assert len(printed) == 1 and "NEW" in printed[0] and "7 killed" in printed[0], printed


# --- 4. done when B: failing sources are backed off, logged once per back-off, and do not stop the good one -

def test_failing_sources_back_off_and_the_good_one_goes_on(site, tmp_path, watchers):
    def slow(req):
        site.stop.wait(3)  # longer than the timeout; woken when the test ends
        return 200, {"Content-Type": "application/rss+xml"}, rss(site, [NAZRAN])
    site.routes["/slow.xml"] = slow
    site.routes["/page.xml"] = (200, {"Content-Type": "text/html; charset=utf-8"},
                                b"<!DOCTYPE html><html><body><h1>Welcome</h1><p>Our pages moved.</p></body></html>")
    broken = {"route": (500, {"Content-Type": "text/plain"}, b"Internal Server Error")}
    site.routes["/broken.xml"] = lambda req: broken["route"]
    site.routes["/good.xml"] = feed_route(site, [NAZRAN])
    cfg = parse({"watch": {"per_host_interval": 0, "timeout": 1, "max_backoff": 60},
                 "source": [{"name": "slow", "feed": site.url("/slow.xml"), "every": 10, "pages": False},
                            {"name": "htmlpage", "feed": site.url("/page.xml"), "every": 10, "pages": False},
                            {"name": "broken", "feed": site.url("/broken.xml"), "every": 10, "pages": False},
                            {"name": "good", "feed": site.url("/good.xml"), "every": 10, "pages": False}],
                 "rule": [{"name": "all"}], "output": [{"type": "terminal"}]})
    now = [1000.0]
    log: list[str] = []
    printed: list[str] = []
    w = watchers(cfg, f"sqlite:///{tmp_path / 'w.db'}", log=log.append, print_line=printed.append,
                 clock=lambda: now[0])
    failing = {"slow": "no answer within 1 s", "htmlpage": "not a feed", "broken": "HTTP 500"}

    def poll_due() -> list[str]:
        polled = [s.name for s in cfg.sources if now[0] >= w.due[s.name]]
        for s in cfg.sources:
            if s.name in polled:
                w.poll(s)
        w.deliver()
        return polled

    def lines_of(name: str) -> list[str]:
        return [ln for ln in log if ln.startswith(f"{name}: ")]

    # t=1000: every source polled; the good source's incident is alerted despite the three failures
    assert poll_due() == ["slow", "htmlpage", "broken", "good"]
    assert len(printed) == 1 and "NEW" in printed[0] and "Nazran" in printed[0] and "2 killed" in printed[0]
    for name, problem in failing.items():
        (line,) = lines_of(name)
        assert problem in line and "next try in 20 s" in line and "\n" not in line
        assert w.due[name] == 1020
    assert "(got text/html)" in lines_of("htmlpage")[0]
    assert site.url("/slow.xml") in lines_of("slow")[0]
    assert lines_of("good") == [] and w.due["good"] == 1010

    # t=1010: only the good source is due; the failing ones are not asked
    now[0] = 1010
    assert poll_due() == ["good"]
    assert [len(site.hits(p)) for p in ("/slow.xml", "/page.xml", "/broken.xml", "/good.xml")] == [1, 1, 1, 2]

    # t=1020: second failure of each, one more line each, and the delay doubles (20 s, then 40 s)
    now[0] = 1020
    assert poll_due() == ["slow", "htmlpage", "broken", "good"]
    for name, problem in failing.items():
        lines = lines_of(name)
        assert len(lines) == 2 and problem in lines[1] and "next try in 40 s" in lines[1]
        assert w.due[name] == 1060

    # t=1040: the good source only, again
    now[0] = 1040
    assert poll_due() == ["good"]

    # t=1060: third failure: 80 s would be next, capped at max_backoff = 60
    now[0] = 1060
    assert poll_due() == ["slow", "htmlpage", "broken", "good"]
    for name in failing:
        assert len(lines_of(name)) == 3 and "next try in 60 s" in lines_of(name)[2]
        assert w.due[name] == 1120

    # the broken source recovers: told once, its delay is back to `every`
    broken["route"] = (200, {"Content-Type": "application/rss+xml"}, rss(site, [NAZRAN]))
    now[0] = 1120
    w.poll(cfg.sources[2])
    assert lines_of("broken")[-1] == "broken: working again after 3 failed polls"
    assert w.due["broken"] == 1130 and w.failures["broken"] == 0
    # still one alert: the same report from another source is no news
    assert len(printed) == 1 and len(stored_alerts(w.store.url)) == 1


def test_an_empty_feed_is_not_a_failure(site, tmp_path, watchers):
    site.routes["/quiet.xml"] = feed_route(site, [])
    cfg = parse({"watch": {"per_host_interval": 0},
                 "source": [{"name": "quiet", "feed": site.url("/quiet.xml"), "every": 10}],
                 "rule": [{"name": "all"}], "output": [{"type": "terminal"}]})
    log: list[str] = []
    w = watchers(cfg, f"sqlite:///{tmp_path / 'w.db'}", log=log.append, print_line=lambda _: None,
                 clock=lambda: 0.0)
    w.poll(cfg.sources[0])
    assert log == [] and w.failures["quiet"] == 0 and w.due["quiet"] == 10


# --- 5. robots.txt and the user agent -------------------------------------------------------------------------

def test_robots_txt_is_honoured_unless_switched_off(site, tmp_path, watchers):
    site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")
    site.routes["/private/feed.xml"] = feed_route(site, [NAZRAN])
    raw = {"watch": {"per_host_interval": 0},
           "source": [{"name": "members", "feed": site.url("/private/feed.xml"), "every": 60, "pages": False}],
           "rule": [{"name": "all"}], "output": [{"type": "terminal"}]}
    db = f"sqlite:///{tmp_path / 'w.db'}"
    log: list[str] = []
    printed: list[str] = []
    w = watchers(parse(raw), db, log=log.append, print_line=printed.append)
    w.run_once()
    assert len(log) == 1
    assert log[0].startswith("members: ") and "robots.txt does not allow" in log[0]
    assert len(site.hits("/robots.txt")) == 1
    assert site.hits("/private/feed.xml") == []
    assert count(db, "articles") == 0 and printed == []

    # robots = false: fetched
    raw["watch"]["robots"] = False
    w = watchers(parse(raw), db, log=log.append, print_line=printed.append)
    w.run_once()
    assert len(site.hits("/private/feed.xml")) == 1
    assert len(site.hits("/robots.txt")) == 1  # not even asked
    assert count(db, "articles") == 1 and len(printed) == 1

    # every request named the tool
    assert site.requests and all(r.headers.get("user-agent", "").startswith("incidentwatch/") for r in site.requests)


# --- 6. folder and JSON Lines sources -------------------------------------------------------------------------

def test_folder_source_picks_up_a_dropped_file_once(tmp_path, watchers):
    drop = tmp_path / "drop"
    drop.mkdir()
    cfg = parse({"source": [{"name": "drop", "folder": "drop", "every": 5, "settle": 0}], "rule": [{"name": "all"}],
                 "output": [{"type": "terminal"}]}, tmp_path / "watch.toml")
    assert cfg.sources[0].where == str(drop)  # relative to the config file
    db = f"sqlite:///{tmp_path / 'w.db'}"
    printed: list[str] = []
    log: list[str] = []
    w = watchers(cfg, db, log=log.append, print_line=printed.append)
    assert w.poll(cfg.sources[0]) == 0

    (drop / "derbent.txt").write_text(DERBENT, encoding="utf-8")
    (drop / ".derbent.txt.swp").write_text("editor scratch", encoding="utf-8")  # hidden: not an input
    assert w.poll(cfg.sources[0]) == 1
    w.deliver()
    assert count(db, "articles") == 1
    assert len(printed) == 1 and "Derbent" in printed[0] and "2 killed" in printed[0]

    assert w.poll(cfg.sources[0]) == 0
    w.deliver()
    assert count(db, "articles") == 1 and len(printed) == 1
    # a restart does not read it again either
    w = watchers(cfg, db, log=log.append, print_line=printed.append)
    w.run_once()
    assert count(db, "articles") == 1 and len(printed) == 1 and log == []


def test_run_loop_polls_when_due_until_stopped(tmp_path, watchers):
    drop = tmp_path / "drop"
    drop.mkdir()
    cfg = parse({"source": [{"name": "drop", "folder": str(drop), "every": 0.1, "settle": 0}], "rule": [{"name": "all"}],
                 "output": [{"type": "terminal"}]})
    printed: list[str] = []
    log: list[str] = []
    w = watchers(cfg, f"sqlite:///{tmp_path / 'w.db'}", log=log.append, print_line=printed.append)
    halt = threading.Event()
    loop = threading.Thread(target=w.run, args=(halt,), kwargs={"tick": 0.05}, daemon=True)
    loop.start()
    try:
        time.sleep(0.3)  # a few empty polls
        (drop / "derbent.txt").write_text(DERBENT, encoding="utf-8")
        deadline = time.monotonic() + 30
        while not printed and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # more polls of the same folder: no repeat
    finally:
        halt.set()
        loop.join(30)
    assert not loop.is_alive()
    assert len(printed) == 1 and "Derbent" in printed[0] and log == []


def test_jsonl_source_follows_a_growing_file(tmp_path, watchers):
    stream = tmp_path / "stream.jsonl"
    def line(rid: str, text: str) -> str:
        return json.dumps({"id": rid, "url": f"https://wire.example.org/{rid}", "text": text}) + "\n"
    l1, l2 = line("j1", KIDAL), line("j2", QUETTA)
    stream.write_text(l1 + l2[:40], encoding="utf-8")  # the second line half-written
    cfg = parse({"source": [{"name": "stream", "jsonl": str(stream), "every": 5}], "rule": [{"name": "all"}],
                 "output": [{"type": "terminal"}]})
    db = f"sqlite:///{tmp_path / 'w.db'}"
    log: list[str] = []
    w = watchers(cfg, db, log=log.append, print_line=lambda _: None)
    src = cfg.sources[0]
    store = w.store

    assert w.poll(src) == 1
    assert store.article("j1") is not None and store.article("j2") is None
    assert log == []  # the half line waits: no rejection
    # nothing more written: nothing read
    assert w.poll(src) == 0

    with open(stream, "a", encoding="utf-8") as f:  # the line completed, then appended to
        f.write(l2[40:])
    assert w.poll(src) == 1
    assert "Quetta" in store.article("j2").text
    assert w.poll(src) == 0
    assert count(db, "articles") == 2

    # the file replaced by a shorter one: read again from the start
    new = tmp_path / "stream.jsonl.new"
    new.write_text(line("j3", GAO), encoding="utf-8")
    assert new.stat().st_size < len((l1 + l2).encode())
    os.replace(new, stream)
    assert w.poll(src) == 1
    assert "Gao" in store.article("j3").text
    assert count(db, "articles") == 3
    assert log == []


# --- 7. configuration errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, says", [
    ({"source": [{"feed": "https://example.org/rss", "folder": "drop"}]}, "needs exactly one of feed, folder or jsonl"),
    ({"source": [{"folder": "drop"}], "rule": [{"name": "x", "on": ["new", "deleted"]}]}, "unknown change 'deleted'"),
    ({"source": [{"folder": "drop"}], "output": [{"type": "sms", "to": "+100"}]}, "type must be one of"),
    ({"source": [{"folder": "drop"}], "output": [{"type": "webhook"}]}, "(webhook) needs url"),
    ({"rule": [{"name": "x"}], "output": [{"type": "terminal"}]}, "no [[source]]"),
    ({"source": [{"feed": "example.org/rss"}]}, "a feed is an http(s) URL"),
    ({"source": [{"folder": "drop", "every": 0}]}, "every must be a positive number"),
    ({"source": [{"name": "a", "folder": "x"}, {"name": "a", "folder": "y"}]}, "two sources are named 'a'"),
], ids=["feed-and-folder", "unknown-change", "unknown-output", "webhook-without-url", "no-sources", "feed-not-url",
        "every-zero", "same-name"])
def test_config_errors(raw, says):
    with pytest.raises(ConfigError) as e:
        parse(raw, "desk.toml")
    msg = str(e.value)
    assert says in msg and msg.startswith("desk.toml: ") and "\n" not in msg


def test_cli_bad_config_exits_2_with_one_line(tmp_path):
    (tmp_path / "bad.toml").write_text('[[source]]\nfolder = "drop"\n\n[[output]]\ntype = "webhook"\n',
                                       encoding="utf-8")
    r = subprocess.run([str(INCIDENTWATCH), "watch", "bad.toml", "--db", f"sqlite:///{tmp_path / 'w.db'}"],
                       cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.splitlines() == ["bad.toml: output 1 (webhook) needs url"]


def test_cli_long_config_error_is_still_one_line(tmp_path):
    bad = tmp_path / "a-config-file-with-a-rather-long-name-for-this-test.toml"
    bad.write_text('[[source]]\nfeed = "https://example.org/rss"\nfolder = "drop"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}  # stderr is not a terminal: 80 columns
    r = subprocess.run([str(INCIDENTWATCH), "watch", str(bad)], cwd=tmp_path, capture_output=True, text=True,
                       check=False, timeout=60, env=env)
    assert r.returncode == 2
    assert len(r.stderr.splitlines()) == 1, r.stderr


@pytest.mark.parametrize("raw, message", [
    ({"source": [{"folder": "drop", "every": "5m"}]}, "every must be a number"),
    ({"source": {"folder": "drop"}}, "write [[source]]"),
    ({"source": [{"folder": "drop"}], "rule": {"name": "x"}}, "write [[rule]]"),
    ({"source": [{"folder": "drop"}], "watch": {"robots": "false"}}, "robots must be true or false"),
    ({"source": [{"folder": "drop"}], "rule": [{"country": 7}]}, "country must be a name"),
    ({"source": [{"folder": "drop"}], "rule": [{"toll_change": 0}]}, "toll_change must be a number of at least 1"),
    ({"source": [{"folder": "drop"}], "output": [{"type": "terminal"}, {"type": "terminal"}]}, "give one of them a name"),
], ids=["every-text", "source-table", "rule-table", "robots-text", "country-number", "toll-zero", "two-terminals"])
def test_config_values_of_the_wrong_type_are_config_errors(raw, message):
    with pytest.raises(ConfigError) as e:
        parse(raw, "desk.toml")
    assert message in str(e.value) and "\n" not in str(e.value)


# --- 8. the command -------------------------------------------------------------------------------------------

def test_cli_once_prints_alert_lines_literally(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "derbent.txt").write_text(DERBENT + " A sign read [bold red]stop[/bold red] and [link=http://x]here.\n",
                                      encoding="utf-8")
    (drop / "[bold red]notes.txt").write_text("", encoding="utf-8")  # empty: rejected, and the log names it
    # rule names are printed in brackets: "bold red" and "link=http://x" are Rich markup if not escaped
    (tmp_path / "watch.toml").write_text(
        '[[source]]\nname = "drop"\nfolder = "drop"\nsettle = 0\n\n'
        '[[rule]]\nname = "bold red"\ncountry = "Russia"\n\n'
        '[[rule]]\nname = "link=http://x"\nmin_killed = 2\n\n'
        '[[output]]\ntype = "terminal"\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'w.db'}"
    r = subprocess.run([str(INCIDENTWATCH), "watch", "watch.toml", "--once", "--db", db], cwd=tmp_path,
                       capture_output=True, text=True, check=False, timeout=120, env={**os.environ, "COLUMNS": "80"})
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert len(out) == 2, r.stdout
    assert out[0].startswith("[bold red] NEW: 2024-04-14 — Derbent, Dagestan, Russia")
    assert out[1].startswith("[link=http://x] NEW: 2024-04-14 — Derbent")
    assert all("2 killed" in ln for ln in out)
    assert "\x1b[" not in r.stdout  # no styling at all
    assert f"{drop / '[bold red]notes.txt'}: file is empty" in r.stderr
    # the article is stored as written
    (article_id,) = _article_ids(db)
    assert "[bold red]stop[/bold red] and [link=http://x]here." in Store(db).article(article_id).text


def _article_ids(db: str) -> list[str]:
    from sqlalchemy import select

    from incidentwatch.store import schema as t

    store = Store(db)
    try:
        with store.engine.connect() as conn:
            return [row[0] for row in conn.execute(select(t.articles.c.id))]
    finally:
        store.close()


# --- 9. rules, without network ---------------------------------------------------------------------------------

def record(**kw) -> dict:
    rec = {"id": "inc-1", "date": "2024-03-11", "country": "Russia", "admin1": "Dagestan", "city": "Buynaksk",
           "attack_types": ["Armed Assault"], "perpetrators": [], "claimed_by": [], "killed": {"best": 3},
           "injured": {"best": 2}, "mention_ids": ["m1"], "conflicts": {}, "sources": []}
    return rec | kw


def test_rule_country_and_region():
    rule = Rule("caucasus", country=["russia"])  # names compare without case
    assert matches(rule, record(), "new", "new incident", None) == "country Russia"
    assert matches(rule, record(country="Pakistan", admin1="Balochistan", city="Quetta"), "new", "", None) is None
    assert matches(rule, record(country=None), "new", "", None) is None

    region = Rule("dagestan", region=["Dagestan", "Chechnya"])
    assert matches(region, record(), "new", "", None) == "region Dagestan"
    assert matches(region, record(admin1="Ingushetia", city="Nazran"), "new", "", None) is None
    # a town named in the rule's regions matches too
    assert matches(Rule("town", region=["Buynaksk"]), record(admin1=None), "new", "", None) == "region Buynaksk"


def test_rule_group_matches_a_branch_by_family():
    branch = "Islamic State – Caucasus Province"
    assert family(branch) == "Islamic State"
    assert canonical_group("Vilayat Kavkaz") == branch
    parent = Rule("IS", group=["Islamic State"])
    assert matches(parent, record(perpetrators=[branch]), "new", "", None) == f"group {branch}"
    assert matches(parent, record(claimed_by=["Islamic State"]), "claimed", "", None) == "group Islamic State"
    assert matches(parent, record(perpetrators=["al-Shabaab"]), "new", "", None) is None
    assert matches(parent, record(), "new", "", None) is None  # no group named at all
    # a rule naming the branch (by an alias) matches the branch, not the whole family
    only_branch = Rule("Kavkaz", group=["Vilayat Kavkaz"])
    assert matches(only_branch, record(claimed_by=[branch]), "claimed", "", None) == f"group {branch}"
    assert matches(only_branch, record(claimed_by=["Islamic State"]), "claimed", "", None) is None


def test_rule_min_killed_and_toll_change():
    rule = Rule("deadly", min_killed=3)
    assert matches(rule, record(), "new", "", None) == "killed 3 ≥ 3"
    assert matches(rule, record(killed={"best": 2}), "new", "", None) is None
    assert matches(rule, record(killed=None), "new", "", None) is None

    before = {"killed": 3, "injured": 2, "claimed_by": [], "conflicts": []}
    big = Rule("big moves", toll_change=2)
    now4 = record(killed={"best": 4})
    assert changes(now4, before) == [("toll", "killed 3 → 4")]
    assert matches(big, now4, "toll", "killed 3 → 4", before) is None  # moved by 1 < 2
    now5 = record(killed={"best": 5})
    assert matches(big, now5, "toll", "killed 3 → 5", before) == "toll moved by 2 ≥ 2"
    assert matches(Rule("any move"), now4, "toll", "killed 3 → 4", before) == "toll moved by 1 ≥ 1"


def test_rule_on_restricts_changes_and_alerts_for_remembers_state():
    rules = [Rule("only new", on=("new",)), Rule("claims", on=("claimed",)), Rule("all")]
    rec = record()
    alerts, remember = alerts_for([rec], {}, rules)
    assert [(a["rule"], a["change"]) for a in alerts] == [("only new", "new"), ("all", "new")]
    assert remember == {"m1": {"killed": 3, "injured": 2, "claimed_by": [], "conflicts": [], "reports": 1}}
    assert alerts[0]["text"].startswith("[only new] NEW: 2024-03-11 — Buynaksk, Dagestan, Russia")

    # seen before: no "new" again; a claim and a toll rise after a second report
    later = record(claimed_by=["Islamic State"], killed={"best": 5}, mention_ids=["m1", "m2"])
    alerts, remember = alerts_for([later], remember, rules)
    assert sorted((a["rule"], a["change"]) for a in alerts) == [
        ("all", "claimed"), ("all", "toll"), ("claims", "claimed")]
    toll = next(a for a in alerts if a["change"] == "toll")
    assert toll["payload"]["what"] == "killed 3 → 5" and toll["incident_id"] == "inc-1"
    assert set(remember) == {"m1", "m2"} and remember["m2"]["reports"] == 2

    # seen as it is now: nothing
    assert alerts_for([later], remember, rules)[0] == []


def test_contradiction_counts_each_report_in_its_latest_version():
    before = {"killed": 5, "injured": 2, "claimed_by": [], "conflicts": []}
    revised = record(killed={"best": 5}, conflicts={"killed": [{"article_id": "wire-1", "value": 3},
                                                               {"article_id": "wire-1~v2", "value": 5}]})
    assert changes(revised, before) == []  # an outlet revising its own toll is no contradiction
    disputed = record(killed={"best": 5}, conflicts={"killed": [{"article_id": "wire-1~v2", "value": 5},
                                                                {"article_id": "other-2", "value": 3}]})
    assert changes(disputed, before) == [("contradiction", "sources now disagree on killed")]
    assert matches(Rule("no contradictions", on=("new", "toll")), disputed, "contradiction", "", before) is None


def test_killed_and_injured_moving_together_are_one_toll_change():
    before = {"killed": 3, "injured": 2, "claimed_by": [], "conflicts": []}
    both = record(killed={"best": 4}, injured={"best": 5})
    assert changes(both, before) == [("toll", "killed 3 → 4, injured 2 → 5")]
    alerts, _ = alerts_for([both], {"m1": {**before, "reports": 1}}, [Rule("big moves", toll_change=2)])
    assert [a["payload"]["why"] for a in alerts] == ["toll moved by 3 ≥ 2"]  # the injured moved by 3


def test_a_site_closing_robots_txt_with_403_is_not_fetched(site, tmp_path, watchers):
    site.routes["/robots.txt"] = (403, {"Content-Type": "text/plain"}, b"forbidden")
    site.routes["/feed.xml"] = feed_route(site, [NAZRAN])
    raw = {"watch": {"per_host_interval": 0}, "rule": [{"name": "all"}], "output": [{"type": "terminal"}],
           "source": [{"name": "closed", "feed": site.url("/feed.xml"), "every": 60, "pages": False}]}
    log: list[str] = []
    w = watchers(parse(raw), f"sqlite:///{tmp_path / 'w.db'}", log=log.append, print_line=lambda line: None)
    w.run_once()
    assert site.hits("/feed.xml") == [] and any("robots.txt does not allow" in line for line in log)


def test_an_output_added_later_takes_new_alerts_not_the_history(tmp_path, watchers):
    drop = tmp_path / "drop"
    drop.mkdir()
    db = f"sqlite:///{tmp_path / 'w.db'}"
    log_path = tmp_path / "alerts.jsonl"
    raw = {"source": [{"name": "drop", "folder": str(drop), "every": 60, "settle": 0}],
           "rule": [{"name": "all"}], "output": [{"type": "terminal"}]}
    (drop / "derbent.txt").write_text(DERBENT, encoding="utf-8")
    printed: list[str] = []
    watchers(parse(raw), db, log=lambda line: None, print_line=printed.append).run_once()
    assert len(printed) == 1

    # the desk adds a JSONL log in front of the terminal: the terminal keeps its place in the outbox, and the
    # log starts from now
    raw["output"] = [{"type": "jsonl", "path": str(log_path)}, {"type": "terminal"}]
    w = watchers(parse(raw), db, log=lambda line: None, print_line=printed.append)
    w.run_once()
    assert len(printed) == 1 and not log_path.exists()
    (drop / "gao.txt").write_text(GAO, encoding="utf-8")
    w.run_once()
    assert len(printed) == 2
    assert len(log_path.read_text(encoding="utf-8").splitlines()) == 1


def test_a_file_still_being_written_waits_until_it_settles(tmp_path, watchers):
    drop = tmp_path / "drop"
    drop.mkdir()
    db = f"sqlite:///{tmp_path / 'w.db'}"
    raw = {"source": [{"name": "drop", "folder": str(drop), "every": 60, "settle": 30}],
           "rule": [{"name": "all"}], "output": [{"type": "terminal"}]}
    path = drop / "derbent.txt"
    path.write_text(DERBENT[: len(DERBENT) // 2], encoding="utf-8")  # half written, just now
    w = watchers(parse(raw), db, log=lambda line: None, print_line=lambda line: None)
    w.run_once()
    assert count(db, "articles") == 0
    path.write_text(DERBENT, encoding="utf-8")
    old = time.time() - 60
    os.utime(path, (old, old))  # a minute later, untouched since
    w.run_once()
    assert count(db, "articles") == 1 and _article_ids(db) == [_article_ids(db)[0]]
    assert "~v" not in _article_ids(db)[0]


def test_no_rules_is_said_once_at_start(tmp_path, watchers):
    drop = tmp_path / "drop"
    drop.mkdir()
    log: list[str] = []
    watchers(parse({"source": [{"folder": str(drop)}]}), f"sqlite:///{tmp_path / 'w.db'}", log=log.append,
             print_line=lambda line: None)
    assert len(log) == 1 and "no [[rule]]" in log[0]


def test_a_slow_site_does_not_hold_up_the_others(site, tmp_path, watchers):
    def slow(req):
        site.stop.wait(2)  # within the timeout: it answers, late
        return 200, {"Content-Type": "application/rss+xml"}, rss(site, [NAZRAN])
    site.routes["/slow.xml"] = slow
    site.routes["/quick.xml"] = feed_route(site, [A1])
    cfg = parse({"watch": {"per_host_interval": 0, "timeout": 10},
                 "source": [{"name": "slow", "feed": site.url("/slow.xml"), "every": 60, "pages": False},
                            {"name": "quick", "feed": site.url("/quick.xml"), "every": 60, "pages": False}],
                 "rule": [{"name": "all"}], "output": [{"type": "terminal"}]})
    printed: list[str] = []
    w = watchers(cfg, f"sqlite:///{tmp_path / 'w.db'}", log=lambda line: None, print_line=printed.append)
    w.poll_many(cfg.sources)
    w.deliver()
    # both stored; the quick one first, though the slow one comes first in the file
    assert len(printed) == 2
    assert "Buynaksk" in printed[0] and "Nazran" in printed[1]
