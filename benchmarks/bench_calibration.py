"""Calibration of the intervals and tests by simulation (issue 10): false-positive rate at
alpha = 0.05 under a null effect and coverage of the 95% interval, for 1/2/3/5/10 seeds, in
three noise scenarios (`analysis.calibration.SCENARIOS`: run-level and language-level noise,
a stage-1 seed effect shared by every target and language of a run, heavy tails).

Methods: the package's run-level Student t interval and t-test (languages averaged within a
run), the exact sign-flip permutation over runs, and, for comparison, the method the package
used before (languages as independent units: sign-flip over seed-averaged languages and a
percentile bootstrap of seeds then languages).

    .venv/bin/python benchmarks/bench_calibration.py [--reps 2000] [--seeds 1 2 3 5 10]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from xfer_analysis.analysis.calibration import SCENARIOS, calibrate

NAIVE = "languages as units (before)"


def languages_as_units(gains: pd.DataFrame, n_boot: int = 400, n_flips: int = 2000,
                       rng_seed: int = 0) -> tuple[float, float, float]:
    """The pre-issue-10 statistics: sign-flip over the seed-averaged (target, language) units
    and a percentile bootstrap resampling seeds then languages (targets weigh equally)."""
    rng = np.random.default_rng(rng_seed)
    cube = gains.pivot_table(index="seed", columns=["target_task", "language"],
                             values="gain").to_numpy()
    units = cube.mean(axis=0)
    if len(units) < 2:
        return float("nan"), float("nan"), float("nan")
    signs = rng.choice((1.0, -1.0), size=(n_flips, len(units)))
    p = float((1 + np.sum(np.abs(signs @ units) >= abs(units.sum()) - 1e-12)) / (1 + n_flips))
    s_idx = rng.integers(0, cube.shape[0], size=(n_boot, cube.shape[0]))
    l_idx = rng.integers(0, cube.shape[1], size=(n_boot, cube.shape[1]))
    reps = np.take_along_axis(cube[s_idx].mean(axis=1), l_idx, axis=1).mean(axis=1)
    low, high = np.quantile(reps, [0.025, 0.975])
    return p, float(low), float(high)


def main() -> None:
    """Print one markdown table row per scenario and seed count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 5, 10])
    parser.add_argument("--effect", type=float, default=1.0,
                        help="true gain of the non-null simulations (coverage, power)")
    args = parser.parse_args()
    start = time.perf_counter()
    print("| scenario | seeds | interval shown | FPR t-test | FPR permutation | coverage "
          f"(null) | coverage (gain {args.effect:g}) | power t-test | FPR {NAIVE} | coverage "
          f"{NAIVE} |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for number, scenario in enumerate(SCENARIOS):
        for n_seeds in args.seeds:
            seed = 1000 * number + n_seeds
            null = calibrate(scenario, n_seeds, reps=args.reps, rng_seed=seed,
                             extra={NAIVE: languages_as_units})
            real = calibrate(scenario, n_seeds, effect=args.effect, reps=args.reps,
                             rng_seed=seed + 500)
            cells = [null["shown"], null["reject_t"], null["reject_permutation"],
                     null["coverage_t"], real["coverage_t"], real["reject_t"],
                     null[f"reject_{NAIVE}"], null[f"coverage_{NAIVE}"]]
            shown = ["-" if np.isnan(x) else f"{x:.3f}" for x in cells]
            print(f"| {scenario.name} | {n_seeds} | " + " | ".join(shown) + " |", flush=True)
    print(f"\n{args.reps} simulated cells per row; {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
