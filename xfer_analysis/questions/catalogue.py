"""The research questions a-e of DESIGN.md as data: text, the analysis that answers them on the
loaded rows, and the runner configs that make the rows they need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from xfer_analysis.questions.answer import Answer
from xfer_analysis.questions.budget import CONFIGS as A_CONFIGS
from xfer_analysis.questions.budget import SELECTION_CONFIG, tasks_vs_data
from xfer_analysis.questions.diversity import CONFIG as B_CONFIG
from xfer_analysis.questions.diversity import diversity_vs_gain
from xfer_analysis.questions.scaling import (
    C_CONFIG,
    D_CONFIG,
    E_CONFIG,
    benefit_by_size,
    model_size_robustness,
    translate_train_vs_intermediate,
)


@dataclass(frozen=True)
class Question:
    """A research question: its text, its analysis and the runner configs it names."""

    id: str
    text: str
    configs: tuple[str, ...]
    answer: Callable[[pd.DataFrame], Answer]


QUESTIONS: dict[str, Question] = {
    q.id: q for q in (
        Question("a", "Number of diverse intermediate tasks vs training-data size of one strong "
                 "task, at a matched budget: diminishing returns? (XTREME and XTREME-R)",
                 (*A_CONFIGS.values(), SELECTION_CONFIG), tasks_vs_data),
        Question("b", "Semantic diversity of the intermediate-task set vs task-homogeneous sets",
                 (B_CONFIG,), diversity_vs_gain),
        Question("c", "Model size and task difficulty vs robustness of transfer (XNLI, MLQA): "
                 "gain, worst-language score, spread across languages and seeds",
                 (C_CONFIG,), model_size_robustness),
        Question("d", "Does the benefit of intermediate training shrink for large multilingual "
                 "models?", (D_CONFIG, C_CONFIG), benefit_by_size),
        Question("e", "English intermediate training vs multilingual fine-tuning "
                 "(translate-train) on XTREME-R NLI, mT5", (E_CONFIG,),
                 translate_train_vs_intermediate),
    )
}
