"""Dashboard state without Streamlit: URL query-param (de)serialisation, data keys, uploads.

The dashboard keeps each page's filters in the URL so a copied link opens the same view, and
keys its caches on a fingerprint of the data so a large store is read and analysed only once.
These helpers are plain Python so they can be tested without a running app.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from xfer_analysis.errors import InputError

MULTI_SEPARATOR = ","

UPLOAD_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "jsonl",
}
"""File suffixes the upload widget accepts and the `results.read` format each one means."""

UPLOAD_KINDS: dict[str, str | None] = {
    "results table (CSV / Parquet / JSON)": None,
    "jiant val_metrics.json": "jiant",
    "Hugging Face Trainer all_results.json / eval_results.json": "hf",
}
"""What the user says an upload is; None means: decide by the file suffix."""

MAX_UPLOAD_MB = 200
"""Largest upload accepted, in megabytes (also passed to Streamlit as server.maxUploadSize)."""


def _raw(params: Mapping[str, Any], key: str) -> str | None:
    """One query-param value as a string (the last one if the URL repeats the key)."""
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return None if value is None else str(value)


def parse_choice(params: Mapping[str, Any], key: str, options: Sequence[Any], default: Any = None):
    """The option named by the URL param `key`, else `default`, else the first option.

    Options are compared as strings, so numeric options survive the round trip through a URL.
    An unknown value in the URL (a stale or hand-edited link) falls back instead of failing.
    """
    if not options:
        return None
    raw = _raw(params, key)
    by_text = {str(option): option for option in options}
    if raw is not None and raw in by_text:
        return by_text[raw]
    return default if default in list(options) else options[0]


def parse_multi(
    params: Mapping[str, Any], key: str, options: Sequence[Any], default: Sequence[Any] = ()
) -> list:
    """The known options listed (comma-separated) in URL param `key`, else `default`."""
    raw = _raw(params, key)
    by_text = {str(option): option for option in options}
    if raw is None:
        return [value for value in default if value in by_text.values()]
    if raw == "":
        return []
    return [by_text[part] for part in raw.split(MULTI_SEPARATOR) if part in by_text]


def encode(value: Any) -> str:
    """A widget value as one URL param string (lists comma-separated, booleans as 0/1)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return MULTI_SEPARATOR.join(str(item) for item in value)
    return str(value)


def parse_flag(params: Mapping[str, Any], key: str, default: bool = False) -> bool:
    """A boolean URL param written by `encode` ("1"/"0"); anything else gives `default`."""
    raw = _raw(params, key)
    return {"1": True, "0": False}.get(raw, default) if raw is not None else default


def digest(*parts: bytes | str) -> str:
    """A short SHA-256 hex digest of the given parts, in order (a cache key)."""
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        sha.update(len(data).to_bytes(8, "little"))
        sha.update(data)
    return sha.hexdigest()[:20]


def path_fingerprint(path: str | os.PathLike[str]) -> str:
    """A cheap fingerprint of a file or directory tree: names, sizes and modification times.

    Computed on every rerun, so it must not read file contents; any write to the store
    changes a size or a modification time and therefore the key.
    """
    root = Path(path)
    if not root.exists():
        return digest("missing", str(root.resolve()))
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    parts = [str(root.resolve())]
    for file in files:
        stat = file.stat()
        parts.append(f"{file.relative_to(root) if file != root else file.name}"
                     f":{stat.st_size}:{stat.st_mtime_ns}")
    return digest(*parts)


def upload_format(filename: str, kind: str | None) -> str:
    """The `results.read` format for an uploaded file: the declared kind, else its suffix.

    Raises InputError for a suffix that is not a data format (uploads are never unpickled
    or executed: only CSV, Parquet and JSON text are read).
    """
    if kind is not None:
        if not filename.lower().endswith(".json"):
            raise InputError(f"a {kind} results file must be a .json file", path=filename)
        return kind
    suffix = Path(filename).suffix.lower()
    if suffix not in UPLOAD_FORMATS:
        allowed = ", ".join(sorted(UPLOAD_FORMATS))
        raise InputError(f"unsupported file type {suffix or '(none)'!r}; use one of {allowed}",
                         path=filename)
    return UPLOAD_FORMATS[suffix]


def check_size(filename: str, size: int, limit_mb: int = MAX_UPLOAD_MB) -> None:
    """Refuse an upload larger than `limit_mb` megabytes with an InputError naming the file."""
    if size > limit_mb * 1024 * 1024:
        raise InputError(f"file is {size / 1024 / 1024:.1f} MB; the limit is {limit_mb} MB",
                         path=filename)


def filter_rows(frame: pd.DataFrame, filters: Mapping[str, Iterable[Any]]) -> pd.DataFrame:
    """Rows whose column values are among the chosen ones; an empty choice keeps every row."""
    mask = pd.Series(True, index=frame.index)
    for column, chosen in filters.items():
        values = list(chosen)
        if values:
            mask &= frame[column].astype(str).isin([str(value) for value in values])
    return frame[mask]


def chart_data(spec: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Every dataset embedded in a Vega-Lite spec, as tables numbered in spec order.

    The CSV export of a chart is built from these, so it is exactly the data the chart draws.
    """
    frames: list[pd.DataFrame] = [pd.DataFrame(rows) for rows in spec.get("datasets", {}).values()]
    inline = spec.get("data", {})
    if isinstance(inline, Mapping) and "values" in inline:
        frames.append(pd.DataFrame(inline["values"]))
    return {str(number): frame for number, frame in enumerate(frames, start=1)}


def column_values(frame: pd.DataFrame, columns: Sequence[str], *, tasks_only: bool = False
                  ) -> dict[str, list[str]]:
    """The distinct non-missing values of each column, as sorted strings (filter options);
    with `tasks_only`, of single-task rows only (benchmark/category aggregates left out,
    as `analysis.task_rows` does), without copying the table."""
    mask = None
    if tasks_only and "target_task" in frame.columns:
        from xfer_analysis import tasks

        names = frame["target_task"].astype(str)
        aggregates = [name for name in names.unique() if tasks.is_aggregate(name)]
        mask = ~names.isin(aggregates).to_numpy() if aggregates else None
    out = {}
    for column in columns:
        if column in frame.columns:
            values = frame[column] if mask is None else frame[column][mask]
            out[column] = sorted({str(value) for value in values.dropna().unique()})
    return out


def read_upload(
    filename: str, content: bytes, kind: str | None, run_meta: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Read an uploaded file through `results.read` (which validates it) without keeping it.

    The bytes go to a private temporary directory that is removed afterwards; nothing reaches
    a store here. Raises InputError (naming the file) for any unreadable or invalid upload.
    """
    import tempfile

    from xfer_analysis import results

    check_size(filename, len(content))
    fmt = upload_format(filename, kind)
    with tempfile.TemporaryDirectory(prefix="xfer-upload-") as tmp:
        path = Path(tmp) / Path(filename).name
        path.write_bytes(content)
        try:
            return results.read(path, format=fmt, **dict(run_meta or {}))
        except InputError as exc:
            raise InputError(exc.reason, path=filename, line=exc.line, field=exc.field) from exc


def aggregate_table(frame: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """One row per system, one column per aggregate score (`analysis.aggregate_scores`).

    Systems with no computable aggregate are left out; `missing` lists the member tasks a
    system lacks for the first aggregate in `names` (the benchmark score).
    """
    from xfer_analysis import tasks
    from xfer_analysis.analysis.scores import aggregate_scores

    system = ["base_model", "intermediate", "intermediate_examples", "intermediate_data",
              "setting", "split"]
    parts = [part for name in names if not (part := aggregate_scores(frame, name)).empty]
    if not parts or all(part["value"].isna().all() for part in parts):
        return pd.DataFrame()
    long = pd.concat(parts, ignore_index=True)
    keys = long[system].astype("string").fillna("-")
    long = long.assign(_system=keys.agg(" | ".join, axis=1))
    wide = long.pivot_table(index="_system", columns="target_task", values="value",
                            aggfunc="first")
    wide = wide.dropna(how="all")
    first = long.drop_duplicates("_system").set_index("_system")
    benchmark = long[long["target_task"] == names[0]].set_index("_system")
    out = first.loc[wide.index, system].copy()
    for name in names:
        if name in wide.columns:
            out[tasks.aggregate(name).display] = wide[name]
    out["missing for the benchmark score"] = benchmark["missing"].reindex(wide.index).map(
        lambda m: ", ".join(m) if isinstance(m, tuple) else "")
    out["sources"] = long.groupby("_system")["source"].agg(
        lambda s: "; ".join(sorted(set("; ".join(s).split("; "))))).reindex(wide.index)
    return out.reset_index(drop=True)


def per_language_gains(
    frame: pd.DataFrame, *, base_model: str, split: str, target: str, intermediate: str
) -> pd.DataFrame:
    """Seed-averaged gain per language and source of one intermediate on one target (task-score
    metric), with each language's family, script and resource level, largest gain first.
    Sources stay apart (`by=source`) so disagreeing sources are never averaged."""
    from xfer_analysis.analysis.gains import gains_by_language, paired_gains, score_rows
    from xfer_analysis.analysis.lookup import language_info, score_metric
    from xfer_analysis.analysis.scores import with_task_scores

    chosen = frame[(frame["base_model"].astype(str) == base_model)
                   & (frame["split"].astype(str) == split)
                   & (frame["target_task"].astype(str) == target)
                   & frame["intermediate"].astype(str).isin(["none", intermediate])]
    chosen = score_rows(with_task_scores(chosen), score_metric(target))
    gains = paired_gains(chosen, treatments=[intermediate])
    if gains.empty:
        return pd.DataFrame()
    table = gains_by_language(gains, by=("source",))
    info = pd.DataFrame([vars(language_info(code)) for code in table["language"].astype(str)])
    table = table.assign(family=info["family"].to_numpy(), script=info["script"].to_numpy(),
                         resource_level=info["resource_level"].to_numpy())
    return table.sort_values("gain", ascending=False, ignore_index=True)


def scaling_trend(frame: pd.DataFrame, *, target_task: str, split: str, y: str) -> pd.DataFrame:
    """`analysis.scaling_trend` of one measure over `analysis.scaling` of one target."""
    from xfer_analysis import analysis

    return analysis.scaling_trend(analysis.scaling(frame, target_task=target_task, split=split),
                                  y=y)


FULL_DATA = "full data"
"""Budget level of rows trained on a task's whole training set (`intermediate_examples` NA)."""
MIN_FIT_BUDGETS = 3
"""Distinct budgets needed before a curve is fitted (two points fit any two-parameter model)."""


def _model_rows(frame: pd.DataFrame, base_model: str, setting: str, split: str | None
                ) -> pd.DataFrame:
    """Rows of one base model and setting (and split, where given)."""
    mask = ((frame["base_model"].astype(str) == base_model).to_numpy()
            & (frame["setting"].astype(str) == setting).to_numpy())
    if split is not None:
        mask &= (frame["split"].astype(str) == split).to_numpy()
    return frame[mask]


def treatment_sources(frame: pd.DataFrame, *, base_model: str, setting: str = "zero-shot",
                      split: str | None = None) -> list[str]:
    """The treatment sources among one model's rows (`analysis.source_options`): a view shows
    one of them at a time, because a cell never combines gains of two sources."""
    from xfer_analysis import analysis

    rows = _model_rows(frame[["base_model", "setting", "split", "source", "intermediate",
                              "target_task"]], base_model, setting, split)
    return analysis.source_options(analysis.task_rows(rows))


def model_gains(frame: pd.DataFrame, *, base_model: str, source: str | None = None
                ) -> pd.DataFrame:
    """Paired zero-shot gains (`analysis.paired_gains`) of every intermediate for one base
    model on each target's task-score metric, every split kept (best-of-k selects on dev);
    only the treatment rows of `source` where given."""
    from xfer_analysis import analysis

    chosen = _model_rows(frame, base_model, "zero-shot", None)
    if chosen.empty or not (chosen["intermediate"].astype(str) == "none").any():
        return pd.DataFrame()
    gains = analysis.paired_gains(analysis.score_rows(analysis.with_task_scores(chosen)))
    return gains if source is None else gains[gains["source"].astype(str) == source]


def intermediate_gains(gains: pd.DataFrame, *, split: str) -> pd.DataFrame:
    """The average gain of each treatment on one split (`analysis.gains_by_intermediate`,
    sources kept apart), the points every diminishing-returns curve is drawn from."""
    from xfer_analysis import analysis

    part = gains[gains["split"].astype(str) == split] if not gains.empty else gains
    if part.empty:
        return pd.DataFrame()
    return analysis.gains_by_intermediate(part, by=("source",))


def budget_levels(per_intermediate: pd.DataFrame) -> list[str]:
    """Stage-1 budgets present: `FULL_DATA` first (when present), then capped example counts."""
    if per_intermediate.empty:
        return []
    examples = per_intermediate["intermediate_examples"]
    capped = sorted({int(n) for n in examples.dropna()})
    return ([FULL_DATA] if examples.isna().any() else []) + [str(n) for n in capped]


def _at_budget(per_intermediate: pd.DataFrame, budget: str) -> pd.DataFrame:
    """Rows trained with `budget` stage-1 examples (`FULL_DATA`: the whole training sets)."""
    examples = per_intermediate["intermediate_examples"]
    if budget == FULL_DATA:
        return per_intermediate[examples.isna()]
    return per_intermediate[examples.astype("Float64") == float(budget)]


def _fit(x: pd.Series, y: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`analysis.fit_curves` of y on x: the chosen fit's curve with its band, and the fit
    table; empty frames with fewer than `MIN_FIT_BUDGETS` distinct finite x."""
    from xfer_analysis import analysis

    finite = x.notna() & y.notna()
    if x[finite].nunique() < MIN_FIT_BUDGETS:
        return pd.DataFrame(), pd.DataFrame()
    fits = analysis.fit_curves(x[finite], y[finite])
    return fits.curve_frame(), fits.table


def task_count_fit(per_intermediate: pd.DataFrame, *, budget: str
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Gain vs number of intermediate tasks at one stage-1 budget: the points
    (`analysis.task_count_points`), the chosen fit's curve with its band and the fit table."""
    from xfer_analysis import analysis

    empty = pd.DataFrame()
    if per_intermediate.empty:
        return empty, empty, empty
    points = analysis.task_count_points(_at_budget(per_intermediate, budget))
    if points.empty:
        return points, empty, empty
    curve, table = _fit(points["n_tasks"], points["gain"])
    return points, curve, table


def example_tasks(per_intermediate: pd.DataFrame) -> list[str]:
    """Single intermediate tasks trained on at least two known example counts (sorted)."""
    from xfer_analysis import analysis
    from xfer_analysis.analysis.budgets import set_members

    if per_intermediate.empty:
        return []
    names = sorted(per_intermediate["intermediate"].astype(str).unique())
    singles = [name for name in names if len(set_members(name)) == 1]
    return [name for name in singles
            if analysis.example_points(per_intermediate, name)["examples"].nunique() >= 2]


def example_fit(per_intermediate: pd.DataFrame, *, intermediate: str
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Gain vs training examples of one intermediate task: the points
    (`analysis.example_points`), the chosen fit's curve with its band and the fit table."""
    from xfer_analysis import analysis

    points = analysis.example_points(per_intermediate, intermediate)
    curve, table = _fit(points["examples"], points["gain"])
    return points, curve, table


def budget_comparison(per_intermediate: pd.DataFrame, *, intermediate: str) -> pd.DataFrame:
    """More tasks vs more data of one task at a matched budget (`analysis.compare_at_budget`):
    every multi-task set's gain fitted on its total stage-1 examples against `intermediate`'s
    gain fitted on its example counts; empty where either axis has too few budgets."""
    from xfer_analysis import analysis

    points = analysis.task_count_points(per_intermediate)
    sets = points[points["n_tasks"] >= 2]
    examples = analysis.example_points(per_intermediate, intermediate)
    if (sets["total_examples"].dropna().nunique() < MIN_FIT_BUDGETS
            or examples["examples"].dropna().nunique() < MIN_FIT_BUDGETS):
        return pd.DataFrame()
    known = sets["total_examples"].notna()
    tasks_fit = analysis.fit_curves(sets.loc[known, "total_examples"], sets.loc[known, "gain"])
    known = examples["examples"].notna()
    examples_fit = analysis.fit_curves(examples.loc[known, "examples"],
                                       examples.loc[known, "gain"])
    return analysis.compare_at_budget(tasks_fit, examples_fit)


def best_of_k(gains: pd.DataFrame, *, select_split: str = "dev") -> pd.DataFrame:
    """`analysis.selection_curve` of one model's gains: select on `select_split`, score on
    test where every arm has test scores (else on `select_split`: see `eval_splits`)."""
    from xfer_analysis import analysis

    if gains.empty:
        return pd.DataFrame()
    return analysis.selection_curve(gains, select_split=select_split)
