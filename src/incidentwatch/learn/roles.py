"""A trained role model: a span tagger for role fillers and a document classifier for the incident type.

Trained with spaCy from annotated documents (learn.annotations), on this machine's
CPU, from a blank English pipeline so that it learns the domain's casing and
vocabulary (MUC-4's wire copy is all lower case).  Saved as a spaCy pipeline
directory with a meta file; `RoleModel.load(path)` gives it back.
"""
from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import spacy
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from .annotations import NO_INCIDENT, ROLE_LABELS, Annotated

TYPES = (NO_INCIDENT, "attack", "bombing", "kidnapping", "arson", "robbery", "forced work stoppage")


@dataclass
class Prediction:
    spans: list[tuple]  # (start, end, label, text), and a score when an encoder tagged them
    type_scores: dict[str, float]

    @property
    def incident_type(self) -> str:
        return max(self.type_scores, key=self.type_scores.get)


def _blank(start_from: str | None = None, tagger: bool = True):
    """A pipeline to train: blank, or with its tagger sourced from an installed model's NER, whose
    learned word features (lower-case forms, affixes, shapes) give the new labels a head start.  Without
    `tagger`, only the type classifier (the role spans then come from an encoder)."""
    nlp = spacy.blank("en")
    if tagger:
        ner = nlp.add_pipe("ner", source=spacy.load(start_from)) if start_from else nlp.add_pipe("ner")
        for label in ROLE_LABELS.values():
            ner.add_label(label)
    textcat = nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
        "no_output_layer": False, "length": 262144}})
    for t in TYPES:
        textcat.add_label(t)
    return nlp


def _example(nlp, a: Annotated) -> Example:
    doc = nlp.make_doc(a.text)
    ents = []
    for s, e, label in a.spans:
        span = doc.char_span(s, e, label=label, alignment_mode="expand")
        if span is not None and all(span.end <= x.start or span.start >= x.end for x in ents):
            ents.append(span)
    cats = {t: float(t == a.doc_type) for t in TYPES}
    return Example.from_dict(doc, {"entities": [(x.start_char, x.end_char, x.label_) for x in ents], "cats": cats})


class RoleModel:
    """The span tagger and the type classifier; with an `encoder` (learn.encoder.EncoderTagger), the
    role spans come from the fine-tuned encoder instead of the spaCy tagger."""

    def __init__(self, nlp, meta: dict | None = None, encoder=None):
        self.nlp = nlp
        self.meta = meta or {}
        self.encoder = encoder

    @classmethod
    def load(cls, path: str | Path) -> "RoleModel":
        record = Path(path) / "incidentwatch.json"
        meta = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
        encoder = None
        if (Path(path) / "encoder" / "config.json").exists():
            from .encoder import EncoderTagger

            encoder = EncoderTagger.load(Path(path) / "encoder")
        return cls(spacy.load(path), meta, encoder)

    def save(self, path: str | Path, meta: dict) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.meta = meta
        self.nlp.to_disk(path)
        (path / "incidentwatch.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    @property
    def span_threshold(self) -> float:
        return float(self.meta.get("span_threshold", 0.5))

    def predict(self, texts: Iterable[str], batch_size: int = 32, span_threshold: float | None = None,
                none_threshold: float | None = None) -> list[Prediction]:
        """Role spans and type scores per text.  Given a `none_threshold`, the encoder (the slow part) reads
        only the texts the type classifier does not rule out: the others would give no template anyway."""
        texts = list(texts)
        out = []
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            out.append(Prediction([(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents], dict(doc.cats)))
        if self.encoder is not None:
            threshold = self.span_threshold if span_threshold is None else span_threshold
            todo = [i for i, p in enumerate(out)
                    if none_threshold is None or p.type_scores.get(NO_INCIDENT, 0.0) < none_threshold]
            for i, spans in zip(todo, self.encoder.spans([texts[i] for i in todo], threshold)):
                out[i].spans = spans
        return out


def train(train_docs: list[Annotated], dev_docs: list[Annotated] | None = None, epochs: int = 20,
          seed: int = 0, score: Callable[[RoleModel, list[Annotated]], float] | None = None,
          log: Callable[[str], None] = print, time_limit: float | None = None,
          start_from: str | None = None, encoder=None) -> tuple[RoleModel, dict]:
    """Train a role model; with dev documents and a score function, keep the epoch that scores best.  Given
    a trained `encoder` (learn.encoder), it tags the role spans and only the type classifier is trained."""
    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = _blank(start_from, tagger=encoder is None)
    examples = [_example(nlp, a) for a in train_docs]
    if start_from and encoder is None:
        optimizer = nlp.resume_training()
        nlp.get_pipe("textcat").initialize(lambda: examples, nlp=nlp)
    else:
        optimizer = nlp.initialize(lambda: examples)
    best_bytes, best_score, history = None, -1.0, []
    t0 = time.perf_counter()
    for epoch in range(1, epochs + 1):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=8):
            nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
        entry = {"epoch": epoch, "seconds": round(time.perf_counter() - t0, 1),
                 **{f"loss_{k}": round(float(v), 1) for k, v in losses.items()}}
        if dev_docs and score:
            with nlp.select_pipes(enable=nlp.pipe_names):
                s = score(RoleModel(nlp, encoder=encoder), dev_docs)
            entry["dev"] = round(s, 4)
            if s > best_score:
                best_score, best_bytes = s, nlp.to_bytes()
        history.append(entry)
        log(json.dumps(entry))
        if time_limit and time.perf_counter() - t0 > time_limit:
            log(f"stopping after epoch {epoch}: time limit of {time_limit:.0f}s reached")
            break
    if best_bytes is not None:
        nlp.from_bytes(best_bytes)
    return RoleModel(nlp, encoder=encoder), {"history": history, "best_dev": best_score, "seed": seed, "epochs": epochs,
                            "train_docs": len(train_docs)}
