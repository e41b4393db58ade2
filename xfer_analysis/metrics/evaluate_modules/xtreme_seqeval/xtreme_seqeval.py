"""XTREME chunk F1/precision/recall (0-100) with seqeval-0.0.12 rules: UDPOS, PAN-X."""

import datasets
import evaluate

from xfer_analysis.metrics.tagging import tagging_scores


class XtremeSeqeval(evaluate.Metric):
    """Sentences joined with an 'O'; tag = first char, type = text after the last '-'."""

    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=__doc__,
            citation="Hu et al. 2020, XTREME (arXiv 2003.11080); seqeval 0.0.12",
            inputs_description="predictions, references: one list of labels per sentence",
            features=datasets.Features({
                "predictions": datasets.Sequence(datasets.Value("string")),
                "references": datasets.Sequence(datasets.Value("string")),
            }),
        )

    def _compute(self, predictions, references):
        return tagging_scores(list(references), list(predictions))
