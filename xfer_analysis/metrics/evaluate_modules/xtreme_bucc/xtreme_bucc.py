"""BUCC precision, recall and F1 (0-100) over sets of 'source-id<TAB>target-id' pairs."""

import datasets
import evaluate

from xfer_analysis.metrics.scores import pair_f1


class XtremeBucc(evaluate.Metric):
    """One example = one language's mined pairs and gold pairs; sets are kept per example."""

    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=__doc__,
            citation="Zweigenbaum et al. 2018 (BUCC); Hu et al. 2020 (XTREME)",
            inputs_description="predictions, references: per example a list of 'src\\ttrg' lines",
            features=datasets.Features({
                "predictions": datasets.Sequence(datasets.Value("string")),
                "references": datasets.Sequence(datasets.Value("string")),
            }),
        )

    def _compute(self, predictions, references):
        def pairs(examples):
            return [(str(i), *line.split("\t")) for i, lines in enumerate(examples)
                    for line in lines]
        return pair_f1(pairs(references), pairs(predictions))
