"""Load a task's examples through `datasets.load_dataset`, from the hub or a local directory.

Local layout (documented in `sources.py`): ``<data_dir>/<dataset>/<config|default>/<split>.jsonl``.
When `data_dir` is given and the file exists, it wins; otherwise the hub is asked.
"""

from __future__ import annotations

import random
from pathlib import Path

from xfer_analysis.errors import InputError
from xfer_analysis.train.sources import Source


def local_path(data_dir: str | Path, source: Source, split: str) -> Path:
    """Where the local override of one split of `source` lives."""
    return Path(data_dir) / source.dataset / (source.config or "default") / f"{split}.jsonl"


def _decode_class_labels(ds):
    """Replace ClassLabel integers (hub datasets) by their names, so labels are comparable."""
    from datasets import ClassLabel

    for col, feat in ds.features.items():
        if isinstance(feat, ClassLabel):
            ds = ds.map(lambda r, c=col, f=feat: {c: f.int2str(r[c])})
        elif isinstance(getattr(feat, "feature", None), ClassLabel):
            names = feat.feature.names
            ds = ds.map(lambda r, c=col, n=names: {c: [n[i] for i in r[c]]})
    return ds


def _load_split(source: Source, split: str, data_dir: str | Path | None):
    import datasets

    datasets.disable_progress_bars()
    if data_dir is not None:
        path = local_path(data_dir, source, split)
        if path.exists():
            return datasets.load_dataset("json", data_files=str(path), split="train"), path
    try:
        ds = datasets.load_dataset(source.dataset, source.config, split=split)
    except Exception as exc:  # the hub or a cache miss: say where the local copy should go
        where = local_path(data_dir, source, split) if data_dir else None
        hint = f" (or put a local copy at {where})" if where else ""
        raise InputError(
            f"cannot load {source.dataset}/{source.config or 'default'} split {split!r}{hint}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    return _decode_class_labels(ds), f"{source.dataset}:{source.config}:{split}"


def load_examples(source: Source, data_dir: str | Path | None = None) -> list[dict]:
    """All examples of `source` (every split it names, in order), converted to its kind."""
    out: list[dict] = []
    for split in source.splits:
        ds, where = _load_split(source, split, data_dir)
        for i, row in enumerate(ds):
            if source.keep is not None and not source.keep(row):
                continue
            try:
                out.append(source.convert(row))
            except (KeyError, ValueError, TypeError) as exc:
                raise InputError(f"cannot read row: {exc!r}", path=str(where), line=i + 1) from exc
    if not out:
        raise InputError(f"no examples in {source.dataset}/{source.config} {source.splits}")
    return out


def subsample(examples: list[dict], size: float | int | None, seed: int) -> list[dict]:
    """The data-size knob: a fraction (0 < f <= 1) or a count N of examples, seeded and stable."""
    if size is None:
        return examples
    if isinstance(size, float):
        if not 0.0 < size <= 1.0:
            raise InputError(f"data size fraction must be in (0, 1], got {size}", field="sizes")
        n = max(1, round(len(examples) * size))
    else:
        if size < 1:
            raise InputError(f"data size must be a positive count, got {size}", field="sizes")
        n = min(int(size), len(examples))
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    return [examples[i] for i in sorted(order[:n])]
