"""Sentences of an article, each read once for everything the extractors need.

For every sentence: attack words (strong, weak), non-attack cues, dates, casualty
counts, resolved places, responsibility statements, people and venue names.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..model import Article, Claim
from .casualties import CasualtyFigure, find_casualties
from .actors import find_groups
from .agency import candidates, doers, speaks_of_claims
from .claims import statements
from .dates import DateRef, find_dates
from .lexicon import load_toml, pattern
from .nlp import parse_sentences
from .people import venue
from .places import PlaceMention, find_place_mentions, resolve


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    strong: int = 0
    weak: int = 0
    not_attack: bool = False
    accidental: bool = False
    dates: list[DateRef] = field(default_factory=list)
    casualties: list[CasualtyFigure] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    persons: list[tuple[int, int, str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # venues and events named ("Crocus City Hall")
    caption: bool = False  # on a line that is a photo caption or credit

    @property
    def attack(self) -> bool:
        return (self.strong or self.weak) > 0 and not self.not_attack


_CLAIM_WORDS = re.compile(r"\bclaim|\bresponsib|\bcredit\b", re.I)


def event_spans(s: Sentence) -> list[tuple[int, int]]:
    """Where the sentence speaks of the attack itself (not of a claim about it)."""
    spans = [(s.start + m.start(), s.start + m.end())
             for key in ("strong", "weak") for m in pattern("triggers", key).finditer(s.text)
             if not _CLAIM_WORDS.search(m.group(0))]
    spans += [(c.start, c.end) for c in s.casualties]
    return spans


def sentence_spans(doc) -> list:
    """The document's sentences as Spans: what doc.sents gives, without making a Python object of every
    token on the way (a fifth of the time spent reading a long article)."""
    if not len(doc):
        return []
    starts = doc.to_array("SENT_START")
    bounds = [0] + [int(i) for i in (starts[1:] == 1).nonzero()[0] + 1] + [len(doc)]
    return [doc[a:b] for a, b in zip(bounds, bounds[1:])]


def _entities_by_sentence(doc, sents: list) -> list[list]:
    """Each sentence's entities (those wholly inside it, as Span.ents has them), from one pass over the
    document's: Span.ents would go over all the document's entities again for each sentence."""
    out: list[list] = [[] for _ in sents]
    ends = [s.end for s in sents]
    for e in doc.ents:
        i = bisect_right(ends, e.start)
        if i < len(sents) and e.end <= sents[i].end:
            out[i].append(e)
    return out


@functools.cache
def _caption_marks() -> re.Pattern:
    return re.compile("(?:%s)" % "|".join(load_toml("lang/en/places.toml")["captions"]["marks"]), re.I | re.M)


def caption_lines(text: str) -> list[tuple[int, int]]:
    """Where the text's photo captions and credits are ("Mourners outside an embassy abroad ... (c) AFP"):
    the lines with a mark of data/lang/en/places.toml [captions], as (start, end) offsets."""
    out = set()
    for m in _caption_marks().finditer(text):
        a = text.rfind("\n", 0, m.start()) + 1
        b = text.find("\n", m.end())
        out.add((a, len(text) if b < 0 else b))
    return sorted(out)


def _outside_groups(mentions: list[PlaceMention], text: str) -> list[PlaceMention]:
    """Place names that are part of a group's name ("Islamic State Khorasan Province") are not places."""
    spans = [(g.start, g.end) for g in find_groups(text)]
    return [m for m in mentions if not any(a < m.end and m.start < b for a, b in spans)]


def analyse(article: Article, doc, anchor: dt.date | None) -> list[Sentence]:
    mentions = resolve(_outside_groups(find_place_mentions(doc), doc.text), text=doc.text)
    captions = caption_lines(doc.text)
    strong, weak = pattern("triggers", "strong"), pattern("triggers", "weak")
    not_attack, accidental = pattern("not_attack", "cues"), pattern("not_attack", "accidental")
    sents = sentence_spans(doc)
    out = []
    names: list[list[tuple[int, int, str]]] = []  # each sentence's organisations and nationalities
    for i, (sent, ents) in enumerate(zip(sents, _entities_by_sentence(doc, sents))):
        text = sent.text
        if not text.strip():
            continue
        s = Sentence(i, sent.start_char, sent.end_char, text)
        s.strong = len(strong.findall(text))
        s.weak = len(weak.findall(text))
        s.not_attack = bool(not_attack.search(text))
        s.accidental = bool(accidental.search(text))
        s.dates = find_dates(text, anchor, sent.start_char)
        s.casualties = find_casualties(text, sent.start_char)
        s.places = [m for m in mentions if sent.start_char <= m.start < sent.end_char and m.place]
        s.caption = any(a < sent.end_char and sent.start_char < b for a, b in captions)
        s.persons = [(e.start_char, e.end_char, e.text) for e in ents if e.label_ == "PERSON"]
        s.names = [v for e in ents if e.label_ in ("FAC", "EVENT", "ORG") and (v := venue(e.text, e.label_))]
        out.append(s)
        names.append([(e.start_char - sent.start_char, e.end_char - sent.start_char, e.text) for e in ents
                      if e.label_ in ("ORG", "NORP")])
    # the sentences whose doer must be read from their grammar are parsed together, in one batch
    readable = [bool(s.strong or s.weak or speaks_of_claims(s.text)) for s in out]
    parse_sentences([s.text for s, n, r in zip(out, names, readable) if r and candidates(s.text, n)])
    for s, n, r in zip(out, names, readable):
        s.claims = statements(s.text, s.start, article.id, names=n)
        if r:
            # who the sentence says did it ("X Front rebels killed nine villagers"), beside what anyone claims
            said = {c.actor for c in s.claims}
            s.claims += [c for c in doers(s.text, s.start, article.id, n,
                                          taken=[(c.evidence.start - s.start, c.evidence.end - s.start)
                                                 for c in s.claims])
                         if c.actor not in said]
    return out
