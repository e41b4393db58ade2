"""Diminishing-returns fits of gain against a budget (number of tasks, training examples):
log, power law, saturating exponential and hinge, chosen by AICc, with bootstrap intervals."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from xfer_analysis.errors import InputError

Model = Callable[[np.ndarray, np.ndarray], np.ndarray]
QUANTITIES = ("gain_per_doubling", "marginal_gain", "asymptote", "x90")


def _log(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    return p[0] + p[1] * np.log(x)


def _power(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    return p[0] * np.power(x, p[1])


def _saturating(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    return p[0] - p[1] * np.exp(-p[2] * x)


def _hinge(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    return p[0] + p[1] * np.minimum(x, p[2])


MODELS: dict[str, Model] = {"log": _log, "power": _power, "saturating": _saturating,
                            "hinge": _hinge}
N_PARAMS = {"log": 2, "power": 2, "saturating": 3, "hinge": 3}
MIN_BUDGETS = max(N_PARAMS.values()) + 3
"""Fewest distinct budgets at which every model's AICc is finite (parameters + variance + 2):
with fewer, no model choice between all four shapes exists (a plateau cannot be told from
a log curve)."""


def _fit_log(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    design = np.column_stack([np.ones_like(x), np.log(x)])
    return np.linalg.lstsq(design, y, rcond=None)[0]


def _fit_hinge(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares over the knot: exact linear fit for every candidate knot between points."""
    xs = np.unique(x)
    knots = np.unique(np.concatenate([xs, (xs[1:] + xs[:-1]) / 2]))
    best, best_rss = None, np.inf
    for h in knots[1:]:
        design = np.column_stack([np.ones_like(x), np.minimum(x, h)])
        coef = np.linalg.lstsq(design, y, rcond=None)[0]
        rss = float(np.sum((design @ coef - y) ** 2))
        if rss < best_rss - 1e-12:
            best, best_rss = np.array([coef[0], coef[1], h]), rss
    return best


def _fit_nonlinear(name: str, x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """curve_fit from a data-driven start; None when it does not converge."""
    model = MODELS[name]
    if name == "power":
        start = [float(np.mean(y)) or 1.0, 0.5]
    else:
        span = float(np.max(y) - np.min(y)) or 1.0
        start = [float(np.max(y)), span, 1.0 / float(np.median(x))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            params, _ = optimize.curve_fit(lambda xx, *p: model(xx, np.array(p)), x, y,
                                           p0=start, maxfev=5000)
        except (RuntimeError, ValueError, optimize.OptimizeWarning):
            return None
    return params if np.all(np.isfinite(params)) else None


def fit_model(name: str, x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """Least-squares parameters of one model (None when it cannot be fitted)."""
    if name == "log":
        return _fit_log(x, y)
    if name == "hinge":
        return _fit_hinge(x, y) if len(np.unique(x)) >= 3 else None
    return _fit_nonlinear(name, x, y)


def aicc(rss: float, n: int, n_params: int) -> float:
    """Small-sample AIC for Gaussian errors; the variance counts as a parameter."""
    k = n_params + 1
    if n - k - 1 <= 0:
        return np.inf
    return n * np.log(max(rss, 1e-300) / n) + 2 * k + 2 * k * (k + 1) / (n - k - 1)


def quantities(name: str, params: np.ndarray, x_ref: float, step: float = 1.0) -> dict[str, float]:
    """Gain per doubling and marginal gain of the next `step` at `x_ref`, the asymptote (NaN if
    unbounded) and the x where the curve reaches 90% of a positive asymptote."""
    f = MODELS[name]
    at = f(np.array([x_ref, 2 * x_ref, x_ref + step]), params)
    asymptote, x90 = np.nan, np.nan
    if name == "saturating" and params[2] > 0:
        asymptote = params[0]
        if params[0] > 0 and params[1] > 0:
            x90 = max(0.0, float(np.log(params[1] / (0.1 * params[0])) / params[2]))
    elif name == "hinge":
        asymptote = params[0] + params[1] * params[2]
        if asymptote > 0 and params[1] > 0:
            x90 = float(np.clip((0.9 * asymptote - params[0]) / params[1], 0.0, params[2]))
    elif name == "power" and params[1] < 0:
        asymptote = 0.0
    return {"gain_per_doubling": float(at[1] - at[0]), "marginal_gain": float(at[2] - at[0]),
            "asymptote": float(asymptote), "x90": float(x90)}


@dataclass(frozen=True)
class CurveFits:
    """Every model's fit, the AICc choice, and bootstrap parameter draws of the chosen model."""

    x: np.ndarray
    y: np.ndarray
    table: pd.DataFrame
    chosen: str
    params: dict[str, np.ndarray]
    boot_params: np.ndarray

    def predict(self, x: Sequence[float] | np.ndarray, model: str | None = None) -> np.ndarray:
        """Fitted values of `model` (default: the AICc choice) at `x`."""
        name = model or self.chosen
        return MODELS[name](np.asarray(x, dtype=float), self.params[name])

    def predict_interval(self, x: Sequence[float] | np.ndarray,
                         level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise bootstrap band of the chosen model at `x` (NaN without draws)."""
        xs = np.asarray(x, dtype=float)
        if len(self.boot_params) == 0:
            return np.full(xs.shape, np.nan), np.full(xs.shape, np.nan)
        draws = np.array([MODELS[self.chosen](xs, p) for p in self.boot_params])
        alpha = (1 - level) / 2
        return tuple(np.nanquantile(draws, [alpha, 1 - alpha], axis=0))

    def curve_frame(self, n_points: int = 50, level: float = 0.95) -> pd.DataFrame:
        """The chosen fit on a log-spaced grid over the observed x range, with its band."""
        grid = np.geomspace(self.x.min(), self.x.max(), n_points)
        low, high = self.predict_interval(grid, level)
        return pd.DataFrame({"x": grid, "fitted": self.predict(grid), "ci_low": low,
                             "ci_high": high, "model": self.chosen})


def fit_curves(
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    *,
    models: Sequence[str] = tuple(MODELS),
    step: float = 1.0,
    n_boot: int = 200,
    level: float = 0.95,
    rng_seed: int = 0,
) -> CurveFits:
    """Fit each model to (x > 0, y), choose the lowest AICc, and report `quantities` at the
    largest x for every model, with percentile bootstrap intervals (resampling points) for
    the chosen one."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise InputError("x and y must be equal-length vectors", field="x")
    ok = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[ok], ys[ok]
    if np.any(xs <= 0):
        raise InputError("budgets (x) must be positive for log and power-law fits", field="x")
    if len(np.unique(xs)) < 2:
        raise InputError("need at least two distinct budgets to fit a curve", field="x")
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise InputError(f"unknown model(s) {unknown}; known: {sorted(MODELS)}", field="models")
    x_ref = float(xs.max())
    rows, params = [], {}
    for name in models:
        p = fit_model(name, xs, ys)
        if p is None:
            continue
        params[name] = p
        rss = float(np.sum((MODELS[name](xs, p) - ys) ** 2))
        rows.append({"model": name, "n_params": N_PARAMS[name], "rss": rss,
                     "aicc": aicc(rss, len(xs), N_PARAMS[name]),
                     **quantities(name, p, x_ref, step)})
    if not rows:
        raise InputError("no model could be fitted to these points", field="y")
    table = pd.DataFrame(rows)
    finite = table[np.isfinite(table["aicc"])]
    chosen = str((finite if len(finite) else table).sort_values(["aicc", "n_params"])
                 .iloc[0]["model"])
    table["delta_aicc"] = table["aicc"] - table.loc[table["model"] == chosen, "aicc"].item()
    table["chosen"] = table["model"] == chosen
    rng = np.random.default_rng(rng_seed)
    draws = []
    for _ in range(n_boot):
        idx = rng.integers(0, len(xs), len(xs))
        if len(np.unique(xs[idx])) < 2:
            continue
        p = fit_model(chosen, xs[idx], ys[idx])
        if p is not None:
            draws.append(p)
    boot = np.array(draws)
    alpha = (1 - level) / 2
    for q in QUANTITIES:
        vals = np.array([quantities(chosen, p, x_ref, step)[q] for p in boot]) if len(boot) \
            else np.array([np.nan])
        finite_vals = vals[np.isfinite(vals)]
        low, high = (np.quantile(finite_vals, [alpha, 1 - alpha]) if len(finite_vals)
                     else (np.nan, np.nan))
        table[f"{q}_low"] = np.where(table["chosen"], low, np.nan)
        table[f"{q}_high"] = np.where(table["chosen"], high, np.nan)
    return CurveFits(xs, ys, table, chosen, params, boot)


def compare_at_budget(
    tasks_fit: CurveFits,
    examples_fit: CurveFits,
    budgets: Sequence[float] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Gain of the task-count axis vs the example-count axis at the same total examples, both
    fitted on total examples; default budgets are the task points inside the range covered by
    the examples axis (no extrapolation). Interval from independent bootstrap draws."""
    if budgets is None:
        lo, hi = examples_fit.x.min(), examples_fit.x.max()
        budgets = sorted({float(b) for b in tasks_fit.x if lo <= b <= hi})
    b = np.asarray(budgets, dtype=float)
    out = pd.DataFrame({"budget": b, "gain_tasks": tasks_fit.predict(b),
                        "gain_examples": examples_fit.predict(b)})
    out["difference"] = out["gain_tasks"] - out["gain_examples"]
    n = min(len(tasks_fit.boot_params), len(examples_fit.boot_params))
    alpha = (1 - level) / 2
    if n and len(b):
        diffs = np.array([MODELS[tasks_fit.chosen](b, tasks_fit.boot_params[i])
                          - MODELS[examples_fit.chosen](b, examples_fit.boot_params[i])
                          for i in range(n)])
        low, high = np.nanquantile(diffs, [alpha, 1 - alpha], axis=0)
    else:
        low = high = np.full(len(b), np.nan)
    out["difference_low"], out["difference_high"] = low, high
    out["tasks_model"], out["examples_model"] = tasks_fit.chosen, examples_fit.chosen
    return out
