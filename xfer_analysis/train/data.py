"""Load a task's examples through `datasets.load_dataset`, from the hub or a local directory.

Local layouts under `data_dir` (the first that exists wins; otherwise the hub is asked):

- the hub repository layout, ``<dataset id>/<config>/<split>-*.parquet`` (Features kept, so
  ClassLabel columns hold integers exactly as on the hub);
- hand-made JSONL, ``<dataset id>/<config|default>/<split>.jsonl``.

ClassLabel integers are turned into their names here, in Python, from the dataset's Features:
`datasets.map` would cast the names straight back into integers.
"""

from __future__ import annotations

import random
from pathlib import Path

from xfer_analysis.errors import InputError
from xfer_analysis.train.sources import Source


def local_path(data_dir: str | Path, source: Source, split: str) -> Path:
    """Where the hand-made JSONL override of one split of `source` lives."""
    return Path(data_dir) / source.dataset / (source.config or "default") / f"{split}.jsonl"


def parquet_files(data_dir: str | Path, source: Source, split: str) -> list[Path]:
    """The hub-layout parquet shards of one split of `source` under `data_dir` (maybe none)."""
    folder = Path(data_dir) / source.dataset / (source.config or "default")
    return sorted(folder.glob(f"{split}-*.parquet"))


def class_label_names(features) -> dict[str, list[str]]:
    """Column -> label names for ClassLabel and Sequence(ClassLabel) columns."""
    from datasets import ClassLabel

    out = {}
    for col, feat in features.items():
        inner = getattr(feat, "feature", None)
        if isinstance(feat, ClassLabel):
            out[col] = list(feat.names)
        elif isinstance(inner, ClassLabel):
            out[col] = list(inner.names)
        elif isinstance(feat, list) and feat and isinstance(feat[0], ClassLabel):
            out[col] = list(feat[0].names)
    return out


def _named(row: dict, names: dict[str, list[str]]) -> dict:
    """`row` with ClassLabel integers replaced by their names (-1, unlabelled, stays -1)."""
    out = dict(row)
    for col, labels in names.items():
        value = row[col]
        if isinstance(value, list):
            out[col] = [labels[v] if v >= 0 else v for v in value]
        elif value is not None and value >= 0:
            out[col] = labels[value]
    return out


def _load_split(source: Source, split: str, data_dir: str | Path | None):
    import datasets

    datasets.disable_progress_bars()
    if data_dir is not None:
        shards = parquet_files(data_dir, source, split)
        if shards:
            ds = datasets.load_dataset("parquet", data_files=[str(p) for p in shards],
                                       split="train")
            return ds, shards[0].parent / f"{split}-*.parquet"
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
    return ds, f"{source.dataset}:{source.config}:{split}"


def load_examples(source: Source, data_dir: str | Path | None = None) -> list[dict]:
    """All examples of `source` (every split it names, in order), converted to its kind.

    A retrieval source with a `parallel` side gives `{"source", "target"}` pairs, row by row."""
    if source.parallel is not None:
        sides = load_examples(source.parallel, data_dir), load_examples(
            Source(source.dataset, source.config, source.splits, source.kind, source.convert,
                   source.keep), data_dir)
        if len(sides[0]) != len(sides[1]):
            raise InputError(f"parallel sides differ in length ({len(sides[0])} vs "
                             f"{len(sides[1])})", path=f"{source.dataset}/{source.config}")
        return [{"source": s["text"], "target": t["text"]} for s, t in zip(*sides, strict=True)]
    out: list[dict] = []
    for split in source.splits:
        ds, where = _load_split(source, split, data_dir)
        names = class_label_names(ds.features)
        for i, raw in enumerate(ds):
            row = _named(raw, names) if names else raw
            if source.keep is not None and not source.keep(row):
                continue
            try:
                out.append(source.convert(row))
            except (KeyError, ValueError, TypeError) as exc:
                raise InputError(f"cannot read row: {exc!r}", path=str(where), line=i + 1) from exc
    if not out:
        raise InputError(f"no examples in {source.dataset}/{source.config} {source.splits}")
    return out


BUCC_DIR = "bucc2018"


def bucc_files(data_dir: str | Path | None, lang: str, split: str) -> dict[str, Path]:
    """The BUCC 2018 files of one language pair and split (`dev` or `test`) in the layout of
    google-research/xtreme scripts/download_data.sh: `<data_dir>/bucc2018/<l>-en.<split>.<l>`,
    `.en` (sentences with their distractors, `id<TAB>sentence`) and `.gold` (`id<TAB>id`)."""
    folder = Path(data_dir or ".") / BUCC_DIR
    return {side: folder / f"{lang}-en.{split}.{side if side != 'src' else lang}"
            for side in ("src", "en", "gold")}


def bucc_missing(data_dir: str | Path | None, lang: str, split: str) -> str | None:
    """Why BUCC 2018 `lang`-en `split` cannot be mined here (None when its files are there)."""
    files = bucc_files(data_dir, lang, split)
    missing = [str(p) for p in files.values() if not p.exists()]
    if data_dir is not None and not missing:
        return None
    return (f"BUCC 2018 {lang}-en {split} needs the BUCC files with their distractor sentences "
            f"(google-research/xtreme scripts/download_data.sh layout); missing: "
            f"{', '.join(missing) if data_dir is not None else BUCC_DIR + '/ under --data-dir'}. "
            f"The hub's google/xtreme bucc18.{lang} holds only the gold pairs, which is not a "
            f"mining task, so the runner does not score BUCC from it")


def load_bucc(data_dir: str | Path | None, lang: str, split: str) -> dict:
    """Sentences (with distractors) and gold pairs of BUCC 2018 `lang`-en, for real mining.

    Refuses, naming the missing file, when the BUCC files are not there: the hub's
    google/xtreme bucc18 configs hold only the gold pairs, and mining among gold pairs alone
    gives an F1 near 100 that is not comparable with published BUCC numbers."""
    why = bucc_missing(data_dir, lang, split)
    if why is not None:
        raise InputError(why, path=str(bucc_files(data_dir, lang, split)["gold"].parent))
    files = bucc_files(data_dir, lang, split)

    def read(path: Path) -> list[tuple[str, str]]:
        out = []
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            parts = line.split("\t")
            if len(parts) != 2:
                raise InputError("expected `id<TAB>text`", path=str(path), line=i + 1)
            out.append((parts[0].strip(), parts[1].strip()))
        return out

    src, trg, gold = read(files["src"]), read(files["en"]), read(files["gold"])
    return {"source_ids": [i for i, _ in src], "source": [t for _, t in src],
            "target_ids": [i for i, _ in trg], "target": [t for _, t in trg],
            "gold": set(gold)}


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
