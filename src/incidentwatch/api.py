"""The functions a notebook user calls; the CLI (and later the web app) call these.

    >>> import incidentwatch.api as iw
    >>> report = iw.ingest(["reports/"], db="sqlite:///desk.db")
    >>> report.ingested, report.duplicates, len(report.rejected)
    >>> incidents = list(iw.incidents(db="sqlite:///desk.db"))
    >>> iw.export("jsonl", "out.jsonl", db="sqlite:///desk.db")
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections import OrderedDict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import export as _export
from .extract.pipeline import extract_articles
from .fuse import fuse, may_relate
from .ingest import Rejection, read_paths
from .ingest.metadata import content_hash
from .model import DEFAULT_MIN_CONFIDENCE, Article, Mention, lone_undated
from .store import Store


@dataclass
class IngestReport:
    ingested: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    mentions: int = 0
    incidents_touched: int = 0
    duplicate_ids: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected else 0


def open_store(db: str | Store | None = None) -> Store:
    return db if isinstance(db, Store) else Store(db)


def load_policy(path: str | os.PathLike | None) -> dict | None:
    """A fusion policy file (TOML, the shape of data/fusion.toml); its sections override the defaults."""
    if path is None:
        return None
    import tomllib

    from .fuse.merge import default_policy

    with open(path, "rb") as f:
        custom = tomllib.load(f)
    return {k: {**v, **custom.get(k, {})} for k, v in default_policy().items()}


def _refuse(store: Store, new: list[Mention], policy: dict | None = None) -> int:
    """Re-fuse the neighbourhood of newly stored mentions and replace its incidents."""
    if not new:
        return 0
    # only the stored mentions a new one could join (or link with) are re-fused, with their incidents,
    # so the work follows the matches, not how busy that country and week are
    near = {m.id: m for m in store.mentions_near(new) if any(may_relate(n, m) for n in new)}
    near.update({m.id: m for m in new})
    return _refuse_around(store, near, policy)


def _refuse_around(store: Store, near: dict[str, Mention], policy: dict | None = None) -> int:
    """Re-fuse these mentions with every mention of their incidents (and of incidents an analyst merged
    with them), honouring analysts' merge and split decisions, and replace those incidents."""
    near.update({m.id: m for m in store.mentions_of_incidents_with(near)})
    decisions = store.decisions(near)
    missing = {x for pair in decisions.together for x in pair} - set(near)
    if missing:
        near.update({m.id: m for m in store.mentions_of_incidents_with(missing)})
        decisions = store.decisions(near)
    incidents = fuse(list(near.values()), policy, decisions)
    store.replace_incidents(near.keys(), incidents)
    return len(incidents)


def ingest(paths: Iterable[str | os.PathLike], db: str | Store | None = None,
           on_event: Callable[[str, object], None] | None = None, batch_size: int = 16,
           policy: dict | None = None, workers: int = 1) -> IngestReport:
    """Read, extract and store every article under `paths`; fuse the new mentions into incidents.

    `workers` above one parses and reads articles in that many processes (extract.pipeline).

    `policy` overrides the fusion rules of data/fusion.toml (see load_policy).
    `on_event(kind, item)` is called with ("ingested", Article), ("duplicate", Article)
    or ("rejected", Rejection) as the batch goes, for progress display.
    """
    return ingest_articles(read_paths(paths), db, on_event, batch_size, policy, workers)


def ingest_articles(articles: Iterable[Article | Rejection], db: str | Store | None = None,
                    on_event: Callable[[str, object], None] | None = None, batch_size: int = 16,
                    policy: dict | None = None, workers: int = 1) -> IngestReport:
    """`ingest` of articles already read (a feed fetched by `watch`, a notebook's own records)."""
    store = open_store(db)
    report = IngestReport()
    emit = on_event or (lambda kind, item: None)
    fresh = _fresh(store, articles, report, emit)
    _store_and_fuse(store, extract_articles(fresh, batch_size=batch_size, workers=workers), report, emit, policy)
    return report


def load(directory: str | os.PathLike, db: str | Store | None = None,
         on_event: Callable[[str, object], None] | None = None, policy: dict | None = None) -> IngestReport:
    """Store and fuse what `incidentwatch batch` extracted into `directory` (Parquet shards), as `ingest`
    would have stored the same articles: same duplicate checks, same order, same incidents."""
    from .batch import read_shards

    store = open_store(db)
    report = IngestReport()
    emit = on_event or (lambda kind, item: None)
    fresh = _fresh(store, read_shards(directory), report, emit, article_of=lambda pair: pair[0])
    _store_and_fuse(store, fresh, report, emit, policy)
    return report


# far more than extraction ever reads ahead of storage (a chunk of 64, or four chunks of 16 per worker)
_READ_AHEAD_MEMORY = 100_000


def _fresh(store: Store, items: Iterable, report: IngestReport, emit, article_of=lambda item: item) -> Iterator:
    """The items whose article is neither stored nor read earlier in this batch; rejections and duplicates
    go to the report."""
    # articles read ahead of storage (extraction works in batches) are not in the store yet: remember them by
    # id and by text, as the store does; only the latest, as the read-ahead is bounded and the rest are stored
    seen_in_batch: OrderedDict[str, str] = OrderedDict()
    for item in items:
        if isinstance(item, Rejection):
            report.rejected.append(item)
            emit("rejected", item)
            continue
        article = article_of(item)
        text_hash = content_hash(article.text)
        dup = store.find_duplicate(article) or seen_in_batch.get(article.id) or seen_in_batch.get(text_hash)
        if dup:
            report.duplicates += 1
            report.duplicate_ids.append(dup)
            emit("duplicate", article)
            continue
        seen_in_batch[article.id] = seen_in_batch[text_hash] = article.id
        while len(seen_in_batch) > _READ_AHEAD_MEMORY:
            seen_in_batch.popitem(last=False)
        yield item


def _store_and_fuse(store: Store, extracted: Iterable[tuple[Article, list[Mention]]], report: IngestReport,
                    emit, policy: dict | None) -> None:
    """Store each article with its mentions (one transaction each), fusing every 200 new mentions.  Mentions
    an earlier, interrupted run stored but did not fuse are fused with the first new ones."""
    new_mentions: list[Mention] = store.unfused_mentions()
    for article, mentions in extracted:
        try:
            store.add_article(article, mentions)
        except Exception as e:  # one article's failure must not lose the others
            first_line = (str(e).splitlines() or [""])[0]  # the user gets one line, not the SQL
            rej = Rejection(article.source or article.id, f"could not be stored ({type(e).__name__}: {first_line})")
            report.rejected.append(rej)
            emit("rejected", rej)
            continue
        report.ingested += 1
        report.mentions += len(mentions)
        new_mentions.extend(mentions)
        emit("ingested", article)
        if len(new_mentions) >= 200:
            report.incidents_touched += _refuse(store, new_mentions, policy)
            new_mentions = []
    report.incidents_touched += _refuse(store, new_mentions, policy)


@dataclass
class ReextractReport:
    articles: int = 0
    changed: int = 0  # articles whose mentions came out differently
    mentions: int = 0
    incidents: int = 0
    reviews: int = 0  # analyst reviews in the database
    orphaned_reviews: list[str] = field(default_factory=list)  # anchored on a mention extraction no longer gives


def reextract(db: str | Store | None = None, on_event: Callable[[str, object], None] | None = None,
              batch_size: int = 16, policy: dict | None = None, workers: int = 1) -> ReextractReport:
    """Extract every stored article again and fuse all mentions afresh: after the models, the lexicons, the
    alias table or a user data directory changed.  Every analyst review is kept: corrections, verdicts,
    merges and splits are anchored on mentions ("<article>#<n>"), and re-fusing applies them again.  A review
    whose mention extraction no longer gives is kept in the database and listed in the report (it applies
    again if a later extraction gives that mention back).

    The result is what ingesting the same articles into a new database would give, reviews applied.  If the
    run stops midway, the mentions it stored are fused by the next ingest, or by running it again.
    `on_event("reextracted", Article)` is called per article, for progress display."""
    store = open_store(db)
    report = ReextractReport()
    emit = on_event or (lambda kind, item: None)
    for article, mentions in extract_articles(store.articles(), batch_size=batch_size, workers=workers):
        old = store.mentions_of(article.id)
        if [m.to_dict() for m in old] != [m.to_dict() for m in mentions]:
            store.replace_mentions(article.id, mentions)
            report.changed += 1
        report.articles += 1
        report.mentions += len(mentions)
        emit("reextracted", article)
    # fused as an ingest fuses: in storage order, 200 mentions at a time, each with its stored neighbours
    store.clear_incidents()
    present: set[str] = set()
    chunk: list[Mention] = []
    for m in store.all_mentions():
        present.add(m.id)
        chunk.append(m)
        if len(chunk) >= 200:
            _refuse(store, chunk, policy)
            chunk = []
    _refuse(store, chunk, policy)
    report.incidents = store.count("incidents")
    anchors = store.review_anchors()
    report.reviews = len(anchors)
    report.orphaned_reviews = sorted({x for pair in anchors for x in pair if x and x not in present})
    return report


def incidents(db: str | Store | None = None, country: str | None = None,
              since: dt.date | None = None, group: str | None = None,
              include_background: bool = False, min_confidence: float | None = DEFAULT_MIN_CONFIDENCE,
              include_rejected: bool = False, include_undated: bool = False) -> Iterator[dict]:
    """Incidents as export records (see README: the JSONL contract), in date order.
    `group` keeps those a group (or any of its branches) claimed or is named as perpetrator of.
    Incidents that articles only recall in passing (`background_only`: no report tells them as news) are
    left out unless `include_background`; those whose `confidence` is below `min_confidence` (0 or None keeps
    all), those an analyst marked not an attack (unless `include_rejected`), and those one report alone tells
    without any date (unless `include_undated`; see model.lone_undated), likewise."""
    records = open_store(db).incidents(country=country, since=since, min_confidence=min_confidence)
    if not include_background:
        records = (r for r in records if not r.get("background_only"))
    if not include_rejected:
        records = (r for r in records if not r.get("not_an_attack"))
    if not include_undated:
        records = (r for r in records if not lone_undated(r))
    if not group:
        yield from records
        return
    from .extract.actors import canonical_group, family

    wanted = canonical_group(group) or group
    for inc in records:
        actors = set(inc.get("perpetrators") or []) | set(inc.get("claimed_by") or [])
        if any(a == wanted or family(a) == wanted for a in actors):
            yield inc


def incident(incident_id: str, db: str | Store | None = None) -> dict | None:
    return open_store(db).incident(incident_id)


@dataclass
class GroupProfile:
    """What the database says of one group: its incidents and how responsibility was stated."""

    name: str
    parent: str | None
    incidents: int = 0
    first: str | None = None
    last: str | None = None
    claimed: int = 0  # incidents the group claimed
    attributed: int = 0  # incidents others attributed to it (without a claim)
    praised: int = 0
    denied: int = 0
    killed: int = 0
    countries: list[str] = field(default_factory=list)
    unlisted: bool = False  # known only by the name reports give: no entry in data/groups.toml


def groups(db: str | Store | None = None, unlisted: bool = False) -> list[GroupProfile]:
    """Every group named as perpetrator or in a responsibility statement, most incidents first.  With
    `unlisted`, the groups the alias table does not know instead, by the names the reports give (to review,
    and to add to data/groups.toml)."""
    from .extract.actors import groups as known_groups

    known = known_groups()
    profiles: dict[str, GroupProfile] = {}
    for inc in incidents(db):
        by_status: dict[str, set[str]] = {}
        names_unlisted = {c["actor"] for c in inc.get("claims") or [] if c.get("unlisted")}
        for c in inc.get("claims") or []:
            by_status.setdefault(c["status"], set()).add(c["actor"])
        names = set(inc.get("perpetrators") or []) | {a for st in ("claimed", "attributed", "praised", "denied")
                                                     for a in by_status.get(st, set())}
        wanted = names & names_unlisted - set(known) if unlisted else {n for n in names if n in known}
        for name in sorted(wanted):
            p = profiles.setdefault(name, GroupProfile(name, known[name].parent if name in known else None,
                                                       unlisted=name not in known))
            p.incidents += 1
            date = inc.get("date")
            if date:
                p.first = min(filter(None, [p.first, date]))
                p.last = max(filter(None, [p.last, date]))
            if name in by_status.get("claimed", set()):
                p.claimed += 1
            elif name in by_status.get("attributed", set()) or name in (inc.get("perpetrators") or []):
                p.attributed += 1
            p.praised += name in by_status.get("praised", set())
            p.denied += name in by_status.get("denied", set())
            p.killed += (inc.get("killed") or {}).get("best") or 0
            if inc.get("country") and inc["country"] not in p.countries:
                p.countries.append(inc["country"])
    return sorted(profiles.values(), key=lambda p: (-p.incidents, p.name))


def export(fmt: str, out: str | os.PathLike | None = None, db: str | Store | None = None,
           country: str | None = None, since: dt.date | None = None, include_background: bool = False,
           min_confidence: float | None = DEFAULT_MIN_CONFIDENCE, include_rejected: bool = False,
           include_undated: bool = False) -> int:
    """Write incidents to a file (or stdout when `out` is None or "-"); returns the count.  The incidents are
    those `incidents` gives for the same filters."""
    records = incidents(db, country=country, since=since, include_background=include_background,
                        min_confidence=min_confidence, include_rejected=include_rejected,
                        include_undated=include_undated)
    if out in (None, "-"):
        import sys
        return _export.write(fmt, records, sys.stdout)
    path = Path(out)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            n = _export.write(fmt, records, f)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # no half-written file left beside the output
        raise
    return n


# --- the workbench's views ------------------------------------------------------------------------------

def search(filters=None, db: str | Store | None = None, sort: str = "date", descending: bool = True,
           page: int = 1, per_page: int = 50) -> tuple[list[dict], dict]:
    """One page of incidents matching `filters` (store.queries.Filters), and the totals of all that match."""
    from .store.queries import Filters

    return open_store(db).search(filters or Filters(), sort, descending, page, per_page)


def review(incident_id: str, field: str, value: str | None, reviewer: str, action: str = "correct",
           note: str | None = None, db: str | Store | None = None) -> dict:
    """An analyst confirms (`action="confirm"`) or corrects a field of an incident.  The correction is kept
    beside the machine's value with who and when, survives re-ingest, and exports use it.  Raises
    review.InvalidCorrection for a bad field or value, KeyError for an unknown incident."""
    from . import review as rv

    store = open_store(db)
    record = store.incident(incident_id)
    if record is None:
        raise KeyError(incident_id)
    if action == "confirm":
        if field not in rv.FIELDS:
            raise rv.InvalidCorrection(f"{field!r} cannot be reviewed")
        parsed = record.get(field)
    elif action == "correct":
        parsed = rv.parse_value(field, value or "")
    else:
        raise rv.InvalidCorrection(f"unknown review action {action!r} (confirm or correct)")
    return store.add_correction(record["id"], action, field, parsed, rv.reviewer_name(reviewer), note)


def not_an_attack(incident_id: str, reviewer: str, note: str | None = None, restore: bool = False,
                  db: str | Store | None = None) -> dict:
    """An analyst says an incident is no attack (a drill, a crime, a misread story): it leaves lists,
    exports and the workbench (`include_rejected` shows it), now and after any re-ingest or `reextract`.
    `restore` takes the verdict back.  Returns the record."""
    from . import review as rv

    store = open_store(db)
    record = store.incident(incident_id)
    if record is None:
        raise KeyError(incident_id)
    return store.add_correction(record["id"], rv.RESTORE if restore else rv.NOT_AN_ATTACK, None, None,
                                rv.reviewer_name(reviewer), note)


def merge_incidents(incident_id: str, other_id: str, reviewer: str, note: str | None = None,
                    db: str | Store | None = None) -> dict:
    """An analyst says two incidents are one: they are fused into one, now and after any re-ingest.
    Returns the merged incident."""
    from . import review as rv

    store = open_store(db)
    a, b = store.incident(incident_id), store.incident(other_id)
    if a is None or b is None:
        raise KeyError(incident_id if a is None else other_id)
    if a["id"] == b["id"]:
        raise rv.InvalidCorrection("an incident cannot be merged with itself")
    store.add_decision("merge", rv.anchor(a), a["id"], rv.reviewer_name(reviewer), other=rv.anchor(b), note=note)
    _refuse_around(store, {m.id: m for m in store.mentions_of_incidents_with([rv.anchor(a), rv.anchor(b)])})
    return _incident_holding(store, rv.anchor(a))


def split_mention(incident_id: str, mention_id: str, reviewer: str, note: str | None = None,
                  db: str | Store | None = None) -> dict:
    """An analyst says one report's account (a mention) is not this incident: it becomes an incident of
    its own, now and after any re-ingest.  Returns that new incident."""
    from . import review as rv

    store = open_store(db)
    record = store.incident(incident_id)
    if record is None:
        raise KeyError(incident_id)
    if mention_id not in (record.get("mention_ids") or []):
        raise rv.InvalidCorrection(f"{mention_id!r} is not one of this incident's mentions")
    if len(record["mention_ids"]) < 2:
        raise rv.InvalidCorrection("an incident of one mention cannot be split")
    store.add_decision("split", mention_id, record["id"], rv.reviewer_name(reviewer), note=note)
    _refuse_around(store, {m.id: m for m in store.mentions_of_incidents_with([mention_id])})
    return _incident_holding(store, mention_id)


def _incident_holding(store: Store, mention_id: str) -> dict:
    found = store.incidents_of_mentions([mention_id])
    if not found:
        raise KeyError(mention_id)
    return found[0]


def sample_corpus() -> Path:
    """The bundled sample reports (written by the incidentwatch team), as a directory path."""
    src = resources.files("incidentwatch.data").joinpath("sample")
    return Path(str(src))


def sample_reports() -> list[Path]:
    """The sample corpus's reports (its README aside), as `demo` ingests them."""
    return [p for p in sorted(sample_corpus().iterdir()) if p.suffix in (".txt", ".html", ".jsonl", ".xml")]


def demo(db: str | None = None, on_event=None) -> tuple[IngestReport, Store]:
    """Ingest the sample corpus into a fresh database (a temporary one unless `db` is given)."""
    if db is None:
        tmpdir = tempfile.mkdtemp(prefix="incidentwatch-demo-")
        db = f"sqlite:///{tmpdir}/demo.db"
    store = Store(db)
    report = ingest(sample_reports(), db=store, on_event=on_event)
    return report, store


def cleanup_demo(store: Store) -> None:
    path = store.url.removeprefix("sqlite:///")
    store.close()
    if "incidentwatch-demo-" in path:
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)


# --- learning and evaluation -----------------------------------------------------------------------------

DEFAULT_MODEL = os.environ.get("INCIDENTWATCH_MODEL", "models/roles")


def train(annotations: str | os.PathLike, out: str | os.PathLike = DEFAULT_MODEL,
          dev: str | os.PathLike | None = None, epochs: int = 12, seed: int = 0,
          time_limit: float | None = None, log=print, start_from: str | None = None,
          encoder_epochs: int = 0) -> dict:
    """Train the role model (role-filler tagger and incident-type classifier) on annotated documents
    (MUC-4's form: docid, doctext, templates) and save it; returns the training record."""
    import time

    from .eval import muc4 as muc4_eval
    from .learn import annotations as ann
    from .learn.roles import train as train_roles

    train_docs = ann.read(annotations)
    dev_docs = ann.read(dev) if dev else None
    gold = muc4_eval.read_gold(dev) if dev else None

    def score(model, docs):
        return muc4_eval.evaluate(_muc4_templates(model, docs), gold)["micro_avg"]["f1"]

    t0 = time.perf_counter()
    encoder = enc_meta = None
    if encoder_epochs:
        # role spans from a fine-tuned pretrained encoder; spaCy then learns only the incident type
        from .learn.encoder import train as train_encoder

        encoder, enc_meta = train_encoder(train_docs, epochs=encoder_epochs, seed=seed, log=log)
    model, meta = train_roles(train_docs, dev_docs, epochs=epochs, seed=seed, score=score if dev else None,
                              log=log, time_limit=time_limit, start_from=start_from, encoder=encoder)
    if encoder is not None:
        encoder.save(Path(out) / "encoder", enc_meta)
        meta["encoder"] = enc_meta
    if dev:
        meta.update(calibrate(model, dev_docs, gold))
    meta.update(seconds=round(time.perf_counter() - t0, 1), annotations=str(annotations),
                dev=str(dev) if dev else None)
    model.save(out, meta)
    return meta


def calibrate(model, docs, gold) -> dict:
    """The thresholds that score best on held-out documents (model selection, like the choice of epoch):
    the "no incident" threshold and, with an encoder, the span score threshold; with the score they give."""
    from .eval import muc4 as muc4_eval

    span_thresholds = (0.3, 0.4, 0.5, 0.6, 0.7) if model.encoder is not None else (None,)
    best = {"none_threshold": 0.5, "best_dev": -1.0}
    for span_threshold in span_thresholds:
        for threshold in (0.5, 0.8, 0.9, 0.95, 0.98):
            found = _muc4_templates(model, docs, threshold, span_threshold)
            f = muc4_eval.evaluate(found, gold)["micro_avg"]["f1"]
            if f > best["best_dev"]:
                best = {"none_threshold": threshold, "best_dev": f}
                if span_threshold is not None:
                    best["span_threshold"] = span_threshold
    return best


def _templates(model, docs, none_threshold: float, span_threshold: float | None = None) -> dict[str, list[dict]]:
    """MUC-4 templates by document id, for documents with `id` and `text`.  The encoder reads only the
    documents the type classifier does not rule out: the others give no template whatever their spans."""
    from .export.muc4 import templates

    preds = model.predict([d.text for d in docs], span_threshold=span_threshold, none_threshold=none_threshold)
    lexicons = model.encoder is None  # measured: the encoder finds what the lexicons add, and they cost precision
    return {d.id: templates(p, none_threshold, d.text, lexicons) for d, p in zip(docs, preds)}


def _muc4_templates(model, docs, none_threshold: float = 0.5,
                    span_threshold: float | None = None) -> dict[str, list[dict]]:
    from .eval.muc4 import normalised_template

    return {doc_id: [normalised_template(t, gold=False) for t in ts]
            for doc_id, ts in _templates(model, docs, none_threshold, span_threshold).items()}


def muc4_predict(documents: str | os.PathLike, out: str | os.PathLike,
                 model: str | os.PathLike = DEFAULT_MODEL) -> dict:
    """MUC-4 templates for documents (docid, doctext), in the form score_muc4.py reads; returns
    {"documents": n, "seconds": t}."""
    import json
    import time

    from .ingest.muc4 import read_documents
    from .learn.roles import RoleModel

    roles = RoleModel.load(model)
    t0 = time.perf_counter()
    articles = [a for a in read_documents(documents) if isinstance(a, Article)]
    found = _templates(roles, articles, roles.meta.get("none_threshold", 0.5))
    result = {doc_id: {"pred_templates": ts} for doc_id, ts in found.items()}
    Path(out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return {"documents": len(articles), "seconds": time.perf_counter() - t0}


def evaluate_muc4(gold: str | os.PathLike, predictions: str | os.PathLike) -> dict:
    from .eval import muc4 as m

    g = m.read_gold(gold)
    return m.evaluate(m.read_predictions(predictions, set(g)), g)


def evaluate_news(gold: str | os.PathLike, articles: str | os.PathLike, incidents_path: str | os.PathLike) -> dict:
    from .eval import news as n

    return n.evaluate(n.read_jsonl(gold), n.read_jsonl(articles), n.read_jsonl(incidents_path))
