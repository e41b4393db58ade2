"""Analyses of the tidy results table: paired gains, uncertainty, transfer matrix, selection
curves, diminishing-returns fits, diversity and scaling. Pure pandas/numpy/scipy."""

from xfer_analysis.analysis.budgets import example_points, task_count_points
from xfer_analysis.analysis.diversity import diversity, diversity_table
from xfer_analysis.analysis.fits import CurveFits, compare_at_budget, fit_curves
from xfer_analysis.analysis.gains import (
    gains_by_intermediate,
    gains_by_language,
    gains_by_target,
    pair_keys,
    paired_gains,
    score_rows,
    source_options,
    task_rows,
    treatment_label,
)
from xfer_analysis.analysis.matrix import MATRIX_COLUMNS, transfer_matrix
from xfer_analysis.analysis.robustness import scaling, scaling_trend
from xfer_analysis.analysis.scores import aggregate_scores, with_task_scores
from xfer_analysis.analysis.selection import best_of_k_curve, selection_curve
from xfer_analysis.analysis.synthetic import synthetic_grid
from xfer_analysis.analysis.uncertainty import (
    EVALUATION_NOISE,
    ONE_RUN,
    ONLY_AVERAGE,
    ExampleInterval,
    Interval,
    PartialConjunction,
    RunUnits,
    Significance,
    benjamini_hochberg,
    example_interval,
    holm,
    languages_holding,
    partial_conjunction,
    permutation_test,
    run_interval,
    run_test,
    run_units,
    sign_test,
)

__all__ = [
    "EVALUATION_NOISE",
    "CurveFits",
    "ExampleInterval",
    "MATRIX_COLUMNS",
    "ONE_RUN",
    "ONLY_AVERAGE",
    "Interval",
    "PartialConjunction",
    "RunUnits",
    "Significance",
    "aggregate_scores",
    "benjamini_hochberg",
    "best_of_k_curve",
    "compare_at_budget",
    "diversity",
    "diversity_table",
    "example_interval",
    "example_points",
    "fit_curves",
    "gains_by_intermediate",
    "gains_by_language",
    "gains_by_target",
    "holm",
    "languages_holding",
    "pair_keys",
    "partial_conjunction",
    "paired_gains",
    "permutation_test",
    "run_interval",
    "run_test",
    "run_units",
    "scaling",
    "scaling_trend",
    "score_rows",
    "selection_curve",
    "sign_test",
    "source_options",
    "synthetic_grid",
    "task_count_points",
    "task_rows",
    "transfer_matrix",
    "treatment_label",
    "with_task_scores",
]
