"""The watch configuration the README shows a North Caucasus desk is one `incidentwatch watch` accepts,
and its rules name regions the gazetteer knows."""
import re
import tomllib
from pathlib import Path

from incidentwatch.extract.gazetteer import gazetteer
from incidentwatch.watch.alerts import same_name
from incidentwatch.watch.config import parse

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_config() -> dict:
    text = README.read_text("utf-8")
    start = text.index("A configuration for a desk covering the North Caucasus")
    block = re.search(r"```toml\n(.*?)```", text[start:], re.S)
    return tomllib.loads(block.group(1))


def test_the_readme_configuration_parses_into_sources_rules_and_outputs():
    cfg = parse(readme_config(), README)
    assert [s.kind for s in cfg.sources] == ["feed", "folder", "jsonl"]
    assert {o.kind for o in cfg.outputs} == {"terminal", "jsonl", "webhook", "email"}
    assert cfg.robots and cfg.per_host_interval > 0
    toll = next(r for r in cfg.rules if r.on == ("toll",))
    assert toll.toll_change == 2 and toll.min_killed == 1


def test_every_region_in_the_readme_rules_is_a_region_of_russia_in_the_gazetteer():
    regions = {name for (cc, _), name in gazetteer().admin1_names.items() if cc == "RU"}
    for rule in parse(readme_config(), README).rules:
        for wanted in rule.region:
            hits = [r for r in regions if same_name(wanted, r)]
            assert len(hits) == 1, (wanted, hits)


def test_place_names_match_forgivingly_but_not_loosely():
    assert same_name("Ingushetia", "Ingushetiya")
    assert same_name("Stavropol Krai", "Stavropol'skiy")
    assert same_name("North Ossetia-Alania", "North Ossetia")
    assert not same_name("Dagestan", "Chechnya")
    assert not same_name("North Ossetia", "North Kazakhstan")
    assert not same_name("Stavropol Krai", "Krasnodar Krai")
