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


def noisy_grid(effects: dict[str, float], rng, *, seeds: tuple[int, ...] = (1, 2, 3, 4, 5),
               per_target: dict[tuple[str, str], float] | None = None, sd_stage1: float = 0.5,
               sd_run: float = 0.5, sd_language: float = 1.0, n_langs: int = 4,
               source: str = "synthetic") -> pd.DataFrame:
    """Like `grid`, with the noise of real runs: a stage-1 seed effect shared by every target
    and language of one (intermediate, seed) run, a target-training effect per (treatment,
    target, seed) and language-level evaluation noise. The true gain of an intermediate on a
    target is its effect exactly (noise has mean 0 over runs)."""
    per_target = per_target or {}
    rows = []
    names = ["none", *effects]
    stage1 = {(n, s): rng.normal(0, sd_stage1) for n in effects for s in seeds}
    for name, target, seed in itertools.product(names, tasks.targets("xtreme"), seeds):
        gain = 0.0 if name == "none" else per_target.get((name, target.name), effects[name])
        run_effect = (stage1.get((name, seed), 0.0) + rng.normal(0, sd_run))
        run = f"{name}-{target.name}-{seed}"
        metrics = ("exact_match", "f1") if target.score_metric == "em_f1_mean" else (
            target.score_metric,)
        for i, lang in enumerate(target.languages_for("xtreme")[:n_langs]):
            noise = rng.normal(0, sd_language)
            for j, metric in enumerate(metrics):
                base = 40.0 + 5 * i + 3 * j
                rows.append(_row(run, name, target.name, lang, "dev", metric,
                                 base + gain + run_effect + noise, seed, source=source))
    df = pd.DataFrame(rows)
    df["intermediate_examples"] = df["intermediate_examples"].astype("Int64")
    df["seed"] = df["seed"].astype("Int64")
    return df
