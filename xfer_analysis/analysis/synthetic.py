"""A synthetic results grid with effects chosen by the caller, for testing that analyses
and claim checks recover what was built in (never a stand-in for real results)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from xfer_analysis.analysis.frame import REQUIRED_COLUMNS

SYNTHETIC_SOURCE = "synthetic"


def synthetic_grid(
    effects: Mapping[str, float | Mapping[str, float]],
    targets: Mapping[str, Sequence[str]],
    *,
    metrics: Mapping[str, Sequence[str]] | None = None,
    seeds: Sequence[int] = (1,),
    base_model: str = "xlm-roberta-large",
    splits: Sequence[str] = ("dev",),
    baseline: str = "none",
    setting: str = "zero-shot",
    noise: float = 0.0,
    rng_seed: int = 0,
) -> pd.DataFrame:
    """Results rows for `baseline` plus each intermediate in `effects` on every target
    (target -> languages), metric, split and seed. A baseline score is drawn per
    (target, language, split, metric, seed) in [40, 60]; a treatment adds its effect (one number
    for every target, or a target -> effect map; unlisted targets get 0) plus optional
    Gaussian noise. Metrics default to `accuracy`."""
    rng = np.random.default_rng(rng_seed)
    rows = []
    for target, languages in targets.items():
        for metric in (metrics or {}).get(target, ("accuracy",)):
            for split in splits:
                for seed in seeds:
                    for lang in languages:
                        base = float(rng.uniform(40.0, 60.0))
                        for name in (baseline, *effects):
                            effect = 0.0
                            if name != baseline:
                                spec = effects[name]
                                effect = (spec.get(target, 0.0) if isinstance(spec, Mapping)
                                          else float(spec))
                            jitter = float(rng.normal(0.0, noise)) if noise else 0.0
                            rows.append({
                                "run_id": f"{SYNTHETIC_SOURCE}:{name}:{target}:{split}:{seed}",
                                "source": SYNTHETIC_SOURCE,
                                "base_model": base_model,
                                "model_params": np.nan,
                                "intermediate": name,
                                "intermediate_examples": pd.NA,
                                "intermediate_data": "english",
                                "setting": setting,
                                "target_task": target,
                                "language": lang,
                                "split": split,
                                "metric": metric,
                                "value": base + effect + jitter,
                                "seed": seed,
                                "confidence": "read directly",
                                "note": "synthetic",
                            })
    frame = pd.DataFrame(rows, columns=[*REQUIRED_COLUMNS, "model_params", "confidence", "note"])
    frame["intermediate_examples"] = frame["intermediate_examples"].astype("Int64")
    frame["seed"] = frame["seed"].astype("Int64")
    return frame


def simulated_gains(
    effect: float,
    n_seeds: int,
    *,
    n_targets: int = 1,
    n_languages: int = 8,
    sd_stage1: float = 0.0,
    sd_run: float = 1.0,
    sd_language: float = 1.0,
    sd_language_effect: float = 0.0,
    tails: str = "normal",
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Paired gains of one treatment cell drawn from a model of STILTs runs, for calibration:
    gain[s, t, l] = effect + a[t, l] + u[s] + v[s, t] + e[s, t, l], where u is the stage-1
    (intermediate-training) seed effect shared by every target and language of run s, v the
    target-training run effect (treatment minus baseline), e language-level evaluation noise,
    and a fixed per-language deviations of the true gain (centred, so the cell's true mean gain
    is `effect`). `tails="t3"` draws u, v and e from Student t with 3 degrees of freedom
    (scaled to the same sd) instead of normal."""

    def draw(sd: float, size: tuple[int, ...]) -> np.ndarray:
        if sd == 0:
            return np.zeros(size)
        if tails == "t3":
            return sd * rng.standard_t(3, size) / np.sqrt(3.0)
        return rng.normal(0.0, sd, size)

    a = rng.normal(0.0, sd_language_effect, (n_targets, n_languages)) if sd_language_effect \
        else np.zeros((n_targets, n_languages))
    a -= a.mean(axis=1, keepdims=True)
    gain = (effect + a[None] + draw(sd_stage1, (n_seeds, 1, 1))
            + draw(sd_run, (n_seeds, n_targets, 1))
            + draw(sd_language, (n_seeds, n_targets, n_languages)))
    s, t, lang = np.meshgrid(np.arange(n_seeds), np.arange(n_targets), np.arange(n_languages),
                             indexing="ij")
    return pd.DataFrame({
        "intermediate": "simulated", "target_task": [f"t{i}" for i in t.ravel()],
        "language": [f"l{i}" for i in lang.ravel()], "metric": "accuracy",
        "seed": s.ravel(), "gain": gain.ravel(),
    })
