"""The paper's directional claims on another model's grid: known effects in, the same verdicts
out (single tasks, multi-task vs best single, retrieval), with run-level intervals."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from xfer_analysis import results, tasks
from xfer_analysis.claims.on_model import claims_on_model

MODEL = "multilingual-e5-small-q4-dequant"
EFFECTS = {  # (intermediate, target) -> true gain; noise is small, so signs are decidable
    ("vitaminc", "multiemo"): 3.0, ("social_iqa", "multiemo"): -3.0,
    ("social_iqa+vitaminc", "multiemo"): 6.0,
    ("vitaminc", "multiemo_retrieval"): 4.0, ("social_iqa", "multiemo_retrieval"): 0.0,
    ("social_iqa+vitaminc", "multiemo_retrieval"): -4.0,
}


def _grid(noise: float, seeds: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    langs = {"multiemo": ["en", "de", "ja"], "multiemo_retrieval": ["de", "ja"]}
    sets = ["none", "vitaminc", "social_iqa", "social_iqa+vitaminc"]
    for iset, target, seed in itertools.product(sets, langs, range(1, seeds + 1)):
        for lang in langs[target]:
            effect = 0.0 if iset == "none" else EFFECTS[(iset, target)]
            rows.append({"run_id": f"{iset}-{target}-{seed}", "source": "xfer-run:toy",
                         "base_model": MODEL, "intermediate": iset,
                         "intermediate_examples": None if iset == "none" else 400,
                         "setting": "zero-shot", "target_task": target, "language": lang,
                         "split": "test", "metric": "accuracy", "seed": seed,
                         "value": float(np.clip(50 + effect + rng.normal(0, noise), 0, 100)),
                         "confidence": "read directly"})
    return results.validate(pd.DataFrame(rows), origin="toy grid")


def test_known_effects_give_the_expected_verdicts():
    table = claims_on_model(_grid(0.3), base_model=MODEL, split="test", source="xfer-run:toy")
    status = {(r.claim, r.intermediate.split(" ")[0], r.target_task): r.status
              for r in table.itertuples()}
    assert status[("1", "vitaminc", "multiemo")] == "supported"
    assert status[("1", "social_iqa", "multiemo")] == "contradicted"
    assert status[("2", "social_iqa+vitaminc", "multiemo")] == "supported"  # 6 > 3, best single
    assert status[("3", "vitaminc", "multiemo_retrieval")] == "supported"
    assert status[("3", "social_iqa+vitaminc", "multiemo_retrieval")] == "contradicted"
    assert ("1", "social_iqa+vitaminc", "multiemo") not in status  # claim 1 is single tasks
    best = table[table["claim"] == "2"]["baseline"].tolist()
    assert best == ["vitaminc"]
    assert (table["ci_low"] <= table["gain"]).all() and (table["gain"] <= table["ci_high"]).all()


def test_noise_larger_than_the_effect_is_not_decided():
    table = claims_on_model(_grid(15.0, seeds=3), base_model=MODEL, split="test",
                            source="xfer-run:toy")
    decided = table["status"].isin(["supported", "contradicted"])
    assert decided.sum() <= 1, table[["claim", "intermediate", "gain", "ci_low", "ci_high"]]


def test_no_rows_of_that_source_give_an_empty_table():
    table = claims_on_model(_grid(0.3), base_model=MODEL, split="test", source="elsewhere")
    assert table.empty and tasks.NONE not in set(table.get("intermediate", []))
