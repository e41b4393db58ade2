"""Mean average precision at k (0-100, default k=20): Mewsli-X and LAReQA in XTREME-R."""

import datasets
import evaluate

from xfer_analysis.metrics.scores import map_at_k


class XtremeMap(evaluate.Metric):
    """AP@k divides by min(#relevant, k); repeated predictions count once."""

    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=__doc__,
            citation="Ruder et al. 2021, XTREME-R (arXiv 2104.07412)",
            inputs_description="predictions: ranked id lists; references: relevant id lists",
            features=datasets.Features({
                "predictions": datasets.Sequence(datasets.Value("string")),
                "references": datasets.Sequence(datasets.Value("string")),
            }),
        )

    def _compute(self, predictions, references, k=20):
        relevant = {str(i): list(r) for i, r in enumerate(references)}
        ranked = {str(i): list(p) for i, p in enumerate(predictions)}
        return map_at_k(relevant, ranked, k)
