"""Issue 10, finding 5: question (a) counts tasks (not the MLM objective), says "needs more
budgets" instead of "chosen by AICc" when a shape cannot be chosen, can see a plateau on the
shipped design, and the notebook and the dashboard compute it with one function."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import yaml

from xfer_analysis import questions, tasks, views
from xfer_analysis.analysis import task_count_points
from xfer_analysis.analysis.fits import MIN_BUDGETS

from .grids import SETS, capped, rq_a_grid


def test_mlm_objective_is_not_a_task():
    per_set = pd.DataFrame({"intermediate": ["anli", "anli+mlm", "anli+squad"],
                            "intermediate_examples": [pd.NA] * 3, "gain": [1.0, 1.2, 2.0]})
    assert task_count_points(per_set)["n_tasks"].tolist() == [1, 1, 2]
    mlm = capped({"mlm+squad@4000": 9.0})
    grid = pd.concat([rq_a_grid(), mlm[mlm["intermediate"] != "none"]], ignore_index=True)
    answer = questions.tasks_vs_data(grid, n_boot=10)
    assert "mlm+squad" not in set(answer.frames["points"]["intermediate"])
    assert any("MLM variant" in n for n in answer.notes)


def test_too_few_budgets_need_more_budgets_never_a_chosen_fit():
    for sizes in ((2000, 4000, 8000), (2000, 4000, 8000, 16000, 32000)):
        effects = {f"squad@{n}": math.log(n) for n in sizes}
        answer = questions.tasks_vs_data(capped(effects), n_boot=10)
        text = " ".join(answer.found)
        assert "chosen by AICc" not in text
        assert any(f"gain vs examples: needs more budgets ({len(sizes)} distinct, "
                   f"{MIN_BUDGETS} needed" in m for m in answer.missing)


def test_shipped_design_can_see_a_plateau(repo_root):
    """A saturating gain (90% reached at ~7000 examples) on the shipped budgets is chosen as a
    plateau, not as a log curve; the old 5-budget design could not choose at all."""
    config = yaml.safe_load((repo_root / "configs" / "rq_a_tasks_vs_size.yaml").read_text())
    sizes = [int(s) for s in config["sizes"]]
    sets = [tasks.canonical_intermediate(s) for s in config["intermediate_sets"]
            if s != "none"]
    assert len(sizes) >= MIN_BUDGETS
    assert len({len(s.split("+")) for s in sets}) >= MIN_BUDGETS
    rng = np.random.default_rng(4)
    effects = {f"squad@{n}": 6.0 - 5.0 * math.exp(-n / 3000) + rng.normal(0, 0.05)
               for n in sizes}
    answer = questions.tasks_vs_data(capped(effects), n_boot=10)
    fit = answer.frames["examples_fit"].set_index("model")
    chosen = fit.index[fit["chosen"]].item()
    assert chosen in ("saturating", "hinge"), fit[["aicc", "rss"]]
    assert np.isfinite(fit["aicc"]).all()


def test_notebook_and_dashboard_compute_question_a_with_one_function():
    grid = rq_a_grid(sets=SETS)
    notebook = views.tasks_vs_data(grid, benchmark="xtreme")
    page = views.returns(grid, base_model="xlm-roberta-large", split="dev")
    assert page.answer.found == notebook.found and page.answer.missing == notebook.missing
    pd.testing.assert_frame_equal(page.points, notebook.frames["points"])
