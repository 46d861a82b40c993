"""A user data directory (INCIDENTWATCH_DATA, or `incidentwatch --data DIR`) overrides or extends the packaged
data files, without editing the package.

The group and the report here are invented for these tests.
"""
from __future__ import annotations

import os
import subprocess

import pytest

from incidentwatch.extract import gazetteer, lexicon
from incidentwatch.extract.lexicon import UserDataError, load_toml, merged

from conftest import incidentwatch_command

NEW_GROUP = '''
[[group]]
name = "Valley Liberation Front"
aliases = ["Valley Liberation Front", "VLF"]
'''
REPORT = ("Gunmen attack police post in Quetta\n\nPublished: 2024-06-25\n\n"
          "Gunmen attacked a police post in Quetta, Pakistan, on Monday, killing three officers, police said. "
          "The Valley Liberation Front claimed responsibility for the attack.\n")


def test_tables_merge_key_by_key_lists_extend_and_named_entries_replace():
    base = {"cues": {"a": ["x", "y"], "b": ["z"]}, "group": [{"name": "G", "aliases": ["g"]}], "n": 1}
    extra = {"cues": {"a": ["y", "w"], "c": ["v"]}, "group": [{"name": "G", "aliases": ["gg"]},
                                                              {"name": "H", "aliases": []}], "n": 2}
    assert merged(base, extra) == {"cues": {"a": ["x", "y", "w"], "b": ["z"], "c": ["v"]},
                                   "group": [{"name": "G", "aliases": ["gg"]}, {"name": "H", "aliases": []}],
                                   "n": 2}


def test_a_users_file_extends_the_packaged_one(tmp_path, monkeypatch):
    (tmp_path / "groups.toml").write_text(NEW_GROUP, "utf-8")
    monkeypatch.setenv("INCIDENTWATCH_DATA", str(tmp_path))
    names = [g["name"] for g in load_toml("groups.toml")["group"]]
    assert "Valley Liberation Front" in names and "Islamic State" in names


def test_replace_true_replaces_the_packaged_file(tmp_path, monkeypatch):
    (tmp_path / "groups.toml").write_text("replace = true\n" + NEW_GROUP, "utf-8")
    monkeypatch.setenv("INCIDENTWATCH_DATA", str(tmp_path))
    assert [g["name"] for g in load_toml("groups.toml")["group"]] == ["Valley Liberation Front"]


def test_a_file_in_a_language_folder_is_found_at_its_path(tmp_path, monkeypatch):
    (tmp_path / "lang" / "en").mkdir(parents=True)
    (tmp_path / "lang" / "en" / "occurrence.toml").write_text('[cues]\nexercise = ["field manoeuvres"]\n', "utf-8")
    monkeypatch.setenv("INCIDENTWATCH_DATA", str(tmp_path))
    cues = load_toml("lang/en/occurrence.toml")["cues"]
    assert "field manoeuvres" in cues["exercise"] and "drill*" in cues["exercise"] and cues["trial"]


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: (p / "file").write_text("x") and p / "file"])
def test_a_data_directory_that_is_not_one_is_an_error_naming_it(tmp_path, monkeypatch, make):
    monkeypatch.setenv("INCIDENTWATCH_DATA", str(make(tmp_path)))
    with pytest.raises(UserDataError, match="not a directory"):
        lexicon.user_data_dir()


def test_a_broken_toml_file_is_an_error_naming_it(tmp_path, monkeypatch):
    (tmp_path / "groups.toml").write_text("[[group\n", "utf-8")
    monkeypatch.setenv("INCIDENTWATCH_DATA", str(tmp_path))
    with pytest.raises(UserDataError, match="groups.toml: not valid TOML"):
        load_toml("groups.toml")


def test_the_gazetteer_cache_key_covers_the_country_names(tmp_path, monkeypatch):
    before = gazetteer.cache_key()
    assert gazetteer.cache_key() == before  # stable for the same data
    (tmp_path / "countries.toml").write_text('[names]\n"United Kingdom" = ["Blighty"]\n', "utf-8")
    monkeypatch.setenv("INCIDENTWATCH_DATA", str(tmp_path))
    assert gazetteer.cache_key() != before


def _run(*args, check=True):
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("INCIDENTWATCH_DATA", None)
    result = subprocess.run([*incidentwatch_command(), *map(str, args)], capture_output=True, text=True, env=env)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_the_command_takes_data_and_reextract_applies_it_to_stored_articles(tmp_path):
    """A claim by a group the alias table lacks is kept as unlisted; after the user lists it in their own
    groups.toml, `reextract` files the claim under the listed group."""
    (tmp_path / "brief.txt").write_text(REPORT, "utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "groups.toml").write_text(NEW_GROUP, "utf-8")
    db = tmp_path / "desk.db"
    _run("ingest", tmp_path / "brief.txt", "--db", db)
    assert "Valley Liberation Front" in _run("groups", "--unlisted", "--db", db).stdout
    _run("--data", data, "reextract", "--db", db)
    listed = _run("--data", data, "groups", "--db", db).stdout
    assert "Valley Liberation Front" in listed
    assert "Valley Liberation Front" not in _run("--data", data, "groups", "--unlisted", "--db", db).stdout


def test_a_data_directory_that_does_not_exist_is_one_line_and_status_2(tmp_path):
    result = _run("--data", tmp_path / "nowhere", "list", "--db", tmp_path / "x.db", check=False)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "not a directory" in result.stderr
