"""The view layer: every number a notebook, a dashboard page or the CLI shows is computed by
one function here (or by the research-question and claim analyses it re-exports), so the same
question never has two answers. Callers only load, call and show.
"""

from xfer_analysis.claims.on_model import claims_on_model
from xfer_analysis.questions import (
    QUESTIONS,
    Answer,
    benefit_by_size,
    claim_verdicts,
    diversity_vs_gain,
    language_scores,
    load_results,
    model_size_robustness,
    setting_gaps,
    system_gains,
    tasks_vs_data,
    translate_train_vs_intermediate,
    verdict_text,
)
from xfer_analysis.questions.budget import FULL, MIN_POINTS
from xfer_analysis.views.claims import (
    all_verdicts,
    claims_summary,
    decision_rules,
    evidence_table,
    rows_used,
)
from xfer_analysis.views.filters import (
    budget_label,
    budget_labels,
    column_values,
    filter_rows,
    model_rows,
    treatment_sources,
)
from xfer_analysis.views.heatmap import AVERAGE, TASK_SCORE, heatmap_matrix
from xfer_analysis.views.landing import Grid, best_real_grid
from xfer_analysis.views.languages import LANGUAGE_GROUPS, language_budgets, per_language_gains
from xfer_analysis.views.overview import benchmark_scores, published_aggregates
from xfer_analysis.views.returns import Fit, Returns, example_fit, returns, task_count_fit
from xfer_analysis.views.runs import evaluation_noise, run_cells, run_summary
from xfer_analysis.views.scaling import MEASURES, Scaling, scaling_trend, scaling_view

__all__ = [
    "AVERAGE",
    "FULL",
    "LANGUAGE_GROUPS",
    "MEASURES",
    "MIN_POINTS",
    "QUESTIONS",
    "TASK_SCORE",
    "Answer",
    "Fit",
    "Grid",
    "Returns",
    "Scaling",
    "all_verdicts",
    "benchmark_scores",
    "benefit_by_size",
    "best_real_grid",
    "budget_label",
    "budget_labels",
    "claim_verdicts",
    "claims_on_model",
    "claims_summary",
    "decision_rules",
    "column_values",
    "diversity_vs_gain",
    "evidence_table",
    "evaluation_noise",
    "example_fit",
    "filter_rows",
    "heatmap_matrix",
    "language_scores",
    "language_budgets",
    "load_results",
    "model_rows",
    "model_size_robustness",
    "per_language_gains",
    "published_aggregates",
    "returns",
    "run_cells",
    "run_summary",
    "rows_used",
    "scaling_trend",
    "scaling_view",
    "setting_gaps",
    "system_gains",
    "task_count_fit",
    "tasks_vs_data",
    "translate_train_vs_intermediate",
    "treatment_sources",
    "verdict_text",
]
