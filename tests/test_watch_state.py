"""What a watcher keeps in the database: a baseline of what was there before it started, and the
changes of an interrupted poll, alerted on the next run."""
import pytest

from incidentwatch import api
from incidentwatch.store import Store
from incidentwatch.store.watchstate import WatchState
from incidentwatch.watch import Watcher
from incidentwatch.watch.config import parse

OLD_ATTACK = (
    "Gunmen attack police post in Nalchik\n\n"
    "Gunmen opened fire on a traffic police post in Nalchik, in Russia's Kabardino-Balkaria republic, on "
    "Saturday, killing two officers and wounding one, the regional interior ministry said. The attackers "
    "escaped in a car. Investigators opened a terrorism case over the shooting.")

NEW_ATTACK = (
    "Bomb kills four at bus stop in Khasavyurt\n\n"
    "A bomb exploded at a crowded bus stop in Khasavyurt, in Russia's Dagestan republic, on Tuesday "
    "morning, killing four people and injuring nine, local officials said. Police said the explosive "
    "device had been hidden in a bag. Investigators opened a terrorism case over the bombing.")


def config(folder):
    return parse({"watch": {"per_host_interval": 0},
                  "source": [{"name": "drop", "folder": str(folder), "every": 60, "settle": 0}],
                  "rule": [{"name": "Russia", "country": "Russia"}],
                  "output": [{"type": "terminal"}]})


@pytest.fixture
def desk(tmp_path, fresh_db):
    """A drop folder and a database (SQLite, and PostgreSQL when the tests are given one)."""
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder, fresh_db


def test_incidents_in_the_database_before_the_first_watch_are_a_baseline_not_alerts(desk, tmp_path):
    folder, db = desk
    old = tmp_path / "old.txt"
    old.write_text(OLD_ATTACK, encoding="utf-8")
    assert api.ingest([old], db=db).mentions == 1
    printed = []
    w = Watcher(config(folder), db=db, print_line=printed.append, log=lambda line: None)
    w.run_once()
    assert printed == []
    (folder / "new.txt").write_text(NEW_ATTACK, encoding="utf-8")
    w.run_once()
    assert len(printed) == 1 and "NEW" in printed[0] and "Khasavyurt" in printed[0]
    w.close()


def test_changes_stored_but_not_alerted_before_a_crash_are_alerted_after_the_restart(desk, monkeypatch):
    folder, db = desk
    (folder / "new.txt").write_text(NEW_ATTACK, encoding="utf-8")
    logged, printed = [], []
    w = Watcher(config(folder), db=db, print_line=printed.append, log=logged.append)

    def crash(self, alert=True):
        raise RuntimeError("the process died here")
    monkeypatch.setattr(Watcher, "_record_changes", crash)
    w.run_once()
    monkeypatch.undo()
    assert printed == [] and Store(db).count("articles") == 1
    assert any("storing failed" in line and "drop" in line for line in logged)
    w.close()

    w = Watcher(config(folder), db=db, print_line=printed.append, log=logged.append)  # the restart
    w.run_once()
    w.run_once()
    assert len(printed) == 1 and "Khasavyurt" in printed[0]
    assert len(WatchState(Store(db)).alerts()) == 1
    w.close()


def test_a_failing_source_keeps_its_back_off_across_a_restart(tmp_path, fresh_db):
    gone = tmp_path / "unmounted"
    cfg = parse({"source": [{"name": "share", "folder": str(gone), "every": 60}], "rule": [{"name": "all"}],
                 "output": [{"type": "terminal"}]})
    db = fresh_db
    logged: list[str] = []
    w = Watcher(cfg, db=db, log=logged.append, print_line=lambda line: None)
    w.run_once()
    assert logged == [f"share: {gone}: no such folder; next try in 120 s"]
    w.close()

    w = Watcher(cfg, db=db, log=logged.append, print_line=lambda line: None)  # the restart
    assert 100 < w.due["share"] - w.clock() <= 120  # not asked again at once
    w.poll(cfg.sources[0])  # asked anyway: the back-off goes on doubling
    assert logged[-1].endswith("next try in 240 s")
    w.close()

    gone.mkdir()
    w = Watcher(cfg, db=db, log=logged.append, print_line=lambda line: None)
    w.poll(cfg.sources[0])
    assert logged[-1] == "share: working again after 2 failed polls"
    w.close()
    w = Watcher(cfg, db=db, log=logged.append, print_line=lambda line: None)
    assert w.failures["share"] == 0 and w.due["share"] <= w.clock()
    w.close()
