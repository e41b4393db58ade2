"""XTREME accuracy (0-100) over stripped labels: XNLI, PAWS-X, XCOPA, Tatoeba."""

import datasets
import evaluate

from xfer_analysis.metrics.scores import accuracy


class XtremeAccuracy(evaluate.Metric):
    """Share of predictions equal to the reference after stripping, as the XTREME scorer."""

    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=__doc__,
            citation="Hu et al. 2020, XTREME (arXiv 2003.11080)",
            inputs_description="predictions, references: lists of label strings",
            features=datasets.Features(
                {"predictions": datasets.Value("string"), "references": datasets.Value("string")}
            ),
        )

    def _compute(self, predictions, references):
        return accuracy(list(references), list(predictions))
