"""Synthetic filled dev grids with built-in effects, in the results-table schema."""

from __future__ import annotations

import itertools

import pandas as pd

from xfer_analysis import tasks

MODEL = "xlm-roberta-large"
N_LANGS = 3


def _row(run_id: str, intermediate: str, target: str, lang: str, split: str, metric: str,
         value: float, seed: int, data: str = "english", source: str = "synthetic") -> dict:
    return {
        "run_id": run_id, "source": source, "base_model": MODEL, "model_params": float("nan"),
        "intermediate": intermediate, "intermediate_examples": pd.NA, "intermediate_data": data,
        "setting": "zero-shot", "target_task": target, "language": lang, "split": split,
        "metric": metric, "value": value, "seed": seed, "confidence": "read directly",
        "note": "",
    }


def grid(effects: dict[str, float], *, seeds: tuple[int, ...] = (0, 1),
         per_target: dict[tuple[str, str], float] | None = None, split: str = "dev",
         data: str = "english", baseline: bool = True) -> pd.DataFrame:
    """Baseline plus each intermediate in `effects` (constant gain on every target, language
    and seed; `per_target[(intermediate, target)]` overrides), on the XTREME targets."""
    per_target = per_target or {}
    rows = []
    names = (["none"] if baseline else []) + list(effects)
    for name, target, seed in itertools.product(names, tasks.targets("xtreme"), seeds):
        gain = 0.0 if name == "none" else per_target.get((name, target.name), effects[name])
        run = f"{name}-{target.name}-{seed}-{data}"
        metrics = ("exact_match", "f1") if target.score_metric == "em_f1_mean" else (
            target.score_metric,)
        for i, lang in enumerate(target.languages_for("xtreme")[:N_LANGS]):
            for j, metric in enumerate(metrics):
                base = 40.0 + 5 * i + 3 * j + seed
                rows.append(_row(run, name, target.name, lang, split, metric, base + gain, seed,
                                 data if name != "none" else "english"))
    df = pd.DataFrame(rows)
    df["intermediate_examples"] = df["intermediate_examples"].astype("Int64")
    df["seed"] = df["seed"].astype("Int64")
    return df


def paper_grid(**overrides: float) -> pd.DataFrame:
    """Baseline, the nine tasks and the nine-task mixture; every gain 1.0 unless overridden."""
    effects = {t: 1.0 for t in (*tasks.PAPER_TASKS, tasks.MULTITASK_ALL)}
    effects.update({tasks.canonical_intermediate(k): v for k, v in overrides.items()})
    return grid(effects)
