"""Assemble per-article mentions from the field extractors.

An article is read sentence by sentence.  Sentences with attack words make up
the reported incident; a sentence that dates what it tells well before the
reported incident ("Last December a group came under fire in Derbent") starts
a background incident of its own.  Each field of a mention is filled from its
incident's sentences and keeps the span that says it.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..model import Article, Claim, Evidence, Figure, Mention
from .claims import NO_EVIDENCE, UNVERIFIED, best_supported, statements
from .casualties import CasualtyFigure, combine, find_casualties
from .dates import MONTHS, DateRef, find_dates
from .gazetteer import Place, gazetteer
from .lexicon import matcher, pattern
from .nlp import load_nlp
from .places import PlaceMention, distance_km, find_place_mentions, resolve

# "police said", "according to officials": the police here speak, they are not the target
_SPEAKERS = re.compile(
    r"\b(?:police|officials?|officers?|authorities|government|ministry|governor|security forces|prosecutors?|"
    r"investigators?|spokesm[ae]n|spokeswoman|law enforcement(?: source)?|police official|police chief)"
    r"(?:\s+\w+){0,2}\s+(?:said|say|says|told|reported|confirmed|stated|added|announced|declared|warned|"
    r"believe|suspect|were sent|was sent|arrived|rushed|cordoned|evacuated|stormed|launched|responded|"
    r"are investigating|is investigating|opened)\b|\baccording to (?:the )?(?:\w+\s){0,2}"
    r"(?:police|officials?|authorities|ministry|governor|government)\b", re.I)
_HEADLINE_MAX = 200
_ANAPHORA = re.compile(r"\b(?:(?P<two>both|the two)\s+(?:of\s+)?(?:these\s+|those\s+|the\s+)?|(?:these|those|the earlier|"
                       r"the previous|the latter|that)\s+)(?:terror(?:ist)?\s+)?(?:acts|attacks?|incidents?|bombings?|"
                       r"explosions?|blasts?|shootings?)\b", re.I)
# a sentence that goes on telling the story the previous one began
_CONTINUES = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:later|afterwards|after that|then|that day|the next day|"
                        r"at the time|the siege|that attack|the attackers there)\b", re.I)
BACKGROUND_GAP_DAYS = 6


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

    @property
    def attack(self) -> bool:
        return (self.strong or self.weak) > 0 and not self.not_attack


def _analyse(article: Article, doc, anchor: dt.date | None) -> list[Sentence]:
    mentions = resolve(find_place_mentions(doc))
    strong, weak = pattern("triggers", "strong"), pattern("triggers", "weak")
    not_attack, accidental = pattern("not_attack", "cues"), pattern("not_attack", "accidental")
    out = []
    for i, sent in enumerate(doc.sents):
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
        s.claims = statements(text, sent.start_char, article.id, span=sent)
        s.persons = [(e.start_char, e.end_char, e.text) for e in sent.ents if e.label_ == "PERSON"]
        s.names = [_venue(e.text) for e in sent.ents if e.label_ in ("FAC", "EVENT", "ORG") and _venue(e.text)]
        out.append(s)
    return out


def is_attack_report(sents: list[Sentence]) -> bool:
    """Does the article report a militant attack (not an accident, a disaster, a court case)?"""
    strong = sum(s.strong for s in sents if not s.not_attack)
    weak = sum(s.weak for s in sents if not s.not_attack)
    accidental = sum(1 for s in sents if s.accidental)
    denial = sum(1 for s in sents if s.not_attack)
    attack_sents = sum(1 for s in sents if s.attack)
    if strong == 0:
        return False
    if accidental and strong < 4:
        return False
    if strong + weak < 3 or attack_sents < 2:
        return False
    return denial <= attack_sents * 1.5 or strong >= 4


_SPEECH = re.compile(r"\b(said|says|told|claim(?:ed|s)(?!\s+(?:the lives|\d|\w+\s+(?:lives|victims)))|announced|reported|quoted|confirmed|declared|stated|added|"
                     r"news conference|press conference|warned|mourning|funeral|vigil|statement|interview|"
                     r"published|posted|updated|wrote|tweeted|identified|named|arrested|detained|charged)\b", re.I)


_CLAIM_WORDS = re.compile(r"\bclaim|\bresponsib|\bcredit\b", re.I)


def _event_spans(s: Sentence) -> list[tuple[int, int]]:
    """Where the sentence speaks of the attack itself (not of a claim about it)."""
    spans = [(s.start + m.start(), s.start + m.end())
             for key in ("strong", "weak") for m in pattern("triggers", key).finditer(s.text)
             if not _CLAIM_WORDS.search(m.group(0))]
    spans += [(c.start, c.end) for c in s.casualties]
    return spans


def _date_score(ref: DateRef, s: Sentence, rank: int) -> float:
    """How surely a date expression dates the attack, not a statement about it."""
    events = _event_spans(s)
    gap = min((max(a - ref.end, ref.start - b, 0) for a, b in events), default=999)
    score = 3.0 if gap < 25 else 1.5 if gap < 60 else 0.0
    after = s.text[ref.end - s.start:ref.end - s.start + 30]
    if re.match(r"['’]s\s+(?:\w+\s+)?(?:attacks?|bombings?|blasts?|explosions?|shootings?|assault|massacre|raid)",
                after, re.I) or re.match(r"\s+(?:\w+\s+)?(?:attacks?|bombings?|blasts?|explosions?|shootings?)", after, re.I):
        score += 3
    speech = [m for m in _SPEECH.finditer(s.text)]
    sgap = min((max(s.start + m.start() - ref.end, ref.start - s.start - m.end(), 0) for m in speech), default=999)
    if sgap < 20 and sgap < gap:
        score -= 3
    return score - 0.05 * rank


def _main_date(sents: list[Sentence], anchor: dt.date | None, published: dt.date | None):
    """The reported incident's date: the day-exact date that best attaches to an attack word."""
    def near(ref: DateRef) -> bool:
        if ref.date is None or ref.precision != "day":
            return False
        if anchor is None:
            return True
        return anchor - dt.timedelta(days=BACKGROUND_GAP_DAYS) <= ref.date <= anchor + dt.timedelta(days=1)

    scored = [(_date_score(ref, s, rank), -rank, ref, s)
              for rank, s in enumerate(x for x in sents if x.attack) for ref in s.dates
              if near(ref) and not _in_dateline(ref, s) and ref.kind != "offset"]  # "four days after" dates another event
    if anchor is None:  # only absolute dates that clearly attach to the attack
        scored = [x for x in scored if x[0] >= 2.5]
    if not scored:
        return None, None
    # of the dates that attach to attack words, the earliest: later ones tell of claims, funerals, a second blast
    attached = [x for x in scored if x[0] >= 1.5]
    if attached:
        best = min(attached, key=lambda x: (x[2].date, -x[0], -x[1]))
    else:
        best = max(scored, key=lambda x: (x[0], x[1]))
    return best[2], best[3]


def _in_dateline(ref: DateRef, s: Sentence) -> bool:
    """"MAKHACHKALA, Feb. 16, 2016 —": the day of the report, not of the attack."""
    m = _DATELINE.match(s.text)
    return bool(m) and ref.end - s.start <= m.end()


def _is_background(ref: DateRef, main: dt.date | None) -> bool:
    if ref.date is None or main is None:
        return False
    end = ref.date_end or ref.date
    return end < main - dt.timedelta(days=BACKGROUND_GAP_DAYS) or ref.date > main + dt.timedelta(days=BACKGROUND_GAP_DAYS)


TARGET_AFTER, TARGET_BEFORE = 70, 30
# categories whose words often name the responders or the speakers, not the victims: these count only
# when the words are what the attack hit ("attack on a police post", "two officers were killed")
AGENT_PRONE = {"Police", "Military", "Government (General)", "Government (Diplomatic)", "Journalists & Media"}
_HIT_BEFORE = re.compile(r"(?:attack(?:ed|s|ing)?(?:\s+on)?|assault(?:ed)?(?:\s+on)?|fired (?:on|at|upon)|open(?:ed)? fire "
                         r"(?:on|at)|target(?:ed|ing|s)?|struck|hit|killing|killed|kill|wounding|injuring|ambush(?:ed)?|"
                         r"bomb(?:ed|ing)? (?:of|at)|shot|shooting|stabb(?:ed|ing)|against|blew up|rammed)\W+(?:\w+\W+){0,4}$",
                         re.I)
_HIT_AFTER = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:were|was|had been|have been)?\s*(?:killed|dead|died|wounded|injured|hurt|"
                        r"attacked|targeted|shot|ambushed|came under|among the (?:dead|victims))", re.I)


def _victim_word(text: str, a: int, b: int) -> bool:
    return bool(_HIT_BEFORE.search(text[max(0, a - 60):a]) or _HIT_AFTER.match(text[b:b + 50]))


def _categories(section: str, sents: list[Sentence], article: Article, near_triggers=False):
    """Categories named in the incident's sentences; targets only where an attack word reaches them
    ("opened fire on worshippers", "the metro bombing"), and never as the one who speaks."""
    found: dict[str, Evidence] = {}
    m = matcher(section)
    for s in sents:
        text = s.text
        if near_triggers:
            text = _SPEAKERS.sub(lambda x: " " * len(x.group(0)), text)
            triggers = [(a - s.start, b - s.start) for a, b in _event_spans(s)]
        for cat, a, b in m.finditer(text):
            if near_triggers and not any(ta - TARGET_BEFORE <= a and b <= tb + TARGET_AFTER for ta, tb in triggers):
                continue
            if near_triggers and cat in AGENT_PRONE and not _victim_word(text, a, b):
                continue
            found.setdefault(cat, Evidence(section, article.id, s.start + a, s.start + b, s.text))
    return found


# "MOSCOW (AP) —", "Moscow (AFP) –", "Kerman, Iran -": where the reporter files from
_DATELINE = re.compile(r"^\s*[A-Z][\w.' -]{1,40}(?:,\s*[A-Z][\w' -]{1,30})?(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
                       r"\s*(?:\([A-Za-z .]{2,20}\))?\s*[—–:-]")


def _is_dateline(m: PlaceMention, s: Sentence) -> bool:
    head = s.text[:m.end - s.start + 40]
    return m.start - s.start < 3 and bool(_DATELINE.match(head))


_LOCATIVE = re.compile(r"\b(?:in|at|near|outside|inside|of|from)\s+(?:the\s+)?(?:(?:city|town|village|region|republic|"
                       r"capital|district|province|suburb|outskirts|centre|center)\s+(?:of\s+)?)?$", re.I)
# "Moscow has said", "Moscow's bombing campaign": the capital standing for its government
_METONYMY = re.compile(r"^(?:\s+(?:has|have|is|was|said|says|announced|accused|blamed|denied|claimed|warned|launched|began|"
                       r"insisted|responded|vowed|condemned|sent|wants|will)\b|['’]s\s+(?:\w+\s+)?(?:campaign|government|"
                       r"response|decision|war|forces|military|policy|security services|leadership|officials))", re.I)


def _place_weight(m: PlaceMention, s: Sentence) -> float:
    if m.weak:
        return 0.3
    if _is_dateline(m, s):
        return 0.2
    a, b = m.start - s.start, m.end - s.start
    if _METONYMY.match(s.text[b:b + 40]) or re.search(r"\b(?:pro|anti)-$", s.text[max(0, a - 5):a], re.I):
        return 0.2
    if _LOCATIVE.search(s.text[max(0, a - 40):a]) and any(
            abs(a - (ea - s.start)) < 100 for ea, _ in _event_spans(s)):
        return 2.0  # "... opened fire in Derbent": where the attack happened
    return 1.0


def _choose_place(sents: list[Sentence], title_end: int) -> tuple[Place | None, PlaceMention | None]:
    """The most specific place the incident's sentences agree on."""
    weight: Counter = Counter()
    first: dict[Place, PlaceMention] = {}
    region: Counter = Counter()
    for rank, s in enumerate(sents):
        w = 2.0 if s.start < title_end else (1.5 if rank < 3 else 1.0)
        if s.attack:
            w *= 1.5
        if any(r.precision in ("year", "month") and not r.relative for r in s.dates):
            w *= 0.3  # "bombing the Moscow metro in 2010": history, not the event
        for m in s.places:
            pw = w * _place_weight(m, s)
            weight[m.place] += pw
            if m.place.kind in ("city", "admin1"):
                region[(m.place.cc, m.place.admin1)] += pw
            first.setdefault(m.place, m)
    if not weight:
        return None, None
    cities = [p for p in weight if p.kind == "city"]
    if cities:
        # a town inside the region the article keeps naming beats a bigger city named in passing
        best = max(cities, key=lambda p: (weight[p] + 0.5 * region[(p.cc, p.admin1)], p.population))
        # "Krasnogorsk, near Moscow": prefer the named town over the big city it is near
        for p in cities:
            if p is not best and p.population < best.population and weight[p] >= 0.5 * weight[best] \
                    and distance_km(p, best) < 40:
                best = p
        return best, first[best]
    regions = [p for p in weight if p.kind == "admin1"]
    if regions:
        best = max(regions, key=lambda p: weight[p])
        return best, first[best]
    best = max(weight, key=lambda p: weight[p])
    return best, first[best]


_CUE = (r"(?:suicide bomber|bomber|attacker|assailant|gunman|perpetrator|shooter|suspect|hostage-taker|"
        r"ringleader|mastermind)s?")
_BEFORE_NAME = re.compile(rf"\b(?:{_CUE}\W+(?:(?:was|has been|had been|were)\s+)?(?:named|identified)\s+as|"
                          rf"{_CUE},?|suspected|named the (?:\w+\s+){{0,2}}{_CUE} as|identified the (?:\w+\s+){{0,2}}"
                          rf"{_CUE} as)\s*$", re.I)
_AFTER_NAME = re.compile(rf"^,?\s+(?:(?:was|is|had been|has been)\s+)?(?:a|an|the|one of the)\s+"
                         rf"(?:[\w-]+\s+){{0,2}}?{_CUE}\b", re.I)
_NOT_PERSON = re.compile(r"\b(?:Arena|Hall|Church|Cathedral|Mosque|Synagogue|Airport|Station|Stadium|Hotel|Street|Square)\b")


def _attackers(s: Sentence) -> list[tuple[int, int, str]]:
    """Named people the sentence calls attackers: "the bomber was named as Salman Abedi",
    "Salah Abdeslam, a suspect in ..."."""
    out = []
    for a, b, name in s.persons:
        ra, rb = a - s.start, b - s.start
        if len(name.split()) < 2 or not all(w[:1].isupper() for w in name.split()) or gazetteer().lookup(name) \
                or _NOT_PERSON.search(name):
            continue
        if _BEFORE_NAME.search(s.text[max(0, ra - 60):ra]) or _AFTER_NAME.match(s.text[rb:rb + 60]):
            out.append((a, b, name))
    return out


# a figure given on the word of an authority, not of a witness or the outlet itself
_OFFICIAL = re.compile(r"\b(?:officials?|ministry|minister|authorities|governor|mayor|police|prosecutors?|committee|"
                       r"government|spokes(?:man|woman|person)|health (?:department|service)|state (?:media|television|TV)|"
                       r"TASS|RIA|Interfax|IRNA|Xinhua|emergency services|coroner|investigators)\b", re.I)


def _date_refs(sents: list[Sentence], title_end: int) -> list[dict]:
    """Day-exact dates the article ties to the attack (title, or near an attack word), as written,
    kept so that fusion can spot a report that gets the date wrong."""
    out = []
    for rank, s in enumerate(sents):
        for ref in s.dates:
            if ref.precision != "day":
                continue
            m = re.search(r"(?P<m>[A-Z][a-z]+)\.?\s+(?P<d>\d{1,2})\b|\b(?P<d2>\d{1,2})\s+(?P<m2>[A-Z][a-z]+)", ref.text)
            month = day = None
            if m:
                name = (m.group("m") or m.group("m2")).lower()
                if name in MONTHS:
                    month, day = MONTHS[name], int(m.group("d") or m.group("d2"))
            if month is None:
                continue  # only dates written with a month name can be checked against the others
            if s.start < title_end or _date_score(ref, s, 0) >= 3:
                out.append({"text": ref.text.strip(), "start": ref.start, "end": ref.end,
                            "date": ref.date.isoformat() if ref.date else None, "month": month, "day": day,
                            "sentence": s.text})
    return out


def _in_aside(ref: DateRef, s: Sentence) -> bool:
    """Is the date inside a relative clause set off by commas ("Vilayat Kavkaz, which claimed March's raid,
    praised ..."), telling of something else than the sentence's own news?"""
    a, b = ref.start - s.start, ref.end - s.start
    before, after = s.text[:a], s.text[b:]
    opener = max(before.rfind(", which"), before.rfind(", who"))
    return opener >= 0 and "," not in before[opener + 2:] and "," in after


_COORDINATED = re.compile(r"\b(?:coordinated|simultaneous|near-simultaneous|series of (?:\w+ )?(?:attacks|explosions|"
                          r"bombings|blasts|shootings)|twin (?:attacks|bombings|blasts|explosions)|in two cities|in both "
                          r"cities|across (?:two|three|several) cities|(?:multiple|several) (?:attacks|locations|sites|targets))\b",
                          re.I)
_VENUE_WORDS = re.compile(r"\b(?:Hall|Arena|Church|Cathedral|Mosque|Synagogue|Airport|Station|Stadium|Theatre|Theater|"
                          r"Hotel|Market|Mall|Centre|Center|Gate|Square|Club|School|University|Hospital|Embassy|"
                          r"Citadel|Fortress|Temple|Shrine|Bridge|Metro|Cafe|Café|Restaurant|Bataclan|Crocus)\b")


def _venue(text: str) -> str | None:
    """A venue's name, the words that let reports of one attack find each other across outlets."""
    name = re.sub(r"^(?:the|a)\s+", "", text.strip(), flags=re.I).strip(" .,'’\"")
    return name if _VENUE_WORDS.search(name) and len(name) <= 60 else None


def _about_earlier(pos: int, s: Sentence, main: dt.date | None) -> bool:
    """Is the item at `pos` closest to a date that puts it well before the reported incident?"""
    dates = [r for r in s.dates if not _in_aside(r, s)]
    if not dates or main is None:
        return False
    nearest = min(dates, key=lambda r: min(abs(pos - r.start), abs(pos - r.end)))
    return _is_background(nearest, main)


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
    place, pm = _choose_place(attack_sents or sents, title_end)
    if place is None:
        place, pm = _choose_place(sents, title_end)
    if place is not None:
        m.country = place.country
        if place.kind in ("city", "admin1"):
            m.admin1 = place.admin1
        if place.kind == "city":
            m.city = place.name
        m.lat, m.lon = place.lat, place.lon
        sent = next(s for s in sents if s.start <= pm.start < s.end)
        ev.append(Evidence("place", article.id, pm.start, pm.end, sent.text))
    for section, attr, near in (("attack_types", "attack_types", False), ("target_types", "target_types", True),
                                ("weapon_types", "weapon_types", False)):
        cats = _categories(section, attack_sents, article, near_triggers=near)
        setattr(m, attr, sorted(cats))
        ev.extend(cats.values())
    figs: dict[str, list[Figure]] = defaultdict(list)
    for s in sents:
        official = bool(_OFFICIAL.search(s.text))
        for c in s.casualties:
            if role == "reported" and _about_earlier(c.start, s, m.date):
                continue
            m.figures.append({"kind": c.kind, **c.figure.to_dict(), "speculative": c.speculative,
                              "official": official, "start": c.start, "end": c.end})
            if not c.speculative:
                figs[c.kind].append(c.figure)
                ev.append(Evidence(c.kind, article.id, c.start, c.end, s.text))
    for s in sents:
        for a, b, name in _attackers(s):
            if name not in m.attackers:
                m.attackers.append(name)
                ev.append(Evidence("attackers", article.id, a, b, s.text))
    if role == "reported":
        m.date_refs = _date_refs(sents, title_end)
    m.keywords = sorted({n for s in attack_sents for n in s.names})[:12]
    m.coordinated = any(_COORDINATED.search(s.text) for s in attack_sents)
    m.killed = combine(figs["killed"])
    m.injured = combine(figs["injured"])
    m.killed_perpetrators = combine(figs["killed_perpetrators"])
    recent: list[list[Claim]] = []
    for s in sents:
        own = [c for c in s.claims if not (role == "reported" and _about_earlier(c.evidence.start, s, m.date))]
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


def extract_article(article: Article, doc=None) -> list[Mention]:
    """The incidents one article reports (role "reported") or recalls ("background")."""
    if doc is None:
        doc = load_nlp()(article.text)
    # relative dates resolve only against a known publication date: guessing "now" from the
    # text's own dates misdates more than it saves
    anchor = article.published
    sents = _analyse(article, doc, anchor)
    if not sents or not is_attack_report(sents):
        return []
    title_end = len(article.title) if article.title and article.text.startswith(article.title) else 0
    if not title_end and sents and len(sents[0].text) <= _HEADLINE_MAX and "\n" in article.text[sents[0].end:sents[0].end + 2]:
        title_end = sents[0].end
    ref, ref_sent = _main_date(sents, anchor, article.published)
    main_date = ref.date if ref else article.published
    main: list[Sentence] = []
    background: dict[tuple, list[tuple[Sentence, DateRef]]] = defaultdict(list)
    previous: tuple | None = None  # the background incident the last sentence told of
    run: list[tuple] = []  # background incidents told of by the sentences just before
    for i, s in enumerate(sents):
        dates = [r for r in s.dates if not _in_aside(r, s)]
        back = _ANAPHORA.search(s.text)
        if back and run and not any(r.date and not _is_background(r, main_date) for r in s.dates):
            # "IS claimed both terror acts": the sentence is about the attacks just recalled
            keys = list(dict.fromkeys(k for k, _ in run))[-2:] if back.group("two") else [run[-1][0]]
            for k in keys:
                background[k].append((s, next(r for kk, r in run if kk == k)))
            continue
        far = [r for r in dates if _is_background(r, main_date)]
        near = [r for r in dates if r.date and not _is_background(r, main_date)]
        if far and (s.attack or s.casualties) and not any(r is ref for r in s.dates) and \
                not (near and near[0].start < far[0].start):
            r = far[0]
            key = (r.date.year, r.date.month) if r.precision != "year" else (r.date.year,)
            background[key].append((s, r))
            previous = (key, r)
            run.append((key, r))
        elif previous and not near and _CONTINUES.match(s.text) and \
                "\n\n" not in article.text[sents[i - 1].end:s.start]:
            background[previous[0]].append((s, previous[1]))  # "Two days later the siege ended ..."
        else:
            main.append(s)
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
    return mentions


def extract_articles(articles: Iterable[Article], batch_size: int = 16) -> Iterator[tuple[Article, list[Mention]]]:
    """Mentions for each article, parsing in batches with nlp.pipe."""
    nlp = load_nlp()
    gazetteer()  # load before the first batch, not inside it
    for doc, article in nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=batch_size):
        yield article, extract_article(article, doc)
