"""Scaling: score, gain and robustness of transfer (worst language, spread across languages
and seeds, English-vs-rest gap) against model size, per model family."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xfer_analysis.analysis.frame import (
    current_rows,
    key_text,
    languages_or_average,
    unique_tuple,
)
from xfer_analysis.analysis.gains import paired_gains, score_rows
from xfer_analysis.analysis.lookup import model_info
from xfer_analysis.analysis.scores import with_task_scores
from xfer_analysis.analysis.uncertainty import ONLY_AVERAGE
from xfer_analysis.tasks import base_models

PARAMS_UNKNOWN = "parameter count unknown (no source gives it)"
SYSTEM = ["base_model", "intermediate", "intermediate_examples", "intermediate_data", "setting",
          "source"]


def _size_order() -> dict[str, int]:
    """Ordinal of each model within its family, in the registry's (small-to-large) order."""
    seen: dict[str, int] = {}
    order = {}
    for model in base_models():
        seen[model.family] = seen.get(model.family, 0) + 1
        order[model.name] = seen[model.family]
    return order


def _robustness(part: pd.DataFrame, english: str) -> dict[str, object]:
    """Language-averaged score and robustness figures of one system on one target."""
    langs, only_average = languages_or_average(part)
    if only_average:
        seed_means = part.groupby(key_text(part["seed"]))["value"].mean()
        return {"score": float(part["value"].mean()), "worst_language": None,
                "worst_score": np.nan, "language_spread": np.nan, "language_sd": np.nan,
                "english_gap": np.nan, "seed_sd": float(seed_means.std(ddof=1)),
                "n_languages": 0, "note": ONLY_AVERAGE}
    per_lang = langs.groupby("language")["value"].mean()
    per_seed = langs.groupby(key_text(langs["seed"]))["value"].mean()
    rest = per_lang.drop(english, errors="ignore")
    gap = (float(per_lang[english] - rest.mean()) if english in per_lang.index and len(rest)
           else np.nan)
    return {"score": float(per_lang.mean()), "worst_language": str(per_lang.idxmin()),
            "worst_score": float(per_lang.min()),
            "language_spread": float(per_lang.max() - per_lang.min()),
            "language_sd": float(per_lang.std(ddof=1)) if len(per_lang) > 1 else np.nan,
            "english_gap": gap, "seed_sd": float(per_seed.std(ddof=1)),
            "n_languages": int(len(per_lang)), "note": None}


def scaling(
    df: pd.DataFrame,
    *,
    target_task: str,
    split: str = "test",
    metric: str | None = None,
    baseline: str = "none",
    baseline_setting: str | None = "zero-shot",
    english: str = "en",
) -> pd.DataFrame:
    """One row per (model, intermediate, setting, source) on one target: model family, params
    (column, else registry; NaN + note when unknown), log10 params, size order in the family,
    score on the task-score metric (or `metric`), worst-language score, spread, English gap,
    seed SD; `gain` over the `baseline` intermediate and `setting_gain` over `baseline_setting`
    for the same model. Sources are never averaged together."""
    sel = df[(df["target_task"].astype(str) == target_task) & (df["split"].astype(str) == split)]
    sel = score_rows(with_task_scores(sel), metric)
    sel = current_rows(sel)
    order = _size_order()
    rows = []
    for key, part in sel.groupby([key_text(sel[c]) for c in SYSTEM], sort=True):
        system = dict(zip(SYSTEM, key, strict=True))
        family, registry_params = model_info(system["base_model"])
        col = part["model_params"].dropna() if "model_params" in part.columns else pd.Series()
        params = float(col.iloc[0]) if len(col) else registry_params
        rob = _robustness(part, english)
        notes = [n for n in (rob.pop("note"), None if params else PARAMS_UNKNOWN) if n]
        rows.append({**system, "target_task": target_task, "metric": part["metric"].iloc[0],
                     "family": family, "params": params if params else np.nan,
                     "log10_params": np.log10(params) if params else np.nan,
                     "size_order": order.get(system["base_model"], np.nan), **rob,
                     "n_seeds": int(part["seed"].nunique()) or 1,
                     "rows": unique_tuple(part["run_id"].astype(str) + ":" + target_task),
                     "note": "; ".join(notes) or None})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["gain"] = _gain(sel, baseline)(out)
    out["setting_gain"] = _setting_gain(out, baseline_setting)
    return out


def _gain(sel: pd.DataFrame, baseline: str):
    """Language-averaged paired gain over the baseline intermediate, looked up per output row."""
    has_base = (sel["intermediate"].astype(str) == baseline).any()
    gains = paired_gains(sel, baseline) if has_base else pd.DataFrame()

    def lookup(out: pd.DataFrame) -> pd.Series:
        if gains.empty:
            return pd.Series(np.nan, index=out.index)
        per = gains.groupby([key_text(gains[c]) for c in SYSTEM] + ["language"])["gain"].mean()
        per = per.groupby(level=list(range(len(SYSTEM)))).mean()
        keys = list(zip(*(key_text(out[c]) for c in SYSTEM), strict=True))
        return pd.Series([per.get(k, np.nan) for k in keys], index=out.index)

    return lookup


def _setting_gain(out: pd.DataFrame, baseline_setting: str | None) -> pd.Series:
    """Score minus the same model/intermediate/source score in `baseline_setting` (NaN if none)."""
    if baseline_setting is None:
        return pd.Series(np.nan, index=out.index)
    keys = ["base_model", "intermediate", "intermediate_examples", "intermediate_data", "source"]
    base = out[out["setting"] == baseline_setting].set_index(keys)["score"]
    idx = list(zip(*(out[c] for c in keys), strict=True))
    return pd.Series([out["score"].iloc[i] - base.get(k, np.nan) for i, k in enumerate(idx)],
                     index=out.index)


def scaling_trend(table: pd.DataFrame, y: str = "score", x: str = "log10_params") -> pd.DataFrame:
    """Least-squares slope of `y` per unit of `x` (a decade of parameters, or one step of
    `size_order`), per family, setting, intermediate and source; NaN with a note when fewer
    than two sizes have a known x."""
    rows = []
    for key, part in table.groupby(["family", "setting", "intermediate", "source"], sort=True):
        known = part.dropna(subset=[x, y])
        slope, note = np.nan, None
        if known[x].nunique() >= 2:
            slope = float(np.polyfit(known[x].astype(float), known[y].astype(float), 1)[0])
        else:
            note = PARAMS_UNKNOWN if part[x].isna().any() else "fewer than 2 sizes"
        rows.append({"family": key[0], "setting": key[1], "intermediate": key[2],
                     "source": key[3], "x": x, "y": y, "slope": slope,
                     "n_sizes": int(len(known)), "note": note})
    return pd.DataFrame(rows)
