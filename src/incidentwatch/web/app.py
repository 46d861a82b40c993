"""The analyst's workbench: a FastAPI app over the same Python API as the CLI, rendered on the server
(Jinja2, autoescaped), with no script at all and a Content-Security-Policy that would refuse one.

Read-only unless started with a review token; writes must carry it.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hmac
import os
import time
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader

from .. import api, review
from ..export import formats
from ..model import DEFAULT_MIN_CONFIDENCE
from ..store.queries import SORTS, Filters
from . import charts

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
PER_PAGE = 50
# limits per request: a download holds at most this many incidents (the CLI's export has no limit); a
# request gets this many seconds; a form post (a review note) this many bytes; a word search this many
# characters
MAX_EXPORT = 100_000
REQUEST_SECONDS = 30.0
MAX_BODY = 64 * 1024
MAX_QUERY = 200
MEDIA = {"csv": "text/csv", "jsonl": "application/x-ndjson", "geojson": "application/geo+json"}


def _day(v: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(v) if v else None
    except ValueError:
        raise HTTPException(400, f"not a date (YYYY-MM-DD): {v!r}") from None


def filters_from(request: Request) -> Filters:
    q = request.query_params
    if len(q.get("q") or "") > MAX_QUERY:
        raise HTTPException(400, f"the search words are over {MAX_QUERY} characters")
    killed = q.get("min_killed") or None
    if killed is not None and not (killed.isascii() and killed.isdecimal()):
        raise HTTPException(400, f"min_killed must be a whole number, not {killed!r}")
    claimed = {"yes": True, "no": False}.get(q.get("claimed") or "")
    confidence = q.get("min_confidence")
    if confidence:
        try:
            confidence = float(confidence)
        except ValueError:
            confidence = -1.0
        if not 0.0 <= confidence <= 1.0:
            raise HTTPException(400, f"min_confidence must be a number from 0 to 1, not {q.get('min_confidence')!r}")
    else:
        confidence = DEFAULT_MIN_CONFIDENCE
    return Filters(date_from=_day(q.get("date_from")), date_to=_day(q.get("date_to")),
                   country=q.get("country") or None, region=q.get("region") or None, group=q.get("group") or None,
                   attack_type=q.get("attack_type") or None, target_type=q.get("target_type") or None,
                   weapon_type=q.get("weapon_type") or None, min_killed=int(killed) if killed else None,
                   claimed=claimed, q=q.get("q") or None,
                   include_background=True if q.get("include_background") == "yes" else None,
                   min_confidence=confidence,
                   include_rejected=True if q.get("include_rejected") == "yes" else None,
                   include_undated=True if q.get("include_undated") == "yes" else None)


def _kept_for(seconds: float, compute):
    """`compute`, called again only once its last value is `seconds` old."""
    kept: dict = {}

    def value():
        if kept.get("until", 0) < time.monotonic():
            kept.update(value=compute(), until=time.monotonic() + seconds)
        return kept["value"]
    return value


class ChartCache:
    """The timeline and the map of a selection, drawn once for every request of the same filters within
    `seconds`: they aggregate the whole selection, and many analysts (or one refreshing) ask for the same
    ones.  They may lag a write by that long; the table and the totals never do."""

    def __init__(self, store, seconds: float = 2.0, size: int = 256):
        self.store, self.seconds, self.size = store, seconds, size
        self.kept: dict[tuple, tuple[float, str, str]] = {}

    def __call__(self, f: Filters) -> tuple[str, str]:
        key = tuple(sorted(f.as_params().items()))
        now = time.monotonic()
        hit = self.kept.get(key)
        if hit is not None and hit[0] > now:
            return hit[1], hit[2]
        drawn = charts.timeline(self.store.timeline(f)), charts.world_map(self.store.points(f))
        if len(self.kept) >= self.size:
            self.kept = {k: v for k, v in self.kept.items() if v[0] > now}
            if len(self.kept) >= self.size:
                self.kept.clear()
        self.kept[key] = (now + self.seconds, *drawn)
        return drawn


def create_app(db: str | None = None, review_token: str | None = None, max_export: int = MAX_EXPORT,
               request_seconds: float = REQUEST_SECONDS, max_body: int = MAX_BODY) -> FastAPI:
    store = api.open_store(db)
    token = review_token if review_token is not None else os.environ.get("INCIDENTWATCH_REVIEW_TOKEN")
    env = Environment(loader=PackageLoader("incidentwatch.web", "templates"), autoescape=True)
    env.globals.update(urlencode=urlencode, read_only=not token, review_fields=review.FIELDS)
    app = FastAPI(title="incidentwatch", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.middleware("http")
    async def limits(request: Request, call_next):  # registered first: the security headers wrap it
        """A form post over `max_body` bytes is refused before it is read; a request that has no answer
        within `request_seconds` gets 503 (a download's streaming is bounded by `max_export` instead)."""
        length = request.headers.get("content-length")
        if request.method == "POST" and (length is None or not length.isdecimal() or int(length) > max_body):
            return page("error.html", 413, status=413,
                        message=f"a form post must give its length and be at most {max_body} bytes")
        try:
            return await asyncio.wait_for(call_next(request), request_seconds)
        except asyncio.TimeoutError:
            return page("error.html", 503, status=503,
                        message=f"no answer within {request_seconds:g} seconds: narrow the filters and try again")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    # the filter form's lists are distinct values over the whole database, so kept for a minute; every
    # group's profile reads every incident, so a group page keeps them ten seconds
    choices = _kept_for(60, store.choices)
    profiles = _kept_for(10, lambda: api.groups(store))
    drawn = ChartCache(store)

    def page(template: str, status_code: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(**context), status_code=status_code)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return page("error.html", exc.status_code, status=exc.status_code, message=str(exc.detail))

    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/incidents", status_code=307)

    @app.get("/incidents", response_class=HTMLResponse)
    def incidents(request: Request, sort: str = "date", dir: str = "desc", page_no: int = Query(1, alias="page")):
        f = filters_from(request)
        if sort not in SORTS:
            raise HTTPException(400, f"cannot sort by {sort!r}")
        page_no = max(1, page_no)
        rows, totals = store.search(f, sort, dir != "asc", page_no, PER_PAGE)
        params = f.as_params()
        timeline, world = drawn(f)
        return page("incidents.html", rows=rows, totals=totals, f=f, params=params, sort=sort, dir=dir,
                    page_no=page_no, pages=max(1, -(-totals["incidents"] // PER_PAGE)), choices=choices(),
                    timeline=timeline, map=world)

    @app.get("/review", include_in_schema=False)
    def review_queue():
        """The review queue: every incident, the least certain first, those below the list's threshold and
        those no report dates too."""
        return RedirectResponse("/incidents?" + urlencode({"min_confidence": "0", "include_undated": "yes",
                                                            "sort": "confidence", "dir": "asc"}), status_code=307)

    @app.get("/incidents.{fmt}")
    def download(request: Request, fmt: str):
        if fmt not in MEDIA:
            raise HTTPException(404, f"no such download format: {fmt!r} (csv, jsonl, geojson)")
        f = filters_from(request)
        n = store.search(f, "date", True, 1, 1)[1]["incidents"]
        if n > max_export:
            raise HTTPException(413, f"{n} incidents match; a download holds at most {max_export}: narrow the "
                                     f"filters, or use `incidentwatch export`")
        return StreamingResponse(formats.stream(fmt, store.filtered(f)), media_type=MEDIA[fmt],
                                 headers={"Content-Disposition": f'attachment; filename="incidents.{fmt}"'})

    @app.get("/incidents/{incident_id}", response_class=HTMLResponse)
    def dossier(incident_id: str):
        record = store.incident(incident_id)
        if record is None:
            raise HTTPException(404, f"no incident {incident_id!r}")
        articles = {}
        for s in record.get("sources") or []:
            a = store.article(s["article_id"])
            if a is not None:
                spans = [(e["start"], e["end"], e["field"]) for e in record.get("evidence") or []
                         if e["article_id"] == a.id]
                articles[a.id] = {"article": a, "source": s, "text": charts.highlight(a.text, spans),
                                  "marks": len(spans)}
        anchors = {aid: f"src-{i}" for i, aid in enumerate(articles)}
        return page("incident.html", inc=record, articles=articles, corrections=store.corrections(record),
                    anchors=anchors,
                    linked=record.get("linked") or [])

    def check_token(given: str) -> None:
        if not token:
            raise HTTPException(403, "this workbench is read-only: start it with --review-token to allow reviews")
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(403, "wrong or missing review token")

    def decide(action, *args, note: str = ""):
        try:
            return action(*args, note=note or None, db=store)
        except KeyError as exc:
            raise HTTPException(404, f"no incident {exc.args[0]!r}") from None
        except review.InvalidCorrection as exc:
            raise HTTPException(400, str(exc)) from None

    @app.post("/incidents/{incident_id}/merge")
    def post_merge(incident_id: str, other: str = Form(...), reviewer: str = Form(...), note: str = Form(""),
                   token_given: str = Form("", alias="token")):
        check_token(token_given)
        merged = decide(api.merge_incidents, incident_id, other.strip(), reviewer, note=note)
        return RedirectResponse(f"/incidents/{merged['id']}", status_code=303)

    @app.post("/incidents/{incident_id}/split")
    def post_split(incident_id: str, mention: str = Form(...), reviewer: str = Form(...), note: str = Form(""),
                   token_given: str = Form("", alias="token")):
        check_token(token_given)
        alone = decide(api.split_mention, incident_id, mention, reviewer, note=note)
        return RedirectResponse(f"/incidents/{alone['id']}", status_code=303)

    @app.post("/incidents/{incident_id}/not-an-attack")
    def post_not_an_attack(incident_id: str, reviewer: str = Form(...), note: str = Form(""),
                           restore: str = Form(""), token_given: str = Form("", alias="token")):
        check_token(token_given)
        decide(functools.partial(api.not_an_attack, restore=restore == "yes"), incident_id, reviewer, note=note)
        return RedirectResponse(f"/incidents/{incident_id}", status_code=303)

    @app.post("/incidents/{incident_id}/review")
    def post_review(incident_id: str, field: str = Form(...), action: str = Form("correct"),
                    value: str = Form(""), reviewer: str = Form(...), note: str = Form(""),
                    token_given: str = Form("", alias="token")):
        check_token(token_given)
        decide(functools.partial(api.review, action=action), incident_id, field, value, reviewer, note=note)
        return RedirectResponse(f"/incidents/{incident_id}", status_code=303)

    @app.get("/groups/{name:path}", response_class=HTMLResponse)
    def group(name: str):
        known = profiles()
        profile = next((g for g in known if g.name == name), None)
        # a parent named only through its branches ("Part of" links to it) lists them
        branches = [g for g in known if g.parent == name]
        f = Filters(group=name)
        rows, totals = store.search(f, "date", True, 1, 200)
        if profile is None and not totals["incidents"] and not branches:
            raise HTTPException(404, f"no group {name!r} in this database")
        timeline, world = drawn(f)
        return page("group.html", name=name, profile=profile, branches=branches, rows=rows, totals=totals,
                    timeline=timeline, map=world)

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse)
    def article(article_id: str):
        a = store.article(article_id)
        if a is None:
            raise HTTPException(404, f"no article {article_id!r}")
        mentions = store.mentions_of_article(a.id)
        spans = [(e.start, e.end, e.field) for m, _ in mentions for e in m.evidence if e.article_id == a.id]
        return page("article.html", a=a, mentions=mentions, text=charts.highlight(a.text, spans))

    return app


def app_from_environment() -> FastAPI:
    """The app of one of `serve --workers N`'s processes: each opens the database named in the
    environment that the serving command set (processes share no memory, and SQLite's WAL lets them all
    read while one writes)."""
    return create_app(os.environ.get("INCIDENTWATCH_SERVE_DB") or None)
