"""Property-based tests: whatever arrives, the readers, the extractor and the store keep their promises.

Hypothesis writes the inputs: random bytes, broken encodings, enormous lines, deeply nested markup, hostile
XML (external entities, entity expansion), texts of only numbers or only names, and attack-like reports built
from sentence fragments written for this file.  Each test states the property it checks in its docstring.

The properties:

1. Readers (`read_paths`) never raise.  Every item they yield is an Article or a Rejection; every Rejection
   gives a reason on one line and names the file (or "file:line") it is about; no file goes unmentioned.
   An XML feed never pulls in a local file through an external entity, and entity expansion never
   multiplies a small file into a huge text.
2. Extraction (`extract_articles`) never raises, and every piece of evidence a mention carries points into
   its own article's text.
3. Ingesting a bad file never raises and leaves the database exactly as it was.

The ordinary run is quick: 2 to 100 examples per test, about 20 seconds in all, most of it loading spaCy
and the gazetteer.  For a long run set INCIDENTWATCH_FUZZ=1: this module then loads its "fuzz" profile, which
gives every test many more examples (20 to 5,000; about 10 minutes in all), and INCIDENTWATCH_FUZZ_DB=<dir>
keeps the failing examples Hypothesis finds in that directory.  (The profile is registered here, not in a
conftest, so `--hypothesis-profile=fuzz` cannot select it: use the variable.)

Tests marked "FOUND BUG" below each failed when written and say what the bug was; each now passes against
the fix (guarded URL parsing, JSON Lines split at "\n" only, an empty-of-text JSONL file rejected, dates
at the ends of the calendar dropped at the article and caught in date arithmetic).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import json
import os
import resource
import shutil
import signal
import time
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from incidentwatch import api
from incidentwatch.extract.pipeline import extract_articles
from incidentwatch.ingest import Rejection, read_paths
from incidentwatch.ingest import read as read_module
from incidentwatch.ingest.text import article_from_text
from incidentwatch.model import Article
from incidentwatch.store import Store

# --- how many examples ------------------------------------------------------------------------------------------

_FUZZ_DB = os.environ.get("INCIDENTWATCH_FUZZ_DB")
settings.register_profile(
    "fuzz", max_examples=2000, deadline=None, print_blob=True, suppress_health_check=list(HealthCheck),
    database=DirectoryBasedExampleDatabase(_FUZZ_DB) if _FUZZ_DB else None)
if os.environ.get("INCIDENTWATCH_FUZZ") == "1":
    settings.load_profile("fuzz")
FUZZING = settings.get_current_profile_name() == "fuzz"


def examples(default: int, fuzz: int) -> settings:
    """`default` examples in the ordinary run, `fuzz` under the fuzz profile.  No deadline: the first example
    of a test may wait seconds for spaCy or the gazetteer to load.  No example database in the ordinary run,
    so the run leaves no .hypothesis directory behind; a failure prints its reproduction blob instead."""
    return settings(max_examples=fuzz if FUZZING else default, deadline=None, print_blob=True,
                    database=settings.default.database if FUZZING else None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example, HealthCheck.filter_too_much])


SUFFIXES = [".txt", ".html", ".jsonl", ".xml"]

# feedparser warns about its own date fields on every feed; the warning says nothing about the input
pytestmark = pytest.mark.filterwarnings("ignore:To avoid breaking existing software:DeprecationWarning")

# --- helpers ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A directory for the files the examples write (module-scoped: Hypothesis reruns a test many times)."""
    return tmp_path_factory.mktemp("fuzz")


_names = itertools.count()


@contextlib.contextmanager
def written(scratch: Path, suffix: str, data: bytes):
    """A file with this suffix holding exactly `data`, removed afterwards (some examples are megabytes)."""
    path = scratch / f"input-{next(_names)}{suffix}"
    path.write_bytes(data)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


class Hang(BaseException):
    """Raised by the watchdog.  A BaseException, so that no reader's `except Exception` can swallow it."""


@contextlib.contextmanager
def watchdog(seconds: float):
    """Turn a hang into a test failure.  (A loop inside C code is only stopped when it returns to Python.)"""
    def bark(signum, frame):
        raise Hang(f"still running after {seconds} s")
    old = signal.signal(signal.SIGALRM, bark)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def names_the_file(source: str, path: Path) -> bool:
    """A source is the file's path, or "path:line" for one line of JSON Lines."""
    return source == str(path) or (source.startswith(f"{path}:") and source[len(str(path)) + 1:].isdigit())


def read_checked(path: Path, seconds: float = 30) -> list[Article | Rejection]:
    """Read one file and check what every reader promises, whatever the file holds:

    - `read_paths` does not raise (and does not hang);
    - every item is an Article or a Rejection;
    - a Rejection's reason is one non-empty line (no line break of any kind `str.splitlines` knows);
    - every item's source names the file (or a line of it);
    - an Article has an id and some text.
    """
    with watchdog(seconds):
        items = list(read_paths([path]))
    for item in items:
        assert isinstance(item, (Article, Rejection)), item
        assert names_the_file(item.source, path), (item.source, path)
        if isinstance(item, Rejection):
            assert item.reason.strip(), "a rejection must say why"
            assert len(item.reason.splitlines()) == 1, f"reason is not one line: {item.reason!r}"
        else:
            assert isinstance(item.id, str) and item.id
            assert isinstance(item.text, str) and item.text.strip()
    return items


def article_strings(items) -> list[str]:
    """Everything a stored article would carry from the file: text, title, id, url, site."""
    return [s for a in items if isinstance(a, Article) for s in (a.text, a.title, a.id, a.url, a.site) if s]


# --- strategies: words and sentences written for this file -----------------------------------------------------
# (each strategy is built once, functools.cache, and shared by the tests that draw from it)

TOWNS = ["Kabul", "Mosul", "Peshawar", "Maiduguri", "Mogadishu", "Quetta", "Derbent", "Gao", "Kidal", "Sanaa",
         "Nazran", "Jalalabad", "Marawi", "Bamako", "Aleppo", "Karachi", "Diffa", "Mopti", "Lahore", "Grozny"]
COUNTRIES = ["Afghanistan", "Iraq", "Pakistan", "Nigeria", "Somalia", "Mali", "Russia", "Yemen", "Syria",
             "Philippines", "Niger", "Burkina Faso"]
GROUPS = ["Islamic State", "al-Shabaab", "Boko Haram", "the Taliban", "a local militia", "an unknown group"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December", "Sept.", "Febuary"]
COUNT_WORDS = ["one", "two", "three", "a dozen", "dozens of", "hundreds of", "at least 12", "more than 40",
               "between 5 and 9", "nearly 1,000", "scores of", "no"]
TEMPLATES = [
    "Gunmen killed {n} people in {town} on {weekday}.",
    "A car bomb exploded near a police station in {town}, {country}, wounding {n} soldiers.",
    "{group} claimed responsibility for the attack in a statement on {weekday}.",
    "At least {n} civilians were killed when militants stormed a market in {town} on {date}.",
    "Police said {n} attackers were shot dead after the assault on the checkpoint.",
    "A suicide bomber blew himself up at a mosque in {town} {n} days ago, officials said.",
    "Two explosions hit a bus station in {town} yesterday, killing {n} and injuring {n2}.",
    "{name}, a spokesman for {group}, denied that the group carried out the bombing.",
    "Last {month} gunmen attacked a convoy near {town}, and {n} soldiers died.",
    "The blast on {date} was the worst attack in {country} since {year}.",
    "Witnesses said the gunmen opened fire on worshippers leaving the church in {town}.",
    "{group} blamed {name} for the shooting, without evidence.",
    "The death toll from Tuesday's bombing in {town} rose to {n}, the health ministry said.",
    "Security forces killed {n} militants in a raid on {weekday} morning near {town}, {country}.",
    "An improvised explosive device struck an army patrol on the road to {town} on {date}.",
]


@functools.cache
def capitalised_names() -> st.SearchStrategy[str]:
    """Made-up proper names: ASCII ("Talvrek") and any script with letter case ("Ärnövik", "Ωμέγα")."""
    ascii_name = st.from_regex(r"\A[A-Z][a-z]{1,11}\Z")
    any_script = st.builds(lambda a, b: a + b, st.characters(categories=["Lu"]),
                           st.text(st.characters(categories=["Ll"]), min_size=1, max_size=10))
    return st.one_of(ascii_name, any_script, st.sampled_from(TOWNS + COUNTRIES))


@functools.cache
def counts() -> st.SearchStrategy[str]:
    """Counts as reports write them, and as no report should: huge, negative, grouped, spelled out."""
    return st.one_of(st.integers(0, 200).map(str), st.integers(-10**6, 10**18).map(str),
                     st.integers(0, 10**9).map("{:,}".format), st.sampled_from(COUNT_WORDS))


@functools.cache
def written_dates() -> st.SearchStrategy[str]:
    """Dates as text, many of them impossible ("February 30, 2021", "31 Sept. 0000")."""
    day, year = st.integers(0, 40), st.integers(0, 99999)
    return st.one_of(
        st.builds("{} {}, {}".format, st.sampled_from(MONTHS), day, year),
        st.builds("{} {} {}".format, day, st.sampled_from(MONTHS), year),
        st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 19), day),
        st.sampled_from(WEEKDAYS), st.just("yesterday"), st.just("last week"), st.just("Christmas Day"))


@functools.cache
def attack_sentences() -> st.SearchStrategy[str]:
    """One sentence from the templates above, its slots filled by Hypothesis."""
    return st.builds(
        lambda template, **slots: template.format(**slots), st.sampled_from(TEMPLATES),
        n=counts(), n2=counts(), town=capitalised_names(), country=st.sampled_from(COUNTRIES),
        weekday=st.sampled_from(WEEKDAYS), date=written_dates(), group=st.sampled_from(GROUPS),
        name=capitalised_names(), month=st.sampled_from(MONTHS), year=st.integers(0, 99999))


# line breaks of every kind Python knows, and other separators a text may hold
SEPARATORS = st.sampled_from([" ", "\n", "\n\n", "\r\n", "\r", "\t", "\u2028", "\u2029", "\x85", "\x0c", "\x0b",
                              "\u00a0", "\u3000", " \u200b ", ""])


@functools.cache
def only_numbers() -> st.SearchStrategy[str]:
    """A text of nothing but numbers: counts, phone-book columns, dates in digits."""
    number = st.one_of(st.integers(-10**12, 10**12).map(str), st.from_regex(r"\A[0-9]{1,4}([.,/:-][0-9]{1,4}){0,3}\Z"),
                       st.text("0123456789", min_size=1, max_size=40))
    return st.lists(st.tuples(number, SEPARATORS), min_size=1, max_size=60).map(
        lambda parts: "".join(a + b for a, b in parts))


@functools.cache
def only_names() -> st.SearchStrategy[str]:
    """A text of nothing but capitalised names, as a caption list or a roll of the dead."""
    return st.lists(st.tuples(capitalised_names(), st.sampled_from([" ", ", ", "\n", " and ", "; "])),
                    min_size=1, max_size=60).map(lambda parts: "".join(a + b for a, b in parts))


@functools.cache
def reports() -> st.SearchStrategy[str]:
    """Attack-like texts: template sentences mixed with arbitrary unicode, numbers and names."""
    piece = st.one_of(attack_sentences(), attack_sentences(), st.text(max_size=80), only_numbers(), only_names())
    return st.lists(st.tuples(piece, SEPARATORS), min_size=1, max_size=12).map(
        lambda parts: "".join(a + b for a, b in parts))


@functools.cache
def texts() -> st.SearchStrategy[str]:
    """Any of the texts above, or arbitrary unicode (surrogates excluded: a str that cannot be a file)."""
    return st.one_of(st.text(max_size=300), only_numbers(), only_names(), reports())


# --- strategies: files ------------------------------------------------------------------------------------------


def urls(chars: st.SearchStrategy[str] = st.characters(codec="utf-8")) -> st.SearchStrategy[str | None]:
    """Links as feeds and wire services send them, and as they should not: any text, and scheme://host/path
    with odd hosts ("[", ":", "@", a full-width "＃")."""
    return st.one_of(
        st.none(), st.text(chars, max_size=40),
        st.builds("{}://{}/{}".format, st.sampled_from(["http", "https", "ftp", "file", ""]),
                  st.text(st.sampled_from("abc.-:@[]%0123456789é\uff03/"), max_size=20), st.text(chars, max_size=20)),
        st.just("https://news.example.org/2024/06/25/blast"))


URLS = urls()
# what an XML document may hold: no control characters but tab and line break, no surrogates or non-characters
XML_URLS = urls(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Cn"]) | st.sampled_from("\t\n"))


@st.composite
def as_format(draw, suffix: str, text: str) -> str:
    """`text` dressed as a document of the format the suffix names (sometimes left bare: a .xml file may hold
    plain text too)."""
    if draw(st.integers(0, 5)) == 0:
        return text
    if suffix == ".html":
        return (f"<!DOCTYPE html><html><head><title>{draw(st.text(max_size=30))}</title></head>"
                f"<body><article><h1>{draw(st.text(max_size=30))}</h1><p>{text}</p></article></body></html>")
    if suffix == ".jsonl":
        record = {"text": text, "id": draw(st.one_of(st.none(), st.text(max_size=10), st.integers())),
                  "url": draw(URLS), "published": draw(st.one_of(st.none(), st.text(max_size=20), written_dates())),
                  "title": draw(st.one_of(st.none(), st.text(max_size=30)))}
        return json.dumps(record, ensure_ascii=draw(st.booleans())) + "\n"
    if suffix == ".xml":
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>'
                f"<item><title>{draw(st.text(max_size=30))}</title><link>{draw(URLS) or ''}</link>"
                f"<pubDate>{draw(written_dates())}</pubDate><description>{text}</description></item>"
                f"</channel></rss>")
    return text


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"]


@st.composite
def badly_encoded(draw, suffix: str) -> bytes:
    """A document in a broken or unexpected encoding: latin-1 bytes inside UTF-8, UTF-16 with and without a
    byte order mark, truncated multi-byte characters, lone surrogates, overlong forms, a lying BOM."""
    doc = draw(as_format(suffix, draw(texts())))
    how = draw(st.sampled_from(["encode", "splice", "truncate", "bom", "garbage"]))
    if how == "encode":  # the whole document in another encoding
        return doc.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    data = doc.encode("utf-8")
    if how == "splice":  # foreign bytes inside UTF-8
        foreign = draw(st.one_of(
            st.text(st.characters(min_codepoint=0xA0, max_codepoint=0xFF), min_size=1, max_size=8).map(
                lambda s: s.encode("latin-1")),
            st.sampled_from([b"\xed\xa0\x80", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf4\x90\x80\x80", b"\xff\xfe",
                             b"\xfe\xff", b"\xef\xbb\xbf", "caf\u00e9".encode("utf-16")])))
        at = draw(st.integers(0, len(data)))
        return data[:at] + foreign + data[at:]
    if how == "truncate":  # the file ends inside a character
        return data + draw(st.sampled_from(["é", "\u20ac", "\U0001f4a3"])).encode()[:-1]
    if how == "bom":  # a byte order mark that does not match what follows
        return draw(st.sampled_from([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\x00\x00\xfe\xff"])) + data
    return data + draw(st.binary(min_size=1, max_size=64))


# --- 1. readers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", SUFFIXES)
@examples(default=100, fuzz=5000)
@given(data=st.binary(max_size=4096))
def test_random_bytes_are_read_or_rejected(scratch, suffix, data):
    """Any bytes at all, under any suffix, give Articles or one-line Rejections naming the file, and never an
    exception."""
    with written(scratch, suffix, data) as path:
        read_checked(path)


@pytest.mark.parametrize("suffix", SUFFIXES)
@examples(default=60, fuzz=5000)
@given(st.data())
def test_broken_encodings_are_read_or_rejected(scratch, suffix, data):
    """Invalid UTF-8, latin-1 bytes inside UTF-8, UTF-16 with and without a byte order mark, a BOM that lies:
    the reader decodes the file or rejects it with one line, and never raises."""
    with written(scratch, suffix, data.draw(badly_encoded(suffix))) as path:
        read_checked(path)


@pytest.mark.parametrize("suffix", SUFFIXES)
@examples(default=50, fuzz=3000)
@given(st.data())
def test_texts_of_only_numbers_or_only_names_are_read_or_rejected(scratch, suffix, data):
    """A text with no sentence in it, only numbers or only capitalised names, is read or rejected like any
    other, and never raises."""
    text = data.draw(st.one_of(only_numbers(), only_names()))
    doc = data.draw(as_format(suffix, text))
    with written(scratch, suffix, doc.encode("utf-8")) as path:
        read_checked(path)


@pytest.mark.parametrize("suffix", SUFFIXES)
@examples(default=2, fuzz=20)
@given(size=st.integers(1_000_000, 4_000_000), unit=st.sampled_from(["a", "word ", "é", "<b>x</b>", "9,",
                                                                     "Gunmen fired. ", "\u202e"]))
def test_an_enormous_single_line_is_read_or_rejected_quickly(scratch, suffix, size, unit):
    """One line of 1-4 MB (under the 10 MB limit, so the reader must really read it) is read or rejected
    within seconds, and never raises."""
    line = unit * (size // len(unit))
    doc = {".txt": line, ".html": f"<html><body><p>{line}</p></body></html>",
           ".jsonl": json.dumps({"text": line}, ensure_ascii=False),
           ".xml": f"<rss version='2.0'><channel><item><description>{line}</description></item></channel></rss>",
           }[suffix]
    started = time.monotonic()
    with written(scratch, suffix, doc.encode("utf-8")) as path:
        read_checked(path, seconds=60)
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("suffix", SUFFIXES)
@examples(default=2, fuzz=20)
@given(depth=st.sampled_from([1_000, 100_000]), tag=st.sampled_from(["div", "p", "span", "b", "item"]),
       closed=st.booleans())
def test_deeply_nested_markup_is_read_or_rejected(scratch, suffix, depth, tag, closed):
    """Markup nested 100,000 deep (closed or left open) hits no recursion limit that escapes the reader and
    takes seconds at most."""
    inner = "Gunmen attacked the border post at dawn and fled."
    body = f"<{tag}>" * depth + inner + (f"</{tag}>" * depth if closed else "")
    doc = f"<html><body>{body}</body></html>" if suffix != ".jsonl" else json.dumps({"text": body})
    started = time.monotonic()
    with written(scratch, suffix, doc.encode("utf-8")) as path:
        read_checked(path, seconds=60)
    assert time.monotonic() - started < 30


def _feed_fragment():
    """Pieces of RSS and Atom, whole and broken, for Hypothesis to put together in any order."""
    return st.sampled_from([
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>', '<?xml version="1.0" encoding="nope"?>',
        '<rss version="2.0">', "<rss>", '<feed xmlns="http://www.w3.org/2005/Atom">', "<channel>", "</channel>",
        "<item>", "</item>", "<entry>", "</entry>", "<title>", "</title>", "<description>", "</description>",
        '<content type="html">', "</content>", "<link>", "</link>", '<link href="', '"/>', "<pubDate>",
        "</pubDate>", "<published>", "</published>", "<guid>", "</guid>", "<![CDATA[", "]]>", "&lt;p&gt;",
        "&amp;", "&nbsp;", "&#0;", "&#xD800;", "&#1114112;", "&bogus;", "<!--", "-->", "</rss>", "</feed>",
        "Mon, 32 Foo 99999 25:61:61 GMT", "0000-00-00T00:00:00Z", "9999-12-31T23:59:59Z", "http://[::1",
        "<", ">", "\x00", "\x0b"])


@pytest.mark.parametrize("suffix", SUFFIXES)
@examples(default=60, fuzz=5000)
@given(parts=st.lists(st.one_of(_feed_fragment(), st.text(max_size=30), attack_sentences()), max_size=40))
def test_malformed_feeds_are_read_or_rejected(scratch, suffix, parts):
    """Fragments of RSS and Atom in any order (unclosed tags, stray CDATA, bad character references, impossible
    dates, broken links) are read or rejected with one line, and never raise."""
    with written(scratch, suffix, "".join(parts).encode("utf-8", errors="surrogatepass")) as path:
        read_checked(path)


SECRET = "sentinel-6f1c-not-for-articles"


@pytest.fixture(scope="module")
def secret_file(scratch) -> Path:
    """A local file an external entity could name; its content must never reach an article."""
    path = scratch / "secret.txt"
    path.write_text(f"{SECRET}\nroot:x:0:0:root:/root:/bin/sh\n", encoding="utf-8")
    return path


@st.composite
def external_entity_documents(draw, target: str) -> str:
    """A feed (or page) declaring an external entity on `target`, and referring to it where text is taken."""
    kind = draw(st.sampled_from(["general", "parameter", "external-dtd"]))
    root = draw(st.sampled_from(["rss", "feed", "html"]))
    if kind == "general":
        doctype = f'<!DOCTYPE {root} [<!ENTITY e SYSTEM "{target}">]>'
    elif kind == "parameter":
        doctype = f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "{target}"> %p;]>'
    else:
        doctype = f'<!DOCTYPE {root} SYSTEM "{target}">'
    ref = "&e;"
    words = draw(attack_sentences())
    where = draw(st.sets(st.sampled_from(["title", "body", "channel", "link"]), min_size=1))
    pick = lambda spot: ref if spot in where else ""  # noqa: E731
    if root == "rss":
        body = (f'<rss version="2.0"><channel><title>Wire {pick("channel")}</title><item>'
                f'<title>Blast {pick("title")}</title><link>http://example.org/{pick("link")}</link>'
                f'<description>{words} {pick("body")} {words}</description></item></channel></rss>')
    elif root == "feed":
        body = (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire {pick("channel")}</title><entry>'
                f'<id>urn:x:{pick("link")}</id><title>Blast {pick("title")}</title>'
                f'<content type="text">{words} {pick("body")} {words}</content></entry></feed>')
    else:
        body = (f'<html><head><title>Blast {pick("title")}</title></head><body><article><h1>{words}</h1>'
                f'<p>{words} {pick("body")} {words} {words}</p><p>{words} {words}</p></article></body></html>')
    return f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n{body}'


@pytest.mark.parametrize("suffix", SUFFIXES)
@examples(default=25, fuzz=2000)
@given(st.data())
def test_external_entities_never_bring_local_files_into_articles(scratch, secret_file, suffix, data):
    """XXE: a document declaring `<!ENTITY e SYSTEM "file:///etc/passwd">` (or a parameter entity, or an
    external DTD) is read or rejected, and no text of the named file ever appears in an article or a reason."""
    target = data.draw(st.sampled_from(["file:///etc/passwd", secret_file.as_uri(), str(secret_file)]))
    doc = data.draw(external_entity_documents(target))
    with written(scratch, suffix, doc.encode("utf-8")) as path:
        items = read_checked(path)
    carried = article_strings(items) + [r.reason for r in items if isinstance(r, Rejection)]
    for s in carried:
        assert "root:" not in s and "/bin/" not in s and SECRET not in s, s[:200]


@st.composite
def entity_bombs(draw) -> tuple[str, int]:
    """A "billion laughs" document: entities that each repeat the one before (or one long entity repeated:
    the quadratic blow-up).  Returns the document and how many characters full expansion would give."""
    width, depth = draw(st.integers(2, 12)), draw(st.integers(3, 10))
    root = draw(st.sampled_from(["rss", "feed", "html"]))
    if draw(st.booleans()):
        decls, prev = ['<!ENTITY e0 "ha">'], "e0"
        for i in range(1, depth + 1):
            decls.append(f'<!ENTITY e{i} "{("&" + prev + ";") * width}">')
            prev = f"e{i}"
        top, expanded = f"&{prev};", 2 * width ** depth
    else:
        n = draw(st.integers(1_000, 20_000))
        decls, top, expanded = [f'<!ENTITY big "{"x" * n}">'], "&big;" * (n // 4), n * (n // 4)
    doctype = f"<!DOCTYPE {root} [{''.join(decls)}]>"
    if root == "rss":
        body = (f'<rss version="2.0"><channel><title>{top}</title><item><title>{top}</title>'
                f"<description>Gunmen fired at a post. {top}</description></item></channel></rss>")
    elif root == "feed":
        body = (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{top}</title><entry><title>{top}</title>'
                f'<content type="text">Gunmen fired at a post. {top}</content></entry></feed>')
    else:
        body = (f"<html><head><title>{top}</title></head>"
                f"<body><article><p>Gunmen fired. {top}</p></article></body></html>")
    return f'<?xml version="1.0"?>\n{doctype}\n{body}', expanded


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


@pytest.mark.parametrize("suffix", SUFFIXES)
@examples(default=15, fuzz=1000)
@given(bomb=entity_bombs())
def test_entity_expansion_stays_small_and_fast(scratch, suffix, bomb):
    """Billion laughs: nested entity declarations that would expand to gigabytes are not expanded.  Reading
    the file takes seconds at most, peak memory grows by less than 200 MB, and no article text is more than
    ten times the size of the file."""
    doc, expanded = bomb
    started, memory = time.monotonic(), peak_memory_mb()
    with written(scratch, suffix, doc.encode("utf-8")) as path:
        items = read_checked(path, seconds=30)
    assert time.monotonic() - started < 10
    assert peak_memory_mb() - memory < 200
    for s in article_strings(items):
        assert len(s) <= 10 * len(doc) + 1000, \
            f"{len(s)} characters from a file of {len(doc)} (full expansion {expanded})"


@st.composite
def jsonl_records(draw) -> dict:
    """A JSON object a wire service might send: text always present, the other fields anything at all."""
    anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                         st.lists(st.integers(), max_size=3),
                         st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
    text = draw(texts().filter(lambda t: t.strip()))
    rec = {"text": text, "url": draw(st.one_of(URLS, anything)),
           "published": draw(st.one_of(written_dates(), anything)),
           "id": draw(st.one_of(st.text(min_size=1, max_size=12), st.integers(), anything)),
           "title": draw(st.one_of(st.text(max_size=40), anything))}
    return {k: v for k, v in rec.items() if k == "text" or draw(st.booleans())}


@examples(default=50, fuzz=3000)
@given(records=st.lists(st.one_of(jsonl_records(), st.just("{broken"), st.just("[1, 2]")), min_size=1, max_size=6),
       ensure_ascii=st.booleans(), streamed=st.booleans())
@example(records=[{"text": "Gunmen fired on a police post.", "url": "http://[bad/2020/01/01/x"},
                  {"text": "A bomb exploded at a market."}], ensure_ascii=True, streamed=False)
@example(records=[{"text": "Gunmen fired\u2028on a police post."}, {"text": "A bomb exploded at a market."}],
         ensure_ascii=False, streamed=False)
def test_each_jsonl_line_gives_one_item_named_by_its_line(scratch, records, ensure_ascii, streamed):
    """JSON Lines are read one line at a time: each non-blank line gives exactly one item, an Article or a
    Rejection, whose source is "file:N" for its own line N, so a bad line never costs the good lines around
    it.  This holds whether the file is read whole or, past the size limit, streamed.

    FOUND BUG (by this file, now fixed), two ways to break it:
    - a field the reader does not need can lose the whole file: a `url` that `urllib.parse` refuses (an
      unclosed "[" such as "http://[bad/...", or a full-width "＃" in the host) raises ValueError in
      ingest/metadata.py (`site_from_url` line 32 / `date_from_url` line 49 call `urlparse` unguarded, from
      ingest/jsonl.py lines 78 and 85), the exception leaves `jsonl._records`, and read.py (line 79, the
      catch-all) turns it into ONE rejection for the whole file: every later line, good or bad, is dropped;
    - a valid record holding U+2028, U+2029 or U+0085 in a string (json.dumps(..., ensure_ascii=False) writes
      them raw) is split into two broken lines, because ingest/jsonl.py `read` (line 30) uses
      `str.splitlines()`, which breaks at those characters too: a good record is rejected twice and later
      lines get the wrong numbers.  (The streamed path splits at b"\\n" only and reads the same file correctly.)
    """
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=ensure_ascii) for r in records]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    limit = 64 if streamed else read_module.MAX_BYTES
    assume(not streamed or len(data) > limit)
    with mock.patch.object(read_module, "MAX_BYTES", limit), written(scratch, ".jsonl", data) as path:
        items = read_checked(path)
    assert [item.source for item in items] == [f"{path}:{n}" for n in range(1, len(lines) + 1)]


@examples(default=40, fuzz=3000)
@given(items=st.lists(st.tuples(attack_sentences(), XML_URLS), min_size=1, max_size=5))
@example(items=[("Gunmen fired on a police post.", "http://ok.example/a"), ("A bomb went off.", "http://[bad/x"),
                ("Militants raided a village.", "http://ok.example/b")])
def test_every_item_of_a_valid_feed_with_text_becomes_an_article(scratch, items):
    """A well-formed RSS feed whose items each hold text gives one Article per item, whatever their links say.

    FOUND BUG (by this file, now fixed): an item whose <link> `urllib.parse` refuses ("http://[bad/x") raises
    ValueError in ingest/metadata.py `date_from_url` / `site_from_url` (lines 49 and 32, called from
    ingest/feeds.py lines 60 and 65); read.py (line 79) then adds one rejection for the whole file after the
    items already yielded, and every later item is lost.
    """
    from xml.sax.saxutils import escape

    body = "".join(f"<item><title>Report {i}</title><link>{escape(url or '')}</link>"
                   f"<description>{escape(text)}</description></item>" for i, (text, url) in enumerate(items))
    doc = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>{body}</channel></rss>'
    with written(scratch, ".xml", doc.encode("utf-8")) as path:
        got = read_checked(path)
    assert [type(x).__name__ for x in got] == ["Article"] * len(items), [getattr(x, "reason", "") for x in got]


BLANKS = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u00a0\u1680\u2000\u2028\u2029\u3000\ufeff"


@pytest.mark.parametrize("suffix", SUFFIXES)
@examples(default=25, fuzz=2000)
@given(blank=st.text(st.sampled_from(BLANKS), min_size=1, max_size=20))
@example(blank="\u3000\n")
@example(blank="\x1c")
def test_a_file_of_nothing_but_blank_space_is_rejected_not_skipped(scratch, suffix, blank):
    """A file holding only blank space of any kind (unicode spaces, NEL, line and record separators) is not
    silently skipped: `read_paths` yields at least one item for it, so the user is told about the file.

    FOUND BUG (by this file, now fixed), .jsonl only: read.py (line 68) rejects a file as empty only when its
    *bytes* strip to nothing; a .jsonl holding "\u3000\n", "\x85" or the single byte 0x1c gets past that check, and
    ingest/jsonl.py `_records` (line 60, `if not line.strip(): continue`) skips every line as blank, so the
    file yields nothing at all: neither an Article nor a Rejection, and `api.ingest` reports nothing.  (The
    .txt reader says "file has no text" for the same bytes.)
    """
    with written(scratch, suffix, blank.encode("utf-8")) as path:
        items = read_checked(path)
    assert items, f"{path.name}: the file was neither read nor rejected"


# --- 2. extraction ----------------------------------------------------------------------------------------------


def check_extraction(articles: list[Article]) -> list[tuple[Article, list]]:
    """Run the pipeline and check that every mention's evidence points into its own article:
    0 <= start < end <= len(text), the evidence names the article, and the quoted sentence holds the span."""
    out = list(extract_articles(articles))
    assert [a.id for a, _ in out] == [a.id for a in articles], "one result per article, in order"
    for article, mentions in out:
        for m in mentions:
            assert m.article_id == article.id
            evidence = list(m.evidence) + [c.evidence for c in m.claims if c.evidence is not None]
            for ev in evidence:
                assert ev.article_id == article.id, ev
                assert 0 <= ev.start < ev.end <= len(article.text), (ev, len(article.text))
                assert article.text[ev.start:ev.end] in ev.text, (article.text[ev.start:ev.end], ev.text)
            for f in m.figures:
                assert 0 <= f["start"] < f["end"] <= len(article.text), f
        event("article with mentions" if mentions else "article without mentions")  # --hypothesis-show-statistics
    return out


published_dates = st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))


@examples(default=60, fuzz=3000)
@given(text=texts(), published=published_dates)
def test_extraction_never_raises_and_evidence_lies_in_the_text(text, published):
    """Any text (arbitrary unicode, only digits, only names, attack-like reports from the templates) goes
    through extraction without an exception, and every span of evidence lies inside the article's text."""
    assume(text.strip())
    check_extraction([article_from_text(text, "fuzz", published=published)])


@examples(default=40, fuzz=2000)
@given(sentences=st.lists(attack_sentences(), min_size=2, max_size=10), sep=SEPARATORS,
       headline=st.one_of(st.just(""), attack_sentences().map(lambda s: s.rstrip(".") + "\n\n")),
       published=published_dates)
def test_attack_reports_give_mentions_with_evidence_inside_the_text(sentences, sep, headline, published):
    """Reports made only of attack sentences ("Gunmen killed {n} people in {town} on {weekday}.") with odd
    counts, impossible dates and made-up towns: extraction never raises, and all their evidence (places,
    dates, casualty figures, claims) points into the text."""
    text = headline + sep.join(sentences)
    assume(text.strip())
    check_extraction([article_from_text(text, "fuzz", published=published)])


@examples(default=10, fuzz=300)
@given(batch=st.lists(st.tuples(st.one_of(texts(), st.lists(attack_sentences(), min_size=2, max_size=6).map(" ".join)),
                                 published_dates), min_size=2, max_size=20))
def test_a_batch_gives_one_result_per_article_in_order(batch):
    """Several articles at once (parsed in batches by spaCy) give one result each, in the order given, and
    each result's evidence points into its own article."""
    articles = [article_from_text(t, f"fuzz:{i}", published=p) for i, (t, p) in enumerate(batch) if t.strip()]
    assume(articles)
    check_extraction(articles)


@examples(default=10, fuzz=500)
@given(sentences=st.lists(attack_sentences(), min_size=3, max_size=6),
       published=st.one_of(st.dates(dt.date.min, dt.date(1, 12, 31)), st.dates(dt.date(9999, 1, 1), dt.date.max)))
@example(sentences=["Gunmen killed five people in Kabul yesterday.", "A bomb exploded at a police post.",
                    "Militants attacked the town, wounding three."], published=dt.date(1, 1, 1))
def test_extraction_survives_publication_dates_at_the_ends_of_the_calendar(sentences, published):
    """An article dated in year 1 or year 9999 (a JSON Lines "published" field may say "0001-01-01") is
    extracted without an exception.

    FOUND BUG (by this file, now fixed): relative dates are resolved by date arithmetic that overflows at the ends
    of the calendar, and OverflowError is not caught: extract/dates.py `_resolve` (the "weekday" and
    "relday" branches, `anchor - dt.timedelta(days=back)`, lines 129 and 134, and the other timedelta sums
    there) catches only ValueError and KeyError (line 190), and extract/when.py `incident_date.near`
    (`anchor + dt.timedelta(days=1)`, line 48) overflows for 9999-12-31.  The exception escapes
    `extract_articles`, so `api.ingest` crashes for the whole batch (see
    test_a_jsonl_date_at_the_end_of_the_calendar_does_not_crash_ingest).
    """
    check_extraction([article_from_text(" ".join(sentences), "fuzz", published=published)])


# --- 3. ingest into a database that already holds articles -----------------------------------------------------

EARLIER_REPORTS = [
    "Gunmen storm police station in Peshawar\n\nPESHAWAR, March 3, 2023 - Four gunmen stormed a police station "
    "on the edge of Peshawar, Pakistan, on Thursday night, killing three officers and wounding six, the provincial "
    "police chief said.\n\nTwo of the attackers blew themselves up when soldiers surrounded the building, and the "
    "other two were shot dead. No group has said it carried out the attack.\n",
    "Bomb hits army convoy outside Gao\n\nA roadside bomb struck an army convoy outside Gao, Mali, on Monday, "
    "April 10, 2023, killing two soldiers and injuring four others, the army said.\n\nGunmen then fired on the "
    "convoy from the dunes before fleeing on motorbikes, a local official said.\n",
]
TABLES = ["articles", "mentions", "evidence", "incidents", "incident_mentions", "incident_facets", "corrections"]


@pytest.fixture(scope="module")
def earlier_db(scratch) -> Path:
    """A database file holding two earlier reports, ingested once for the module."""
    path = scratch / "earlier.db"
    for i, text in enumerate(EARLIER_REPORTS):
        (scratch / f"earlier-{i}.txt").write_text(text, encoding="utf-8")
    store = Store(f"sqlite:///{path}")
    try:
        report = api.ingest([scratch / f"earlier-{i}.txt" for i in range(len(EARLIER_REPORTS))], db=store)
    finally:
        store.close()  # the last connection to close checkpoints the write-ahead log into the file
    assert report.ingested == len(EARLIER_REPORTS) and not report.rejected
    assert report.mentions, "the earlier reports must give incidents for the comparison to mean anything"
    return path


@contextlib.contextmanager
def copy_of(earlier_db: Path):
    """A store on a fresh copy of the earlier database, so that every example starts from the same state."""
    path = earlier_db.with_name(f"copy-{next(_names)}.db")
    shutil.copyfile(earlier_db, path)
    store = Store(f"sqlite:///{path}")
    try:
        yield store
    finally:
        store.close()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)


def snapshot(store: Store) -> tuple[dict, list]:
    """Every table's row count, and every incident as the API lists it (the hidden kinds too)."""
    return {t: store.count(t) for t in TABLES}, list(api.incidents(store, min_confidence=0, include_undated=True,
                                                                   include_background=True, include_rejected=True))


@st.composite
def bad_files(draw) -> tuple[str, bytes]:
    """A file no reader can take anything from: binary, undecodable, empty, a feed with no items, a page with
    no text, JSON Lines of which no line is an article."""
    kind = draw(st.sampled_from(["binary", "undecodable", "blank", "feed", "page", "jsonl"]))
    if kind == "binary":
        return draw(st.sampled_from(SUFFIXES)), b"\x00" + draw(st.binary(max_size=2048))
    if kind == "undecodable":
        text = draw(reports())
        suffix = draw(st.sampled_from([".txt", ".jsonl"]))
        doc = text if suffix == ".txt" else json.dumps({"text": text}, ensure_ascii=False)
        at = draw(st.integers(0, len(doc)))
        foreign = draw(st.sampled_from([b"\xff", b"\xc0\xaf", b"\xe9t\xe9"]))
        return suffix, doc[:at].encode() + foreign + doc[at:].encode()
    if kind == "blank":
        return draw(st.sampled_from(SUFFIXES)), draw(st.text(" \t\r\n", max_size=50)).encode()
    if kind == "feed":
        title = draw(st.text(st.characters(exclude_characters="<&"), max_size=30))
        return draw(st.sampled_from([".xml", ".rss", ".atom"])), (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            + draw(st.sampled_from(["", "<item></item>", "<item><title>",
                                    "<item><description>   </description></item>"]))
        ).encode("utf-8", errors="surrogatepass")
    if kind == "page":
        return ".html", draw(st.sampled_from([
            b"<html><head><title>x</title></head><body></body></html>", b"<html><body>   </body></html>",
            b"<!DOCTYPE html><html><body><script>var a = 1;</script></body></html>"]))
    lines = draw(st.lists(st.one_of(st.just("[1, 2, 3]"), st.just('{"title": "no text"}'), st.just('{"text": "  "}'),
                                    st.just("{oops"), st.integers().map(str)), min_size=1, max_size=5))
    return ".jsonl", "\n".join(lines).encode()


@examples(default=20, fuzz=1000)
@given(bad=bad_files())
def test_ingesting_a_bad_file_changes_nothing_stored_before(scratch, earlier_db, bad):
    """Ingesting a file that holds no article into a database that holds two does not raise, reports the file
    rejected, stores nothing, and leaves every table's row count and every incident exactly as they were."""
    suffix, data = bad
    with copy_of(earlier_db) as store, written(scratch, suffix, data) as path:
        before = snapshot(store)
        report = api.ingest([path], db=store)
        assert report.ingested == 0 and report.duplicates == 0 and report.rejected
        assert all(names_the_file(r.source, path) and len(r.reason.splitlines()) == 1 for r in report.rejected)
        assert snapshot(store) == before


@examples(default=3, fuzz=200)
@given(published=st.sampled_from(["0001-01-01", "0001-01-03", "9999-12-31", "9999-12-30"]),
       sentences=st.lists(attack_sentences(), min_size=2, max_size=5))
@example(published="0001-01-01", sentences=["Gunmen killed five people in Kabul yesterday.",
                                            "A bomb exploded at a police post.",
                                            "Militants attacked the town, wounding three."])
# undated by its impossible "Monday", this report joins a stored Kabul incident, which must keep its sources
@example(published="0001-01-01", sentences=["Gunmen killed 0 people in Aa on Monday.",
                                            "Gunmen killed 0 people in Kabul on Monday.",
                                            "Gunmen killed 0 people in Peshawar on Monday."])
def test_a_jsonl_date_at_the_end_of_the_calendar_does_not_crash_ingest(scratch, earlier_db, published, sentences):
    """A JSON Lines record dated "0001-01-01" or "9999-12-31" is ingested or rejected: `api.ingest` does not
    raise, and the incidents stored before are still there unchanged.

    FOUND BUG (by this file, now fixed): `api.ingest` raises OverflowError from extraction (extract/dates.py
    `_resolve`, extract/when.py `incident_date`; see
    test_extraction_survives_publication_dates_at_the_ends_of_the_calendar), so one such record stops the
    whole batch.
    """
    line = json.dumps({"id": "edge-of-the-calendar", "published": published, "text": " ".join(sentences)})
    with copy_of(earlier_db) as store, written(scratch, ".jsonl", line.encode()) as path:
        counts_before, incidents_before = snapshot(store)
        report = api.ingest([path], db=store)
        assert report.ingested + len(report.rejected) == 1
        counts_after, incidents_after = snapshot(store)
    assert counts_after["articles"] == counts_before["articles"] + report.ingested
    # nothing stored is lost: every incident is still there with all its sources (an undated report of the
    # same town may join one of them, as undated reports do)
    now = {inc["id"]: inc for inc in incidents_after}
    for inc in incidents_before:
        assert inc["id"] in now
        assert {s["article_id"] for s in inc["sources"]} <= {s["article_id"] for s in now[inc["id"]]["sources"]}
