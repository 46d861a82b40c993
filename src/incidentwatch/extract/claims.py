"""Responsibility statements: who is said to have done it, how, and who says so.

A statement's status follows its verb: "claimed responsibility", "said it was
behind" (claimed); "praised", "hailed" (praised); "likely carried out", "was
behind" (attributed, with the hedge kept); "blamed", "accused" (blamed, noting
"without evidence"); "denied" (denied); "rejected the claim", "reluctant to
agree" (disputed).  Negation ("did not claim", "no group has claimed") cancels
a statement.  The actor is the group or state nearest the verb; the source is a
known monitor or relay named in the sentence (SITE, ISW, Amaq), else whoever
the parse says is speaking ("X said", "according to X").  Names of sources,
states and channels are in data/responsibility.toml.
"""
from __future__ import annotations

import functools
import re

from ..model import Claim, Evidence
from .actors import find_groups, groups
from .agency import describes, only_describes
from .lexicon import load_toml, phrase_pattern
from .nlp import parse_sentence

_NEG = re.compile(r"\b(?:not|no|never|n't|without|nor|yet to|nobody|no one|no group|none)\b(?:\W+\w+){0,4}\W*$", re.I)
CUES = [
    ("disputed", re.compile(
        r"\b(?:(?:reject(?:ed|s)?|dismiss(?:ed|es)?|disput(?:ed|es)?|cast doubt on|questioned|doubt(?:ed|s)?)\b"
        r"[^.]{0,60}\bclaims?\b|reluctant to (?:agree|accept|confirm)|(?:did|have|has) not confirm(?:ed)?|"
        r"(?:were|was|are|is|remain(?:ed)?) (?:skeptical|sceptical|unconvinced)|"
        r"(?:were|was) unaware (?:as to )?whether|doubt(?:ed|s)? (?:it|this|that|the claim))", re.I)),
    # a denial is of a part in the attack ("denied involvement", "denied that it was behind the blast"), not of
    # any other fact ("denied that its dead member was a suicide bomber")
    ("denied", re.compile(
        r"\b(den(?:y|ied|ies|ying)\s+(?:(?:any|all|its|their|his|her|the|a|direct|that|it|they|he|she|was|were|had|"
        r"has|have|been|ever|of)\s+){0,4}(?:involvement|involved|responsib\w*|role|part|links?|connections?|ties|"
        r"behind|carr\w+ out|hand|claims?|claiming|accusations?|allegations?|charges?|anything to do|"
        r"(?:the\s+)?(?:attacks?|bombings?|blasts?|killings?|shooting|raid|assault))\b|"
        r"den(?:y|ied|ies|ying)\s+(?:it|this|that|them|the reports?)\s*[.;,]|"
        r"rejected any involvement|had nothing to do)", re.I)),
    ("claimed", re.compile(
        r"\b(claim(?:ed|s|ing)?\s+(?:of\s+)?(?:full\s+)?(?:responsib\w*|credit|the attacks?|the bombings?|"
        r"the shooting|the assault|the blasts?|the raid|an attack|attacks?|a deadly|deadly|"
        r"the double|twin|the twin|the killing|the explosions?|the massacre|the atrocit\w+|"
        r"(?:its|their) (?:\w+ )?(?:attacks?|bombings?|raids?|assaults?|operations?)|"
        r"(?:that|to have|it|they)\s+(?:was|were|had|has|carried|conducted|launched|killed|attacked|"
        r"targeted|is|are)\b)|"
        r"(?:took|takes|take|taking|accepted|accepts|claimed|assumed)\s+(?:the\s+)?(?:full\s+)?(?:responsibility|credit)|"
        r"claim of responsibility|responsibility (?:was|has been|had been) claimed|(?:been |was |were )?claimed by|"
        r"claim(?:ed|s)? (?:both|all|each|the two|these|those)(?: of)?(?: (?:these|those|the))? (?:\w+ )?"
        r"(?:attacks|bombings|blasts|explosions|shootings|acts|raids)|"
        r"(?:said|says|saying|stated|announced|declared)(?:\s+(?:in|on|through|via)\s+(?:a|an|its|their)\s+"
        r"[\w-]+(?:\s+[\w-]+)?)?,?\s+(?:that\s+)?(?:it|its \w+|they|their \w+)\s+"
        r"(?:was|were|had been|is|are|had)\s+(?:\w+\s+)?(?:behind|responsible)|"
        r"(?:said|says|saying|announced)\s+(?:that\s+)?(?:it|its \w+|they)\s+(?:had\s+)?(?:carried out|"
        r"attacked|targeted|launched|conducted|killed))\b", re.I)),
    ("praised", re.compile(r"\b(prais(?:ed|es|ing)|hail(?:ed|s)|celebrat(?:ed|es)|applaud(?:ed|s)|glorif(?:ied|ies))\b", re.I)),
    ("blamed", re.compile(r"\b(blam(?:ed|es|ing|e)|accus(?:ed|es|ing|ations?)|point(?:ed)? the finger|"
                          r"are behind this|is behind this|assign responsibility|"
                          r"(?:is|are|was|were) (?:allegedly |reportedly )?involved in)\b", re.I)),
    ("attributed", re.compile(r"\b(behind|carried out|responsible for|perpetrated|staged|conducted|"
                              r"suspected|attribut(?:ed|es)|orchestrated|masterminded|was the work of|"
                              r"were the work of)\b", re.I)),
]
# "three months after ISIS-K claimed responsibility for the Crocus attack": a claim about an earlier event
_EARLIER = re.compile(r"\b(?:\w+\s+(?:days?|weeks?|months?|years?)\s+(?:after|before|earlier|ago)|"
                      r"(?:earlier|previous|prior|last year's|last month's) (?:attacks?|assault|bombing)|in the past)\b", re.I)
_DATED_OBJECT = re.compile(r"^\s*(?:\w+\s+){0,3}?(?:January|February|March|April|May|June|July|August|September|"
                           r"October|November|December|last|earlier|previous|(?:19|20)\d\d)\b", re.I)
HEDGES = re.compile(r"\b(likely|probably|possibly|allegedly|suspected|apparently|reportedly|believed to|"
                    r"thought to|may have|might have|could have|appears to|seemed to)\b", re.I)
NO_EVIDENCE = re.compile(r"\b(without (?:\w+\s+){0,2}evidence|no evidence|baseless|unfounded|no basis)\b", re.I)
UNVERIFIED = re.compile(r"\b(could not|cannot|can't|couldn't|was not|has not been|not) (?:be )?(?:independently )?"
                        r"(?:verif|confirm|authenticat)", re.I)
VERIFIED = re.compile(r"\b(?:confirmed|verified|authenticated)\b[^.]{0,30}\b(?:claim|authenticity|genuine|authentic)\b|"
                      r"\b(?:claim|statement|video)\b[^.]{0,40}\b(?:confirmed|verified|authenticated)\b", re.I)
SPEECH = {"said", "says", "say", "saying", "told", "tells", "wrote", "writes", "write", "reported", "reports",
          "assessed", "assesses", "noted", "notes", "stated", "states", "announced", "added", "warned", "argued",
          "believes", "believe", "concluded", "quoted", "cited", "alleged", "suggested", "emphasized",
          "emphasised", "insisted", "according", "claiming", "accused", "blamed"}
_PRONOUNS = {"i", "we", "you", "he", "she", "it", "they", "this", "that", "who", "which"}


@functools.cache
def _named(section: str) -> list[tuple[re.Pattern, str]]:
    pats = []
    for entry in load_toml("responsibility.toml")[section]:
        if entry.get("aliases"):
            pats.append((phrase_pattern(entry["aliases"]), entry["name"]))
        if entry.get("exact"):
            pats.append((phrase_pattern(entry["exact"], case_sensitive=True), entry["name"]))
    return pats


@functools.cache
def _channels() -> list[tuple[re.Pattern, str]]:
    return [(phrase_pattern(words), name) for name, words in load_toml("responsibility.toml")["channels"].items()]


def _find(section: str, text: str) -> list[tuple[str, int, int]]:
    return [(name, m.start(), m.end()) for pat, name in _named(section) for m in pat.finditer(text)]


def states() -> set[str]:
    return {name for _, name in _named("state")}


def _nearest_actor(cue: re.Match, actors: list[tuple[str, int, int]], status: str = "", sentence: str = ""):
    """The actor a cue speaks of: one named inside it ("rejected al-Shabaab's claim"), the one a doubt is
    about ("reluctant to agree that ISKP ..."), else the closest before it (its subject), else just after."""
    inside = [a for a in actors if a[1] >= cue.start() and a[2] <= cue.end()]
    if inside:
        return inside[0]
    if status == "disputed":
        m = re.match(r"\s*(?:that|whether)\s+", sentence[cue.end():])
        after = [a for a in actors if m and cue.end() <= a[1] <= cue.end() + m.end() + 25]
        if after:
            return after[0]
    before = [(cue.start() - a1, a) for a in actors for _, a0, a1 in [a] if a1 <= cue.start() + 2 and cue.start() - a1 <= 90]
    after = [(a0 - cue.end(), a) for a in actors for _, a0, a1 in [a] if a0 >= cue.end() - 2 and a0 - cue.end() <= 60]
    if before:
        return min(before)[1]
    if after:
        return min(after)[1]
    return None


def _phrase(tok) -> str | None:
    """A subject's words as written, without relative clauses or long tails; None for a pronoun."""
    if tok.text.lower() in _PRONOUNS:
        return None
    cut = [c for c in tok.children if c.dep_ in ("relcl", "acl", "appos", "punct") and c.i > tok.i]
    last = min([c.left_edge.i for c in cut] + [tok.right_edge.i + 1]) - 1
    first = tok.left_edge.i
    last = min(last, first + 7)
    doc = tok.doc
    text = doc.text[doc[first].idx:doc[last].idx + len(doc[last])]
    return re.sub(r"^(?:the|a|an)\s+", "", text.strip(" ,“”\"'’‘"), flags=re.I).strip(" ,") or None


def _cue_token(span, cue_start: int):
    """The first token of the cue in the sentence's parse."""
    if span is None:
        return None
    return next((t for t in span if t.idx - span.start_char >= cue_start), None)


def _subject_apart(verb, span, actor_span: tuple[int, int]) -> str | None:
    """The subject of `verb` as a phrase, unless it is the actor itself (or a pronoun)."""
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subj:
        return None
    s0 = subj[0].left_edge.idx - span.start_char
    s1 = subj[0].right_edge.idx + len(subj[0].right_edge) - span.start_char
    return _phrase(subj[0]) if s1 <= actor_span[0] or s0 >= actor_span[1] else None


def _speaker(span, cue_start: int, actor_span: tuple[int, int]) -> str | None:
    """Who the parse says makes the statement: "ISW writes that ...", "according to officials"."""
    tok = _cue_token(span, cue_start)
    if tok is None:
        return None
    for anc in [tok] + list(tok.ancestors):
        if anc.text.lower() not in SPEECH:
            continue
        if anc.text.lower() == "according":
            pobj = [c for t in anc.children if t.dep_ == "prep" for c in t.children if c.dep_ == "pobj"]
            if pobj:
                return _phrase(pobj[0])
        who = _subject_apart(anc, span, actor_span)
        if who:
            return who
    for t in span:  # "according to X" elsewhere in the sentence
        if t.text.lower() == "according" and t.i + 1 < len(t.doc) and t.nbor(1).text.lower() == "to":
            pobj = [c for c in t.nbor(1).children if c.dep_ == "pobj"]
            if pobj:
                return _phrase(pobj[0])
    return None


def _cue_subject(span, cue_start: int, actor_span: tuple[int, int]) -> str | None:
    """The subject of the statement's own verb: "local security services have been reluctant"."""
    tok = _cue_token(span, cue_start)
    if tok is None:
        return None
    for anc in [tok] + list(tok.ancestors):
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in anc.children):
            return _subject_apart(anc, span, actor_span)
    return None


_STATE_BLAME = re.compile(r"behind|responsible for|orchestrated|masterminded|(?:was|were) the work of", re.I)
_SPEAKS = re.compile(r"^\W{0,3}(?:\w+\s+)?(?:said|says|writes|wrote|reported|reports|assessed|noted|stated|"
                     r"announced|concluded|quoted|cited|added|told)\b", re.I)


def _known_source(sentence: str, known: list[tuple[str, int, int]], cue: re.Match, actor: str) -> str | None:
    """A named monitor or relay: one that speaks ("ISW writes", "according to SITE") first, else the nearest."""
    cands = [(n, a, b) for n, a, b in known if n != actor]
    speaking = [(n, a, b) for n, a, b in cands if _SPEAKS.match(sentence[b:b + 25]) or
                re.search(r"according to (?:the )?$", sentence[max(0, a - 20):a], re.I)]
    pool = speaking or cands
    if not pool:
        return None
    return min(pool, key=lambda x: abs(x[1] - cue.start()))[0]


def statements(sentence: str, offset: int, article_id: str, span=None,
               names: list[tuple[int, int, str]] | None = None) -> list[Claim]:
    """Responsibility statements in one sentence (offsets into the article).
    `span` is the sentence's dependency parse, for finding who speaks; without one, the sentence is parsed
    when a statement is found (most sentences have none, and are never parsed).  `names` are the
    organisations the recogniser found in the sentence (offsets into it): one that claims responsibility
    and is no group of data/groups.toml is kept by the name the report gives, marked `unlisted`."""
    out: list[Claim] = []
    actors = [(g.group, g.start - offset, g.end - offset) for g in find_groups(sentence, offset)]
    actors += _find("state", sentence)
    # "the X Front, a group linked to al-Qaida, claimed the attack": the describing name is no actor
    actors = [a for a in actors if not describes(sentence, a[1], a[2])]
    if not actors:
        return _unlisted_claims(sentence, offset, article_id, names or [], [])
    state_names = states()
    known_sources = _find("source", sentence)
    seen: set[tuple[str, str]] = set()
    taken: list[tuple[int, int]] = []
    for status, pat in CUES:
        for cue in pat.finditer(sentence):
            if any(a < cue.end() and cue.start() < b for a, b in taken):
                continue
            target = _nearest_actor(cue, actors, status, sentence)
            if target is None:
                continue
            actor, a0, a1 = target
            st = status
            if actor in state_names and st in ("claimed", "praised"):
                continue
            if actor in state_names and st == "attributed":
                if not _STATE_BLAME.match(cue.group(0)):
                    continue
                st = "blamed"  # "Ukraine was behind this": said of a state, it is an accusation
            lead = sentence[max(0, min(a0, cue.start()) - 50):cue.start()]
            if st == "attributed" and re.search(r"\b(?:not|never|n't)\s+(?:\w+\s+)?$", lead, re.I):
                st = "disputed"  # "the Islamic State in Afghanistan is not behind the attacks"
            elif st != "denied" and _NEG.search(lead):
                continue  # "did not claim", "no group has been blamed"
            if re.search(r"\b(?:if|whether|unless)\s+(?:\w+\s+){0,3}$", sentence[max(0, cue.start() - 30):cue.start()], re.I):
                continue  # "if we assign responsibility to NATO ...": a supposition, not a statement
            if st == "claimed":
                if re.search(r"\b(?:that|which|who)\s+(?:had\s+|has\s+)?$", sentence[:cue.start()], re.I) and \
                        _DATED_OBJECT.match(sentence[cue.end():cue.end() + 50]):
                    continue  # "the affiliate that claimed responsibility for March's raid": another attack
                if _EARLIER.search(sentence[:min(a0, cue.start())]) and a0 > 0:
                    continue  # a claim of some earlier attack, recalled
            if st == "attributed" and re.search(r"not (?:be )?(?:behind|responsible)", sentence, re.I):
                st = "disputed"
            taken.append((cue.start(), cue.end()))
            if (actor, st) in seen:
                continue
            seen.add((actor, st))
            hedge = HEDGES.search(sentence)
            hedge_text = hedge.group(0) if hedge else None
            if st == "blamed" and NO_EVIDENCE.search(sentence):
                hedge_text = "without evidence"
            source = _known_source(sentence, known_sources, cue, actor)
            if source is None and span is None:
                span = parse_sentence(sentence)
            if source is None and st in ("blamed", "disputed", "denied"):
                source = _cue_subject(span, cue.start(), (a0, a1)) if st != "denied" else None
            if source is None:
                source = _speaker(span, cue.start(), (a0, a1))
            channel = next((n for pat_, n in _channels() if pat_.search(sentence)), None)
            verified = "false" if UNVERIFIED.search(sentence) else ("true" if VERIFIED.search(sentence) else "unknown")
            # actors coordinated with this one ("Ukraine and NATO are behind this") share the statement
            for name, b0, b1 in [target] + _coordinated(target, actors, sentence):
                if name != actor and ((name, st) in seen or (name in state_names) != (actor in state_names)):
                    continue
                seen.add((name, st))
                out.append(Claim(actor=name, status=st, source=source, channel=channel, verified=verified,
                                 hedge=hedge_text, evidence=Evidence("claims", article_id, offset + b0, offset + b1,
                                                                     sentence)))
    # a doubted attribution ("reluctant to agree that ISKP carried out ...") is not an attribution
    doubted = {c.actor for c in out if c.status == "disputed"}
    out = [c for c in out if not (c.status == "attributed" and c.actor in doubted)]
    return out + _unlisted_claims(sentence, offset, article_id, names or [], taken + [(a, b) for _, a, b in actors])


# names that are the teller or an authority, not a claimant ("Reuters", "the Interior Ministry")
_NOT_CLAIMANT = re.compile(r"\b(?:news|agency|ministry|police|government|times|post|press|television|tv|radio|"
                           r"committee|council|office|department|service|services|reuters|"
                           r"associated|afp|ap|bbc|cnn|un|united nations|court|parliament|hospital)\b", re.I)


def _unlisted_claims(sentence: str, offset: int, article_id: str, names: list[tuple[int, int, str]],
                     taken: list[tuple[int, int]]) -> list[Claim]:
    """Claims of responsibility by a group the alias table does not know: "The Baloch Liberation Army claimed
    responsibility".  The claimant is the organisation named just before the claim (its subject), and only
    claims are read this way: a name that is blamed or credited needs the alias table."""
    if not names:
        return []
    out: list[Claim] = []
    status, pattern = next(c for c in CUES if c[0] == "claimed")
    for cue in pattern.finditer(sentence):
        if any(a < cue.end() and cue.start() < b for a, b in taken):
            continue
        before = [(cue.start() - b, a, b, text) for a, b, text in names
                  if b <= cue.start() + 1 and cue.start() - b <= 40 and not _NOT_CLAIMANT.search(text)
                  and not any(x < b and a < y for x, y in taken)]
        if not before:
            continue
        _, a, b, text = min(before)
        lead = sentence[max(0, a - 50):cue.start()]
        if _NEG.search(lead) or re.search(r"\b(?:if|whether|unless)\b", sentence[max(0, cue.start() - 30):cue.start()], re.I):
            continue
        name = re.sub(r"^(?:the|a|an)\s+", "", text.strip(" ,.\"'“”‘’"), flags=re.I)
        if len(name) < 3 or any(c.actor == name for c in out) or only_describes(sentence, name, b):
            continue
        channel = next((n for pat_, n in _channels() if pat_.search(sentence)), None)
        out.append(Claim(actor=name, status=status, channel=channel,
                         verified="false" if UNVERIFIED.search(sentence) else "unknown", unlisted=True,
                         evidence=Evidence("claims", article_id, offset + a, offset + b, sentence)))
    return out


def _coordinated(target, actors, sentence: str) -> list:
    """Actors joined to the target by "and", "or" or a comma: "Ukraine and NATO"."""
    _, t0, t1 = target
    out = []
    for other in actors:
        _, o0, o1 = other
        if other is target:
            continue
        between = sentence[t1:o0] if o0 >= t1 else sentence[o1:t0]
        if re.fullmatch(r"\s*(?:,|and|or|, and|as well as)\s*(?:the\s+)?", between):
            out.append(other)
    return out


def best_supported(claims: list[Claim]) -> list[str]:
    """The perpetrators the statements support best: groups that claimed it or that a source names
    without hedging; failing those, groups a source names with a hedge ("likely"); never the merely blamed."""
    known = groups()
    # a group the alias table does not know counts when it claims the attack itself
    firm = [c.actor for c in claims if (c.actor in known or (c.unlisted and c.status == "claimed")) and
            (c.status == "claimed" or (c.status == "attributed" and not c.hedge))]
    soft = [c.actor for c in claims if c.actor in known and c.status == "attributed" and c.hedge]
    return list(dict.fromkeys(firm or soft))
