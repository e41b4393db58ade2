"""XTREME QA exact match and F1 (0-100): SQuAD v1.1 rules, or MLQA rules for a language."""

import datasets
import evaluate

from xfer_analysis.metrics.qa import qa_scores


class XtremeQa(evaluate.Metric):
    """Pass language='xx' for MLQA normalisation (context language); None = SQuAD v1.1."""

    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=__doc__,
            citation="Rajpurkar et al. 2016 (SQuAD); Lewis et al. 2020 (MLQA)",
            inputs_description="predictions: answer strings; references: lists of gold answers",
            features=datasets.Features({
                "predictions": datasets.Value("string"),
                "references": datasets.Sequence(datasets.Value("string")),
            }),
        )

    def _compute(self, predictions, references, language=None):
        gold = [(str(i), list(answers)) for i, answers in enumerate(references)]
        answered = {str(i): p for i, p in enumerate(predictions)}
        return qa_scores(gold, answered, language)
