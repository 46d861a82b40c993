"""Who a report says carried out or claimed the attack, read from the sentence's grammar.

Wire copy rarely says "X claimed responsibility"; it says "rebels of the X Front killed nine villagers", "Fighters of
the X Front attacked a school", "a Maoist blast", "an attack by suspected Boko Haram
insurgents".  A group named so is the doer of the attack: the active subject of an attack verb (or the noun it
qualifies is), the agent after "by", or the qualifier of an attack noun.  A name beside attack words in any
other role (the object killed, the passive subject, "an attack on" it) is not.  Each finding is a statement of
responsibility like the others (status `attributed`, the outlet's own word, hedged where the report hedges),
with its evidence.  The cues are data/lang/<lang>/agency.toml.
"""
from __future__ import annotations

import functools
import re

from ..model import Claim, Evidence
from .actors import find_groups
from .casualties import is_cumulative
from .gazetteer import fold, gazetteer
from .lexicon import load_toml, pattern
from .nlp import lemma, parse_sentence


@functools.cache
def _cues(lang: str = "en") -> dict:
    data = load_toml(f"lang/{lang}/agency.toml")
    return {"verbs": set(data["verbs"]["lemmas"]), "nouns": set(data["nouns"]["lemmas"]),
            "heads": set(data["unlisted"]["heads"]), "claim_verbs": set(data["claims"]["verbs"]),
            "claim_nouns": set(data["claims"]["nouns"]), "claimed": set(data["claims"]["objects"]),
            "speech_verbs": set(data["claims"]["speech_verbs"]), "own_subjects": set(data["claims"]["own_subjects"]),
            "own_possessives": set(data["claims"]["own_possessives"]),
            "not_groups": re.compile(r"\b(?:%s)" % "|".join(map(re.escape, data["unlisted"]["not_groups"])), re.I),
            "describing": re.compile(r"\s+(?:%s)\b" % "|".join(map(re.escape, data["unlisted"]["described_nouns"]))),
            "hedges": re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, data["hedges"]["words"])), re.I)}


@functools.cache
def _described() -> tuple[re.Pattern, re.Pattern]:
    d = load_toml("lang/en/agency.toml")["described"]
    return re.compile("|".join(d["before"]), re.I), re.compile("|".join(d["after"]), re.I)


def describes(sentence: str, start: int, end: int) -> bool:
    """Is the group named at sentence[start:end] only to describe another ("a group linked to al-Qaida",
    "ISIS-linked rebels")?"""
    before, after = _described()
    return bool(before.search(sentence[max(0, start - 40):start]) or after.match(sentence[end:end + 15]))


def only_describes(sentence: str, name: str, end: int) -> bool:
    """Is a one-word name the alias table lacks only a word describing an unnamed group: a lower-case group
    noun follows it ("an Islamist group claimed", "Kurdish militants attacked")?  A name of its own carries
    such a noun capitalised ("the Wagner Group")."""
    return " " not in name.strip() and _cues()["describing"].match(sentence, end) is not None


def _is_state_body(name: str) -> bool:
    """"the Pakistan Army", "Nigerian security forces": named after a country, a state's."""
    gz = gazetteer()
    words = fold(name).split()
    return any(w in gz.adjectives or w in gz.countries for w in words) or \
        any(" ".join(words[i:i + 2]) in gz.countries for i in range(len(words) - 1))


def _unlisted_group(text: str, head_word: str) -> bool:
    """A name the alias table lacks is a group when its phrase has a militant's word and no state's."""
    cues = _cues()
    words = set(fold(text).split()) | {head_word.lower()}
    return bool(words & cues["heads"]) and not cues["not_groups"].search(text) and not _is_state_body(text)


def _phrase_head(tok):
    """From a name's last token up to the noun its phrase stands for: "Boko Haram militants" -> militants,
    "rebels of the ADF" -> rebels, "members of the Shining Path" -> members; the same token otherwise."""
    while True:
        if tok.dep_ in ("compound", "amod", "nmod", "poss", "nummod", "appos") and tok.head is not tok:
            tok = tok.head
        elif tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
            tok = tok.head.head
        elif tok.dep_ == "conj" and tok.head.pos_ in ("NOUN", "PROPN"):
            tok = tok.head
        else:
            return tok


def _is_doer(head) -> bool:
    """Does the phrase whose head is `head` carry out an attack in its sentence?"""
    cues = _cues()
    if lemma(head) in cues["nouns"]:
        return True  # "Maoist blast", "the ADF attack"
    if head.dep_ == "nsubj" and lemma(head.head) in cues["verbs"]:
        return True  # "X Front rebels killed ..."
    if head.dep_ == "pobj" and head.head.lower_ == "by":
        by = head.head
        if by.dep_ == "agent" or by.head.tag_ == "VBN" and lemma(by.head) in cues["verbs"]:
            return True  # "killed by members of the Shining Path", "set off by the CPI (Maoist)"
        if lemma(by.head) in cues["nouns"]:
            return True  # "an attack by suspected Boko Haram insurgents"
    if head.dep_ == "nsubj" and lemma(head.head) in ("be",) and any(
            c.dep_ == "attr" and lemma(c) in ("perpetrator", "attacker", "assailant") for c in head.head.children):
        return True
    return False


def _claims(head) -> bool:
    """Does the phrase whose head is `head` claim the attack, in the sentence's grammar?  The active subject
    of "claim" whose object is an attack or responsibility, however that object is qualified ("Jund
    al-Khilafah had claimed the Atyrau bombings"), or the agent of a claim ("an unverified claim by the
    New IRA"); never under a negation ("X did not claim the attack")."""
    cues = _cues()
    verb = head.head
    if head.dep_ == "nsubj" and lemma(verb) in cues["claim_verbs"]:
        objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
        return any(lemma(o) in cues["nouns"] | cues["claimed"] for o in objects) and \
            not any(c.dep_ == "neg" for c in verb.children)
    if head.dep_ == "nsubj" and lemma(verb) in cues["speech_verbs"]:
        # "X said its fighters had bombed the pipeline": the group says it did the attack
        for done in (c for c in verb.children if c.dep_ == "ccomp" and lemma(c) in cues["verbs"]):
            subjects = [c for c in done.children if c.dep_ == "nsubj"]
            if any(c.dep_ == "neg" for c in done.children) or not subjects:
                continue
            if subjects[0].lower_ in cues["own_subjects"] or any(
                    c.dep_ == "poss" and c.lower_ in cues["own_possessives"] for c in subjects[0].children):
                return True
    if head.pos_ == "NOUN" and lemma(head) in cues["claim_nouns"]:
        # the name qualifies a claim: "a purported Revolutionary Front claim over the shooting", "the group's claim"
        return not any(c.dep_ == "neg" or c.lower_ in ("no", "any") for c in head.children)
    claim = head.head.head
    if head.dep_ == "pobj" and head.head.lower_ == "by" and claim.pos_ == "NOUN" and lemma(claim) in cues["claim_nouns"]:
        # the noun only: "earlier attacks claimed by X" is a participle, of other attacks
        return not any(c.dep_ == "neg" or c.lower_ in ("no", "any") for c in claim.children)
    return False


_AUX = {"have", "has", "had", "reportedly", "allegedly", "also", "then", "later", "again", "on", "late", "early"}


def _verb_follows(span, end: int) -> bool:
    """The surface order, where the parse goes wrong: the name (and its head word) right before an active
    attack verb, "X Front rebels killed", "the group had stormed"."""
    cues = _cues()
    after = [t for t in span if t.idx >= end]
    i = 0
    while i < len(after) and after[i].lower_ in cues["heads"] | {")", "("} | {"'s", "’s"}:
        i += 1
    while i < len(after) and after[i].lower_ in _AUX:
        i += 1
    if i >= len(after):
        return False
    v = after[i]
    return lemma(v) in cues["verbs"] and (v.tag_ in ("VBD", "VBZ", "VBP") or
                                                  (v.tag_ == "VBN" and i > 0 and after[i - 1].lower_ in ("have", "has", "had")))


def candidates(sentence: str, names: list[tuple[int, int, str]], taken: list[tuple[int, int]] = ()) \
        -> list[tuple[int, int, str, bool]]:
    """The names in a sentence that `doers` must parse it to judge, as (start, end, name, unlisted): the
    known groups, and organisations with a militant's word in or right after their name."""
    if is_cumulative(sentence):
        return []  # "Boko Haram has killed more than 15,000 people since 2009": a record, not this attack
    known = [(g.start, g.end, g.group, False) for g in find_groups(sentence)]
    others = [(a, b, re.sub(r"^(?:the|a|an)\s+", "", t.strip(" ,.\"'“”‘’"), flags=re.I), True) for a, b, t in names
              if not any(x < b and a < y for x, y, _, _ in known)]
    heads = _cues()["heads"]
    others = [(a, b, n, u) for a, b, n, u in others
              if (set(fold(n).split()) | set(fold(sentence[b:b + 20]).split()[:1])) & heads]
    # the doer stands close to its attack word ("Boko Haram fighters stormed", "set off by the CPI (Maoist)"):
    # a name further from every attack word is not worth a parse
    words = [(m.start(), m.end()) for key in ("strong", "weak") for m in pattern("triggers", key).finditer(sentence)]
    words += [(m.start(), m.end()) for m in _claim_words().finditer(sentence)]
    return [c for c in known + others if not any(x < c[1] and c[0] < y for x, y in taken)
            and any(a - NEAR <= c[1] and c[0] <= b + NEAR for a, b in words)
            and not describes(sentence, c[0], c[1])]


@functools.cache
def _claim_words() -> re.Pattern:
    """The claim verbs and nouns of agency.toml [claims], in any form ("claimed", "claims")."""
    words = _cues()["claim_verbs"] | _cues()["claim_nouns"]
    return re.compile(r"\b(?:%s)\w*" % "|".join(map(re.escape, sorted(words))), re.I)


def speaks_of_claims(sentence: str) -> bool:
    """Does the sentence use a claim word ("a claim by the New IRA"), so that `doers` must read it even
    without an attack word?"""
    return _claim_words().search(sentence) is not None


NEAR = 60  # characters between a doer's name and its attack word, at most


def doers(sentence: str, offset: int, article_id: str, names: list[tuple[int, int, str]],
          taken: list[tuple[int, int]] = (), span=None) -> list[Claim]:
    """Groups the sentence names as doing the attack, as `attributed` statements (offsets into the article).
    `names` are the organisations and nationalities the recogniser found in the sentence (offsets into it);
    known groups are found by the alias table.  `taken` are spans a responsibility statement already covers."""
    cands = candidates(sentence, names, taken)
    if not cands:
        return []
    span = span if span is not None else parse_sentence(sentence)
    out: list[Claim] = []
    for a, b, name, unlisted in cands:
        toks = [t for t in span if a <= t.idx < b]
        if not toks:
            continue
        root = next((t for t in toks if not (a <= t.head.idx < b) or t.head is t), toks[-1])
        head = _phrase_head(root)
        claimed = _claims(head)
        if not (claimed or _is_doer(head) or _verb_follows(span, b)):
            continue
        if unlisted and (len(name) < 3 or not _unlisted_group(name, head.text) or only_describes(sentence, name, b)):
            continue
        phrase_start = min([t.idx for t in head.subtree] + [a])
        hedge = _cues()["hedges"].search(sentence[max(0, phrase_start - 40):b + 30])
        if any(c.actor == name for c in out):
            continue
        out.append(Claim(actor=name, status="claimed" if claimed else "attributed",
                         hedge=None if claimed else hedge.group(0) if hedge else None,
                         unlisted=unlisted, evidence=Evidence("claims", article_id, offset + a, offset + b, sentence)))
    return out
