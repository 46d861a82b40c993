"""Every input format becomes Article records with the right text and metadata.

The corpus (see conftest.py) is ingested once; these tests read what was stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest

from incidentwatch.ingest import Rejection, read_paths
from incidentwatch.ingest.metadata import article_id_for

from conftest import HTML_PAGE, JSONL_WITH_ID, JSONL_WITHOUT_ID, NESTED_TEXT, TEXT_WITH_TITLE, TEXT_WITHOUT_TITLE


def stored(ingested, source) -> object:
    articles = ingested.articles_by_source()
    assert str(source) in articles, f"nothing was stored from {source}; stored: {sorted(articles)}"
    return articles[str(source)]


# --- the whole directory --------------------------------------------------------------------------------------

def test_a_directory_is_read_recursively_and_every_article_is_stored(ingested):
    report = ingested.report
    assert report.rejected == []
    assert report.duplicates == 0
    assert report.ingested == ingested.corpus.article_count
    assert ingested.store.count("articles") == ingested.corpus.article_count


def test_a_file_in_a_nested_subdirectory_is_ingested(ingested):
    article = stored(ingested, ingested.corpus.nested_text)
    assert article.title == "Grenade attack on Grozny patrol"
    assert article.text == NESTED_TEXT


def test_hidden_files_in_a_directory_are_skipped(ingested):
    sources = {item.source for kind, item in ingested.events}
    assert str(ingested.corpus.hidden) not in sources


def test_every_ingested_article_is_reported_by_an_event(ingested):
    """on_event sees one "ingested" event per stored article, naming where it came from."""
    kinds = [kind for kind, _ in ingested.events]
    assert kinds.count("ingested") == ingested.report.ingested
    assert set(kinds) == {"ingested"}


# --- plain text -------------------------------------------------------------------------------------------------

def test_plain_text_keeps_the_file_text_and_takes_the_first_line_as_title(ingested):
    article = stored(ingested, ingested.corpus.text_with_title)
    assert article.format == "text"
    assert article.text == TEXT_WITH_TITLE
    assert article.title == "Gunmen kill two officers at Derbent checkpoint"


def test_plain_text_takes_its_publication_date_from_the_dateline(ingested):
    article = stored(ingested, ingested.corpus.text_with_title)
    assert article.published == dt.date(2019, 3, 3)
    assert article.published_source == "dateline"


def test_plain_text_whose_first_line_is_a_sentence_has_no_title(ingested):
    article = stored(ingested, ingested.corpus.text_without_title)
    assert article.title == ""
    assert article.text == TEXT_WITHOUT_TITLE
    assert article.published is None, "no dateline, no URL: the publication date is unknown"


def test_plain_text_line_endings_and_byte_order_mark_are_normalised(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT_WITH_TITLE.replace("\n", "\r\n").encode("utf-8"))
    [article] = read_paths([path])
    assert article.text == TEXT_WITH_TITLE
    assert article.title == "Gunmen kill two officers at Derbent checkpoint"


def test_a_file_with_an_unknown_extension_is_read_as_text(tmp_path):
    path = tmp_path / "report.eml"
    path.write_text(TEXT_WITH_TITLE, encoding="utf-8")
    [article] = read_paths([path])
    assert article.format == "text"
    assert article.text == TEXT_WITH_TITLE


# --- HTML ------------------------------------------------------------------------------------------------------

def test_html_gives_the_main_text_without_page_furniture(ingested):
    article = stored(ingested, ingested.corpus.html)
    assert article.format == "html"
    assert "Two suicide bombers blew themselves up at a mosque in Maiduguri" in article.text
    assert "No group claimed the bombing" in article.text
    for furniture in ("cookies", "All rights reserved", "Sport"):
        assert furniture not in article.text


def test_html_metadata_gives_title_date_site_and_url(ingested):
    article = stored(ingested, ingested.corpus.html)
    assert article.title == "Suicide bombers strike mosque in Maiduguri"
    assert article.published == dt.date(2018, 5, 2)
    assert article.published_source == "meta"
    assert article.site == "Lakeside Herald"
    assert article.url == "https://lakeside-herald.example.com/world/maiduguri-mosque-bombing"


def test_html_article_text_starts_with_its_title(ingested):
    article = stored(ingested, ingested.corpus.html)
    assert article.text.startswith(article.title)


def test_html_is_recognised_by_its_content_when_the_extension_says_nothing(tmp_path):
    path = tmp_path / "page-without-extension"
    path.write_text(HTML_PAGE, encoding="utf-8")
    [article] = read_paths([path])
    assert article.format == "html"
    assert article.title == "Suicide bombers strike mosque in Maiduguri"


# --- JSON Lines ------------------------------------------------------------------------------------------------

def test_jsonl_record_fields_become_the_article(ingested):
    article = stored(ingested, f"{ingested.corpus.jsonl}:1")
    assert article.format == "jsonl"
    assert article.id == JSONL_WITH_ID["id"]
    assert article.url == JSONL_WITH_ID["url"]
    assert article.title == JSONL_WITH_ID["title"]
    assert article.text == JSONL_WITH_ID["text"]
    assert article.published == dt.date(2020, 4, 12), "a full timestamp is cut to its date"
    assert article.published_source == "field"
    assert article.site == "wire.example.org"


def test_jsonl_fields_outside_the_contract_are_ignored(ingested):
    article = stored(ingested, f"{ingested.corpus.jsonl}:1")
    for ignored in ("sahel", "Wire desk"):
        assert ignored not in article.text
        assert ignored not in (article.title or "")


def test_jsonl_sources_name_the_line_and_blank_lines_are_skipped(ingested):
    """The second record sits on line 3 (line 2 is blank) and is named so."""
    article = stored(ingested, f"{ingested.corpus.jsonl}:3")
    assert article.text == JSONL_WITHOUT_ID["text"]
    assert article.published == dt.date(2021, 9, 5)


def test_jsonl_record_without_an_id_is_named_by_its_text(ingested):
    article = stored(ingested, f"{ingested.corpus.jsonl}:3")
    assert article.id == article_id_for(JSONL_WITHOUT_ID["text"])


# --- RSS and Atom feeds ----------------------------------------------------------------------------------------

def feed_articles(ingested, path) -> list:
    return [item for kind, item in ingested.events if kind == "ingested" and item.source == str(path)]


def test_rss_feed_gives_one_article_per_item(ingested):
    items = feed_articles(ingested, ingested.corpus.rss)
    assert [a.title for a in items] == ["Gunmen attack bus station in Nazran", "Bomb blast at Khasavyurt market"]
    assert all(a.format == "feed" for a in items)
    assert all(a.site == "Northern Wire" for a in items), "the channel title names the outlet"


def test_rss_item_text_is_title_and_description_without_markup(ingested):
    first = feed_articles(ingested, ingested.corpus.rss)[0]
    article = ingested.store.article(first.id)
    assert article.text.startswith("Gunmen attack bus station in Nazran\n\nGunmen opened fire at a bus station")
    assert "<p>" not in article.text and "&lt;" not in article.text
    assert "The attackers fled on foot" in article.text


def test_rss_item_guid_is_its_id_and_pubdate_its_date(ingested):
    first = feed_articles(ingested, ingested.corpus.rss)[0]
    assert first.id == "urn:northern-wire:2016-nazran"
    assert first.url == "https://northern-wire.example.org/news/nazran-bus-station"
    assert first.published == dt.date(2016, 10, 7)
    assert first.published_source == "feed"


def test_rss_item_without_guid_or_pubdate_is_named_by_its_text_and_dated_by_its_url(ingested):
    second = feed_articles(ingested, ingested.corpus.rss)[1]
    assert second.id == article_id_for(second.text)
    assert second.published == dt.date(2016, 11, 2)
    assert second.published_source == "url"


def test_atom_entry_gives_an_article_with_its_id_link_date_and_content(ingested):
    [entry] = feed_articles(ingested, ingested.corpus.atom)
    assert entry.id == "tag:sahel-monitor.example.org,2022:ouaga-gendarmerie"
    assert entry.title == "Militants attack gendarmerie post near Ouagadougou"
    assert entry.url == "https://sahel-monitor.example.org/2022/01/16/gendarmerie-post"
    assert entry.published == dt.date(2022, 1, 16)
    assert entry.site == "Sahel Monitor"
    assert "Militants attacked a gendarmerie post near Ouagadougou" in entry.text
    assert "set fire to two vehicles" in entry.text


# --- stable ids ------------------------------------------------------------------------------------------------

def test_every_stored_article_has_an_id(ingested):
    ids = [item.id for kind, item in ingested.events if kind == "ingested"]
    assert all(ids) and len(set(ids)) == len(ids)


def test_an_article_without_an_id_is_named_by_a_hash_of_its_normalised_text():
    """Normalised: Unicode NFC, whitespace runs collapsed, case folded; the id is "a-" and 16 hex digits."""
    text = "Gunmen opened fire on a police post in Nalchik."
    expected = "a-" + hashlib.sha256(text.casefold().encode("utf-8")).hexdigest()[:16]
    assert article_id_for(text) == expected
    assert re.fullmatch(r"a-[0-9a-f]{16}", expected)


def test_the_same_text_gets_the_same_id_whatever_its_spacing_or_case(tmp_path):
    (tmp_path / "one.txt").write_text("Gunmen opened fire on a police post in Nalchik.\nTwo officers died.\n")
    (tmp_path / "two.txt").write_text("  GUNMEN opened fire on a police post   in Nalchik.\r\n\r\nTwo officers died.")
    (tmp_path / "three.txt").write_text("Gunmen opened fire on a police post in Nalchik.\nThree officers died.\n")
    [one], [two], [three] = (list(read_paths([tmp_path / name])) for name in ("one.txt", "two.txt", "three.txt"))
    assert one.id == two.id
    assert one.id != three.id


def test_ids_are_stable_from_one_reading_to_the_next(corpus):
    first = [a.id for a in read_paths([corpus.root])]
    second = [a.id for a in read_paths([corpus.root])]
    assert first == second
    assert not any(isinstance(a, Rejection) for a in read_paths([corpus.root]))


@pytest.mark.parametrize("attr", ["text_with_title", "html", "jsonl", "rss", "atom"])
def test_each_corpus_file_can_be_read_on_its_own(corpus, attr):
    items = list(read_paths([getattr(corpus, attr)]))
    assert items and all(not isinstance(i, Rejection) for i in items)
    assert all(i.text.strip() and i.id for i in items)
