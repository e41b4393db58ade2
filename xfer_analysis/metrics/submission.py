"""Score an XTREME / XTREME-R submission folder the way the official scorer does.

Layout: ``<dir>/<task>/test-<lang>.<ext>`` for predictions and labels alike. Each task's
scorer, language list, score metric and category come from ``xfer_analysis.tasks``. The result
has the official scorer's shape: ``{"overall": {...}, "detailed": {task: {metric: {lang: v},
"avg_<metric>": v, "avg_metric": v}}}``; an overall or category score appears only when every
task it covers was scored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from xfer_analysis import tasks
from xfer_analysis.errors import ScoringError
from xfer_analysis.metrics import readers
from xfer_analysis.metrics.qa import iter_questions, qa_scores
from xfer_analysis.metrics.scores import accuracy, map_at_k, pair_f1
from xfer_analysis.metrics.tagging import tagging_scores

ALL_TASKS_KEY = "all_task"
OFFICIAL_CATEGORY_KEYS = {"structured_prediction": "tagging"}
"""Category names whose key differs in the official scorer's JSON (its GROUP2TASK)."""
QA_SCORE_METRIC = "em_f1_mean"

Scorer = Callable[[Path, Path, str], dict[str, float]]


def _score_accuracy(pred: Path, gold: Path, language: str) -> dict[str, float]:
    """Accuracy over stripped lines; line-count mismatch names both files."""
    labels, predictions = readers.read_lines(gold), readers.read_lines(pred)
    if len(labels) != len(predictions):
        raise ScoringError(
            f"{len(predictions)} lines but the labels file {gold} has {len(labels)}",
            path=str(pred),
        )
    return accuracy(labels, predictions)


def _score_tagging(pred: Path, gold: Path, language: str) -> dict[str, float]:
    """Chunk F1 over sentences; sentence and token counts must match the labels."""
    labels, predictions = readers.read_tag_sentences(gold), readers.read_tag_sentences(pred)
    if len(labels) != len(predictions):
        raise ScoringError(
            f"{len(predictions)} sentences but the labels file {gold} has {len(labels)}",
            path=str(pred),
        )
    for number, (g, p) in enumerate(zip(labels, predictions, strict=True), start=1):
        if len(g) != len(p):
            raise ScoringError(
                f"sentence {number} has {len(p)} labels but {len(g)} in {gold}", path=str(pred)
            )
    return tagging_scores(labels, predictions)


def _score_pairs(pred: Path, gold: Path, language: str) -> dict[str, float]:
    """BUCC F1 over the sets of tab-separated id pairs."""
    def pairs(path: Path) -> list[tuple[str, ...]]:
        return [tuple(line.split("\t")) for line in readers.read_lines(path)]
    return pair_f1(pairs(gold), pairs(pred))


def _qa_scorer(mlqa_rules: bool) -> Scorer:
    """EM/F1 scorer with the SQuAD v1.1 rules, or MLQA rules of the file's language."""
    def score(pred: Path, gold: Path, language: str) -> dict[str, float]:
        predictions = readers.read_mapping(pred)
        data = readers.read_squad_data(gold)
        try:
            questions = list(iter_questions(data))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ScoringError(f"not SQuAD format: {type(exc).__name__} {str(exc)[:80]}",
                               path=str(gold)) from None
        for qid, answers in questions:
            if not isinstance(qid, str):
                raise ScoringError(f"question id {str(qid)[:40]} is not a string",
                                   path=str(gold), field="id")
            if not all(isinstance(a, str) for a in answers):
                raise ScoringError(f"question {qid[:40]!r}: an answer text is not a string",
                                   path=str(gold), field="text")
        bad = [q for q, v in predictions.items() if not isinstance(v, str)]
        if bad:
            raise ScoringError("prediction is not a string", path=str(pred), field=bad[0])
        try:
            return qa_scores(questions, predictions, language if mlqa_rules else None)
        except ScoringError as exc:
            raise ScoringError(exc.reason, path=str(gold), field=exc.field) from exc
    return score


def _score_ranking(pred: Path, gold: Path, language: str) -> dict[str, float]:
    """mAP@20 of ranked id lists against the gold id lists."""
    relevant, ranked = readers.read_mapping(gold), readers.read_mapping(pred)
    for path, mapping in ((gold, relevant), (pred, ranked)):
        for key, value in mapping.items():
            if not isinstance(value, list):
                raise ScoringError("expected a list of ids", path=str(path), field=key)
            if not all(isinstance(item, str) for item in value):
                raise ScoringError("expected a list of id strings", path=str(path), field=key)
    try:
        return map_at_k(relevant, ranked, k=20)
    except ScoringError as exc:
        raise ScoringError(exc.reason, path=str(gold)) from exc


def scorer_for(task: tasks.TargetTask) -> Scorer:
    """The per-language scorer of a task, chosen from its registry metric and category."""
    if task.score_metric == "accuracy":
        return _score_accuracy
    if task.score_metric == QA_SCORE_METRIC:
        return _qa_scorer(mlqa_rules=task.name == tasks.target("mlqa").name)
    if task.score_metric == "map@20":
        return _score_ranking
    if task.score_metric == "f1" and task.category == "structured_prediction":
        return _score_tagging
    if task.score_metric == "f1" and task.category == "retrieval":
        return _score_pairs
    raise ScoringError(f"no scorer for task {task.name} (metric {task.score_metric})")


def _extensions(task: tasks.TargetTask) -> tuple[str, ...]:
    """File extensions accepted for a task, preferred first."""
    if task.file_format == "tsv":
        return ("tsv",)
    return ("json", "jsonl")


def task_file(folder: Path, task: tasks.TargetTask, language: str) -> Path:
    """`<folder>/<task>/test-<lang>.<ext>`: the first existing extension, else the preferred."""
    candidates = [folder / task.name / f"test-{language}.{ext}" for ext in _extensions(task)]
    return next((c for c in candidates if c.is_file()), candidates[0])


def score_task(
    pred_dir: Path | str,
    label_dir: Path | str,
    task: str,
    benchmark: str = tasks.XTREME,
    languages: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Detailed scores of one task: per-language metrics, their averages and avg_metric."""
    target = tasks.target(task)
    langs = tuple(languages) if languages is not None else target.languages_for(benchmark)
    scorer = scorer_for(target)
    detail: dict[str, Any] = {}
    for lang in langs:
        gold = task_file(Path(label_dir), target, lang)
        pred = task_file(Path(pred_dir), target, lang)
        if not gold.is_file():
            raise ScoringError(f"labels for {target.name} {lang} are missing", path=str(gold))
        if not pred.is_file():
            raise ScoringError(f"predictions for {target.name} {lang} are missing",
                               path=str(pred))
        for metric, value in scorer(pred, gold, lang).items():
            detail.setdefault(metric, {})[lang] = value
    if not detail:
        raise ScoringError(f"no languages to score for {target.name}")
    for metric in list(detail):
        values = detail[metric]
        detail[f"avg_{metric}"] = sum(values.values()) / len(values)
    if target.score_metric == QA_SCORE_METRIC:
        detail["avg_metric"] = (detail["avg_exact_match"] + detail["avg_f1"]) / 2
    else:
        detail["avg_metric"] = detail[f"avg_{target.score_metric}"]
    return detail


def _present_tasks(pred_dir: Path, label_dir: Path, benchmark: str) -> list[str]:
    """Benchmark tasks with a predictions folder; each must have a labels folder too."""
    names = []
    for target in tasks.targets(benchmark):
        if (pred_dir / target.name).is_dir():
            if not (label_dir / target.name).is_dir():
                raise ScoringError(f"predictions for {target.name} but no labels folder",
                                   path=str(label_dir / target.name))
            names.append(target.name)
    return names


def overall_scores(detailed: dict[str, dict[str, Any]], benchmark: str) -> dict[str, float]:
    """Benchmark score and category scores, each only when all of its tasks were scored."""
    bench = tasks.benchmark(benchmark)
    overall: dict[str, float] = {}

    def mean_of(names: Iterable[str]) -> float:
        names = list(names)
        return sum(detailed[n]["avg_metric"] for n in names) / len(names)

    if set(bench.tasks) <= set(detailed):
        overall[ALL_TASKS_KEY] = mean_of(bench.tasks)
    for category, members in bench.categories.items():
        if members and set(members) <= set(detailed):
            overall[OFFICIAL_CATEGORY_KEYS.get(category, category)] = mean_of(members)
    return overall


def score_submission(
    pred_dir: Path | str,
    label_dir: Path | str,
    benchmark: str = tasks.XTREME,
    task_names: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Score every benchmark task present in pred_dir (or the given tasks) against label_dir."""
    pred_dir, label_dir = Path(pred_dir), Path(label_dir)
    for folder, what in ((pred_dir, "predictions"), (label_dir, "labels")):
        if not folder.is_dir():
            raise ScoringError(f"{what} folder is missing", path=str(folder))
    bench = tasks.benchmark_name(benchmark)
    if task_names is None:
        names = _present_tasks(pred_dir, label_dir, bench)
    else:
        names = [tasks.target(n).name for n in task_names]
    if not names:
        raise ScoringError(f"no {bench} task folder found", path=str(pred_dir))
    detailed = {name: score_task(pred_dir, label_dir, name, bench) for name in names}
    return {"overall": overall_scores(detailed, bench), "detailed": detailed}


def result_rows(
    result: dict[str, Any],
    *,
    run_id: str,
    source: str,
    base_model: str,
    intermediate: str = "none",
    split: str = "test",
    setting: str = "zero-shot",
) -> list[dict[str, Any]]:
    """One results-table row per task, language and metric of a score_submission result."""
    rows = []
    for task, detail in result["detailed"].items():
        for metric, per_language in detail.items():
            if metric.startswith("avg_"):
                continue
            for language, value in per_language.items():
                rows.append({
                    "run_id": run_id, "source": source, "base_model": base_model,
                    "intermediate": intermediate, "setting": setting, "target_task": task,
                    "language": language, "split": split, "metric": metric,
                    "value": float(value), "confidence": "read directly",
                })
    return rows
