"""Assemble per-article mentions from the field extractors.

An article is read sentence by sentence (sentences.py).  Sentences with attack
words make up the reported incident; a sentence that dates what it tells well
before the reported incident ("Last December a group came under fire in
Derbent") starts a background incident of its own, and the sentences that go on
telling it ("Two days later the siege ended", "IS claimed both attacks") follow
it.  Each field of a mention is filled from its incident's sentences (when.py,
where.py, what.py, people.py, casualties.py, claims.py) and keeps the span that
says it.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
import signal
import sys
from collections import defaultdict
from itertools import islice
from typing import Iterable, Iterator

from ..model import Article, Claim, Evidence, Figure, Mention
from .casualties import combine, is_cumulative, says_none, tells_of
from .claims import NO_EVIDENCE, UNVERIFIED, best_supported
from .dates import DateRef
from .gazetteer import gazetteer
from .lexicon import load_toml, phrase_pattern
from .nlp import load_nlp, load_parser
from .people import attackers
from .occurrence import decide as decide_occurrence
from .relevance import could_report_attack
from .sentences import Sentence, analyse
from .what import candidates, hostages_held, select
from .when import about_earlier, date_refs, in_aside, incident_date, is_background
from .where import aside, choose_place, recalls_earlier, unlisted_town


_HEADLINE_MAX = 200
# "IS claimed both terror acts": a sentence about the attacks just recalled
_ANAPHORA = re.compile(r"\b(?:(?P<two>both|the two)\s+(?:of\s+)?(?:these\s+|those\s+|the\s+)?|(?:these|those|the earlier|"
                       r"the previous|the latter|that)\s+)(?:terror(?:ist)?\s+)?(?:acts|attacks?|incidents?|bombings?|"
                       r"explosions?|blasts?|shootings?)\b", re.I)
# a sentence that goes on telling the story the previous one began
_CONTINUES = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:later|afterwards|after that|then|that day|the next day|"
                        r"at the time|the siege|that attack|the attackers there)\b", re.I)


# a figure given on the word of an authority, not of a witness or the outlet itself
_OFFICIAL = re.compile(r"\b(?:officials?|ministry|minister|authorities|governor|mayor|police|prosecutors?|committee|"
                       r"government|spokes(?:man|woman|person)|health (?:department|service)|state (?:media|television|TV)|"
                       r"TASS|RIA|Interfax|IRNA|Xinhua|emergency services|coroner|investigators)\b", re.I)


_COORDINATED = re.compile(r"\b(?:coordinated|simultaneous|near-simultaneous|series of (?:\w+ )?(?:attacks|explosions|"
                          r"bombings|blasts|shootings)|twin (?:attacks|bombings|blasts|explosions)|in two cities|in both "
                          r"cities|across (?:two|three|several) cities|(?:multiple|several) (?:attacks|locations|sites|targets))\b",
                          re.I)


@functools.cache
def _separate_opener() -> re.Pattern:
    """The start of a sentence that tells another attack (data/lang/en/occurrence.toml [separate])."""
    words = phrase_pattern(load_toml("lang/en/occurrence.toml")["separate"]["opens"]).pattern
    return re.compile(r"^\W*(?:%s)\b" % words, re.I)


def _tells_another(s: Sentence, main_date: dt.date | None, main_places: set[str]) -> bool:
    """Whether a sentence opened as another attack's ("Separately, ...") tells one at a day or a place that
    is not the article's own: an attack word with a figure or a strong word, and a date other than the main
    one or a place the main sentences never name."""
    if not _separate_opener().match(s.text) or not s.attack or not (s.casualties or s.strong):
        return False
    days = {r.date for r in s.dates if r.date and r.precision == "day"}
    places = _cities(s)
    return bool(days and main_date not in days) or bool(places and not places & main_places)


def _cities(s: Sentence) -> set[str]:
    return {p.place.name for p in s.places if p.place is not None and p.place.kind == "city" and not p.weak}


def _build_mention(article: Article, mid: str, role: str, sents: list[Sentence], date_ref: DateRef | None,
                   date_sentence: Sentence | None, fallback_date: dt.date | None, title_end: int) -> Mention:
    ev: list[Evidence] = []
    m = Mention(id=mid, article_id=article.id, role=role, published=article.published, url=article.url)
    if date_ref is not None and date_ref.date:
        m.date = date_ref.date
        m.date_end = date_ref.date_end if date_ref.precision != "day" else None
        m.date_precision = date_ref.precision
        ev.append(Evidence("date", article.id, date_ref.start, date_ref.end, date_sentence.text))
    elif fallback_date is not None:
        # no date in the text: it happened on or before the day it was reported
        m.date, m.date_precision = fallback_date, "reported"
    attack_sents = [s for s in sents if s.attack or s.start < title_end]

    def earlier_place(pos: int, s: Sentence) -> bool:
        # a name told of an older attack, by the date nearest it (choose_place weighs a sentence that recalls
        # one down already)
        return role == "reported" and about_earlier(pos, s, m.date)

    def earlier(pos: int, s: Sentence) -> bool:
        # an older attack the sentence recalls ("had led the inquiry into a car bombing in 2011")
        return earlier_place(pos, s) or (role == "reported" and recalls_earlier(s))

    place, pm = choose_place(attack_sents or sents, title_end, earlier=earlier_place)
    if place is None:
        place, pm = choose_place(sents, title_end, earlier=earlier_place)
    elif place.kind == "city" and (named := aside(place, sents)):
        # the attack's sentences name the town only as a dateline or as where people went afterwards
        # ("QUETTA, Pakistan --", "the wounded were flown to Quetta"): a town another sentence names plainly
        # in that country is the place ("the school lies in the town of Mastung"); else a refuge is not the
        # place, though a dateline may be
        other, opm = choose_place(sents, title_end, plain_only=True)
        if other is not None and other.kind == "city" and other.cc == place.cc:
            place, pm = other, opm
        elif named == "landmark":
            place = gazetteer().country(place.country) or place
    if place is not None:
        m.country = place.country
        if place.kind in ("city", "admin1"):
            m.admin1 = place.admin1
        if place.kind == "city":
            m.city = place.name
        m.lat, m.lon = place.lat, place.lon
        sent = next(s for s in sents if s.start <= pm.start < s.end)
        ev.append(Evidence("place", article.id, pm.start, pm.end, sent.text))
    if place is not None and place.kind != "city" and (town := unlisted_town(attack_sents, place)):
        # "the village of Djibassou", which the gazetteer lacks: the report's name, in the region it gives, and
        # no coordinates (a region's would be a false precision)
        m.city, s, a, b = town
        m.lat = m.lon = None
        ev.append(Evidence("place", article.id, a, b, s.text))
    for section, attr, near in (("attack_types", "attack_types", False), ("target_types", "target_types", True),
                                ("weapon_types", "weapon_types", False)):
        cats, m.type_basis[section] = select(
            section, candidates(section, attack_sents, article, near, title_end, earlier), len(attack_sents))
        if section == "attack_types":
            cats = hostages_held(cats, attack_sents)
        setattr(m, attr, sorted(cats))
        ev.extend(cats.values())
    figs: dict[str, list[Figure]] = defaultdict(list)
    for s in sents:
        official = bool(_OFFICIAL.search(s.text))
        # a reported attack's toll is not one a sentence gives of an older attack it recalls
        recalled = role == "reported" and recalls_earlier(s)
        for c in s.casualties:
            if recalled or (role == "reported" and about_earlier(c.start, s, m.date)):
                continue
            m.figures.append({"kind": c.kind, **c.figure.to_dict(), "speculative": c.speculative,
                              "official": official, "start": c.start, "end": c.end})
            if not c.speculative:
                figs[c.kind].append(c.figure)
                ev.append(Evidence(c.kind, article.id, c.start, c.end, s.text))
    for s in sents:
        for a, b, name in attackers(s):
            if name not in m.attackers:
                m.attackers.append(name)
                ev.append(Evidence("attackers", article.id, a, b, s.text))
    if role == "reported":
        m.date_refs = date_refs(sents, title_end)
    m.keywords = sorted({n for s in attack_sents for n in s.names})[:12]
    m.coordinated = any(_COORDINATED.search(s.text) for s in attack_sents)
    m.killed = combine(figs["killed"])
    m.injured = combine(figs["injured"])
    if role == "reported":
        m.no_figure, said = _no_figure(sents, m, figs, article.id)
        ev.extend(said)
    m.killed_perpetrators = combine(figs["killed_perpetrators"])
    recent: list[list[Claim]] = []
    for s in sents:
        own = [c for c in s.claims if not (role == "reported" and about_earlier(c.evidence.start, s, m.date))]
        if not own and UNVERIFIED.search(s.text) and re.search(r"\bclaim|\bstatement", s.text, re.I):
            for claims in recent[-2:]:  # "The claim cannot be independently verified."
                for c in claims:
                    c.verified = "false"
        if not own and NO_EVIDENCE.search(s.text):
            for claims in recent[-2:]:  # "There is no basis for these accusations."
                for c in claims:
                    if c.status == "blamed":
                        c.hedge = "without evidence"
        recent.append(own)
        m.claims.extend(own)
    m.perpetrators = best_supported(m.claims)
    m.evidence = ev
    return m


def _no_figure(sents: list[Sentence], m: Mention, figs: dict, article_id: str) -> tuple[dict[str, str], list[Evidence]]:
    """For each of killed and injured without a figure: "none" if a sentence says nobody was (that sentence
    is its evidence), "unmentioned" if no sentence about this attack (not a recalled one, not a running
    total) speaks of one at all."""
    out, ev = {}, []
    own = [s for s in sents if not is_cumulative(s.text) and not recalls_earlier(s) and
           not any(about_earlier(r.start, s, m.date) for r in s.dates)]
    for kind in ("killed", "injured"):
        if figs[kind]:
            continue
        said = next(((s, hit) for s in own if (hit := says_none(s.text, kind))), None)
        if said:
            s, hit = said
            out[kind] = "none"
            ev.append(Evidence(kind, article_id, s.start + hit.start(), s.start + hit.end(), s.text))
        elif not any(tells_of(s.text, kind) for s in own):
            out[kind] = "unmentioned"
    return out, ev


def extract_article(article: Article, doc=None) -> list[Mention]:
    """The incidents one article reports (role "reported") or recalls ("background")."""
    if doc is None:
        doc = load_nlp()(article.text)
    # relative dates resolve only against a known publication date: guessing "now" from the
    # text's own dates misdates more than it saves
    anchor = article.published
    sents = analyse(article, doc, anchor)
    reported, occurrence = decide_occurrence(article, sents)
    if not reported:
        return []
    title_end = len(article.title) if article.title and article.text.startswith(article.title) else 0
    if not title_end and sents and len(sents[0].text) <= _HEADLINE_MAX and "\n" in article.text[sents[0].end:sents[0].end + 2]:
        title_end = sents[0].end
    # "Separately, militants beheaded four men on Wednesday": another attack's day is not this one's
    ref, ref_sent = incident_date([s for s in sents if not _separate_opener().match(s.text)], anchor,
                                  article.published)
    main_date = ref.date if ref else article.published
    main: list[Sentence] = []
    background: dict[tuple, list[tuple[Sentence, DateRef]]] = defaultdict(list)
    others: list[list[Sentence]] = []  # the sentences of each other attack a roundup tells
    main_places: set[str] = set()
    previous: tuple | None = None  # the background incident the last sentence told of
    run: list[tuple] = []  # background incidents told of by the sentences just before
    for i, s in enumerate(sents):
        dates = [r for r in s.dates if not in_aside(r, s)]
        back = _ANAPHORA.search(s.text)
        if back and run and not any(r.date and not is_background(r, main_date) for r in s.dates):
            # "IS claimed both terror acts": the sentence is about the attacks just recalled
            keys = list(dict.fromkeys(k for k, _ in run))[-2:] if back.group("two") else [run[-1][0]]
            for k in keys:
                background[k].append((s, next(r for kk, r in run if kk == k)))
            continue
        far = [r for r in dates if is_background(r, main_date)]
        near = [r for r in dates if r.date and not is_background(r, main_date)]
        headline = s.start < title_end  # a headline is about the reported incident, whatever date it gives
        if far and not headline and (s.attack or s.casualties) and not any(r is ref for r in s.dates) and \
                not (near and near[0].start < far[0].start):
            r = far[0]
            key = (r.date.year, r.date.month) if r.precision != "year" else (r.date.year,)
            background[key].append((s, r))
            previous = (key, r)
            run.append((key, r))
        elif previous and not near and _CONTINUES.match(s.text) and \
                "\n\n" not in article.text[sents[i - 1].end:s.start]:
            background[previous[0]].append((s, previous[1]))  # "Two days later the siege ended ..."
        elif _tells_another(s, main_date, main_places):
            others.append([s])  # "Separately, gunmen shot dead two policemen in Peshawar on Sunday."
            previous = None
        elif others and others[-1][-1] is sents[i - 1] and "\n\n" not in article.text[sents[i - 1].end:s.start]:
            others[-1].append(s)  # the rest of its paragraph goes on telling it
        else:
            main.append(s)
            main_places.update(_cities(s))
            previous = None
            if s.attack:
                run = []
    mentions = []
    lead = next((x for x in sents if x.start >= title_end), None)
    if ref is None and lead is not None and lead.not_attack:
        # the story is a trial, an arrest, a disaster: an attack it mentions without a recent date is history
        pass
    else:
        mentions.append(_build_mention(article, f"{article.id}#0", "reported", main, ref, ref_sent,
                                       article.published, title_end))
    for group in others:
        own = next((r for r in group[0].dates if r.date and not in_aside(r, group[0])), None)
        mentions.append(_build_mention(article, f"{article.id}#{len(mentions)}", "reported", group, own, group[0],
                                       article.published, 0))
    for key, items in sorted(background.items()):
        bs = [s for s, _ in items]
        r = min((r for _, r in items), key=lambda r: {"day": 0, "week": 1, "month": 2, "year": 3}[r.precision])
        # a recalled attack is kept when the article says what happened: a count, or a clear attack word
        if not any(s.casualties for s in bs) and not any(s.strong for s in bs):
            continue
        bm = _build_mention(article, f"{article.id}#{len(mentions)}", "background", bs, r,
                            next(s for s, rr in items if rr is r), None, 0)
        if bm.country or bm.attack_types:
            mentions.append(bm)
    for m in mentions:
        m.occurrence = None if occurrence is None else round(occurrence, 4)
    return mentions


def extract_articles(articles: Iterable[Article], batch_size: int = 16, chunk: int = 64,
                     workers: int = 1) -> Iterator[tuple[Article, list[Mention]]]:
    """Mentions for each article, in the order given.  Articles that cannot report an attack (no attack
    words to speak of: relevance.could_report_attack) are not parsed at all; the others are parsed in
    batches with nlp.pipe.  Articles are read `chunk` at a time, so memory stays bounded.  With `workers`
    above one, chunks are parsed and read in that many processes while this one stores and fuses; at most
    four chunks per worker are in flight."""
    load_nlp()
    gazetteer()  # load before the first batch (and before workers fork, which then share them)
    it = iter(articles)
    # workers take smaller chunks, so that none is left parsing a long last chunk alone
    size = chunk if workers <= 1 else max(1, min(chunk, batch_size))
    blocks = iter(lambda: list(islice(it, size)), [])
    if workers <= 1:
        for block in blocks:
            yield from zip(block, _extract_block(block, batch_size))
        return
    load_parser()  # loaded lazily by one process; loaded here, the forked workers share it
    import gc
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    # the model and the gazetteer (half a gigabyte) are shared with the forked workers page by page; the
    # collector would write to every object it scans and so copy those pages into each worker.  No
    # collection first: a full one scans those millions of objects (most of a second), and what is garbage
    # now is collectable again after the unfreeze below
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            # the articles stay here; only their mentions come back (no second copy of every text)
            pending: deque = deque()
            for block in blocks:
                pending.append((block, pool.submit(_extract_block, block, batch_size)))
                while len(pending) >= 4 * workers:
                    block, done = pending.popleft()
                    yield from zip(block, done.result())
            while pending:
                block, done = pending.popleft()
                yield from zip(block, done.result())
    finally:
        gc.unfreeze()  # a long-lived caller's later garbage must stay collectable


def _die_with_parent(parent: int) -> None:
    """A worker ends when the process that started it does, even when that one is killed outright (a
    worker blocked on its task queue would otherwise wait forever, holding memory and the database files)."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _extract_block(block: list[Article], batch_size: int) -> list[list[Mention]]:
    """The mentions of each article of the block, in order."""
    wanted = [a for a in block if could_report_attack(a.text)]
    found = {id(article): extract_article(article, doc) for doc, article in
             load_nlp().pipe(((a.text, a) for a in wanted), as_tuples=True, batch_size=batch_size)}
    return [found.get(id(article), []) for article in block]
