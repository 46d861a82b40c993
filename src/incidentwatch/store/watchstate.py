"""What `incidentwatch watch` keeps between polls and across restarts (the SQL half of watch/)."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from sqlalchemy import delete, func, insert, select

from . import schema as t


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class WatchState:
    def __init__(self, store):
        self.engine = store.engine

    # --- sources ------------------------------------------------------------
    def source(self, name: str) -> dict:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.watch_sources.c.state).where(t.watch_sources.c.name == name)).first()
        return dict(row[0]) if row else {}

    def set_source(self, name: str, state: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(t.watch_sources).where(t.watch_sources.c.name == name))
            conn.execute(insert(t.watch_sources).values(name=name, state=state, updated_at=_now()))

    # --- incidents as last seen ---------------------------------------------
    def seen(self, mention_ids: Iterable[str]) -> dict[str, dict]:
        """The state last recorded for each of these mentions (those never seen are missing)."""
        ids = sorted(set(mention_ids))
        out: dict[str, dict] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                q = select(t.watch_seen.c.mention_id, t.watch_seen.c.state).where(
                    t.watch_seen.c.mention_id.in_(ids[i:i + 500]))
                out.update({m: dict(s) for m, s in conn.execute(q)})
        return out

    def unseen_mentions(self, limit: int = 5000) -> list[str]:
        """Stored mentions the watcher has not looked at yet: those of the last poll, and any an
        interrupted run stored without recording what changed."""
        seen = select(t.watch_seen.c.mention_id).where(t.watch_seen.c.mention_id == t.mentions.c.id)
        q = select(t.mentions.c.id).where(~seen.exists()).order_by(t.mentions.c.id).limit(limit)
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(q)]

    def is_new(self) -> bool:
        """Has no watcher run on this database yet?"""
        with self.engine.connect() as conn:
            return conn.execute(select(t.watch_seen.c.mention_id).limit(1)).first() is None and \
                conn.execute(select(t.watch_sources.c.name).limit(1)).first() is None

    def record(self, seen: dict[str, dict], alerts: list[dict]) -> None:
        """Remember the incidents' new states and queue their alerts, in one transaction: a crash leaves
        either both or neither."""
        now = _now()
        ids = sorted(seen)
        with self.engine.begin() as conn:
            for i in range(0, len(ids), 500):
                conn.execute(delete(t.watch_seen).where(t.watch_seen.c.mention_id.in_(ids[i:i + 500])))
            if ids:
                conn.execute(insert(t.watch_seen), [{"mention_id": m, "state": seen[m], "seen_at": now}
                                                    for m in ids])
            if alerts:
                conn.execute(insert(t.alerts), [{**a, "created_at": now} for a in alerts])

    # --- the outbox ---------------------------------------------------------
    def last_alert_id(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(t.alerts.c.id))).scalar() or 0

    def undelivered(self, output: str, after: int = 0, limit: int = 500) -> list[dict]:
        """Alerts after `after` this output has not taken yet, oldest first."""
        done = select(t.alert_deliveries.c.alert_id).where(t.alert_deliveries.c.output == output)
        q = select(t.alerts).where(t.alerts.c.id > after, t.alerts.c.id.not_in(done)).order_by(t.alerts.c.id).limit(limit)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def delivered(self, alert_id: int, output: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(t.alert_deliveries).values(alert_id=alert_id, output=output, delivered_at=_now()))

    def alerts(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(t.alerts).order_by(t.alerts.c.id)).mappings()]
