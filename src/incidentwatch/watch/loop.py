"""The watch loop: poll each source when it is due, store and fuse what is new as `ingest` does, turn the
incidents' changes into alerts, and hand the alerts to every output."""
from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Callable

from .. import api
from ..ingest import Rejection
from ..model import Article
from ..store.watchstate import WatchState
from .alerts import alerts_for
from .config import Config, Source
from .fetch import Fetcher
from .outputs import sender
from .sources import SourceDown, poll, version


# sources fetched side by side at most (each waits its turn at its own site: fetch.Fetcher)
FETCHING_AT_ONCE = 8

# the state row that says this database has had its baseline taken (no source can have this name: a
# source's name is its URL or path unless the configuration names it, and names are checked)
BASELINE = "(baseline)"


_CONTROL = dict.fromkeys(i for i in range(32) if i != 9) | {0x7f: None}


def _stderr(line: str) -> None:
    # names and links in the log come from feeds: no escape sequences from them reach the terminal
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} {line.translate(_CONTROL)}", file=sys.stderr, flush=True)


class Watcher:
    def __init__(self, config: Config, db=None, log: Callable[[str], None] = _stderr,
                 print_line: Callable[[str], None] = print, clock: Callable[[], float] = time.monotonic):
        self.config = config
        self.own_store = not isinstance(db, api.Store)
        self.store = api.open_store(db or config.db)
        self.state = WatchState(self.store)
        self.log = log
        self.clock = clock
        self.fetcher = Fetcher(config.user_agent, config.timeout, config.per_host_interval, config.robots,
                               config.max_bytes)
        self.outputs = [(o.name, sender(o, print_line, config.user_agent, config.timeout)) for o in config.outputs]
        self.due = {s.name: 0.0 for s in config.sources}
        self.failures = {s.name: 0 for s in config.sources}
        for s in config.sources:  # a restart keeps a failing source's back-off, not hammering it at once
            backoff = self.state.source(s.name).get("backoff") or {}
            self.failures[s.name] = int(backoff.get("failures", 0))
            self.due[s.name] = self.clock() + max(0.0, float(backoff.get("until", 0)) - time.time())
        self.output_problem: dict[str, str | None] = {name: None for name, _ in self.outputs}
        if self.state.is_new():
            # alerts are for what happens from now on: what the database already holds is the baseline
            self._record_changes(alert=False)
            self.state.set_source(BASELINE, {"at": dt.datetime.now(dt.timezone.utc).isoformat()})
        # an output takes the alerts raised since it was first configured, not the history before it
        self.since: dict[str, int] = {}
        for name, _ in self.outputs:
            reg = self.state.source(f"(output) {name}")
            if not reg:
                reg = {"since": self.state.last_alert_id()}
                self.state.set_source(f"(output) {name}", reg)
            self.since[name] = reg["since"]
        if not config.rules:
            self.log("no [[rule]] in the configuration: sources are followed and stored, but nothing is alerted")

    def close(self) -> None:
        self.fetcher.close()
        for _, send in self.outputs:
            getattr(send, "close", lambda: None)()
        if self.own_store:
            self.store.close()

    # --- sources ------------------------------------------------------------
    def poll(self, source: Source) -> int:
        """Poll one source now; the number of articles stored.  A failure backs the source off."""
        return self._store(source, self._fetch(source, self.state.source(source.name)))

    def poll_many(self, sources: list[Source]) -> None:
        """Poll these sources at once: fetched side by side (a slow site does not hold up the others),
        stored one by one as each answers."""
        if len(sources) <= 1:
            for source in sources:
                self.poll(source)
            return
        states = {s.name: self.state.source(s.name) for s in sources}  # the database is read here only
        with ThreadPoolExecutor(min(FETCHING_AT_ONCE, len(sources)), thread_name_prefix="watch-fetch") as pool:
            asked = {pool.submit(self._fetch, s, states[s.name]): s for s in sources}
            for done in as_completed(asked):
                self._store(asked[done], done.result())

    def _fetch(self, source: Source, state: dict):
        """What is new at the source, and its next state; or the problem (a string).  No database here:
        this runs in a fetching thread."""
        try:
            return poll(source, state, self.fetcher, self.log)
        except SourceDown as e:
            return str(e)
        except Exception as e:  # a bug or a surprise at one source must not stop the others
            return f"{source.where}: {type(e).__name__}: {e}"

    def _store(self, source: Source, fetched) -> int:
        if isinstance(fetched, str):
            return self._back_off(source, fetched)
        items, state = fetched
        if self.failures[source.name]:
            self.log(f"{source.name}: working again after {self.failures[source.name]} failed polls")
            self.failures[source.name] = 0
        articles: list[Article | Rejection] = []
        for item in items:
            if isinstance(item, Rejection):
                self.log(f"{source.name}: {item}")
            else:
                articles.append(version(item, self.store.article))
        try:
            report = api.ingest_articles(articles, self.store) if articles else api.IngestReport()
            state = {k: v for k, v in state.items() if k != "backoff"}
            self.state.set_source(source.name, state)  # only now: what was read is stored
            self._record_changes()
        except Exception as e:  # the database away or full: read it all again next time, lose nothing
            return self._back_off(source, f"storing failed: {type(e).__name__}: {(str(e).splitlines() or [''])[0]}")
        for r in report.rejected:
            self.log(f"{source.name}: {r}")
        self.due[source.name] = self.clock() + source.every
        return report.ingested

    def _back_off(self, source: Source, problem: str) -> int:
        self.failures[source.name] += 1
        wait = min(source.every * 2 ** self.failures[source.name], self.config.max_backoff)
        self.due[source.name] = self.clock() + wait
        try:
            state = self.state.source(source.name)
            state["backoff"] = {"failures": self.failures[source.name], "until": time.time() + wait}
            self.state.set_source(source.name, state)
        except Exception:  # the database is away too: the back-off holds for this run
            pass
        self.log(f"{source.name}: {problem}; next try in {wait:g} s")
        return 0

    def _record_changes(self, alert: bool = True) -> None:
        """Compare the incidents of every mention not looked at yet with how they were last seen, queue
        the alerts, and remember them as they are now."""
        while ids := self.state.unseen_mentions():
            records = self.store.incidents_of_mentions(ids)
            seen = self.state.seen(m for r in records for m in r.get("mention_ids") or [])
            alerts, remember = alerts_for(records, seen, self.config.rules)
            # a mention in no incident (an analyst split it off, say) is looked at once, not at every poll
            remember.update({m: {} for m in ids if m not in remember})
            self.state.record(remember, alerts if alert else [])

    # --- outputs ------------------------------------------------------------
    def deliver(self) -> int:
        """Hand every queued alert to every output that has not taken it; the number delivered."""
        sent = 0
        for name, send in self.outputs:
            for alert in self.state.undelivered(name, self.since[name]):
                try:
                    send(alert)
                except Exception as e:
                    problem = str(e) or type(e).__name__
                    if self.output_problem[name] != problem:  # once, not at every retry
                        self.log(f"output {name}: {problem}; the alerts wait for it")
                        self.output_problem[name] = problem
                    break
                self.state.delivered(alert["id"], name)
                sent += 1
                if self.output_problem[name]:
                    self.log(f"output {name}: delivering again")
                    self.output_problem[name] = None
        return sent

    # --- running ------------------------------------------------------------
    def run_once(self) -> None:
        """Poll every source once and deliver (`watch --once`, and the tests)."""
        self.deliver()  # what an earlier run queued but could not deliver
        self.poll_many(self.config.sources)
        self.deliver()

    def run(self, stop: threading.Event | None = None, tick: float = 1.0) -> None:
        """Poll sources as they fall due until `stop` is set."""
        stop = stop or threading.Event()
        self.deliver()
        while not stop.is_set():
            due = [s for s in self.config.sources if self.clock() >= self.due[s.name]]
            if due:
                self.poll_many(due)
                self.deliver()
            nxt = min(self.due.values(), default=self.clock() + tick)
            stop.wait(max(0.05, min(tick, nxt - self.clock())))
        self.deliver()
