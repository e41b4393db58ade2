"""Build data/published/ (and data/templates/) from ../shared/published, reproducibly.

    python scripts/build_published.py [--shared ../shared] [--out data]

Reads the three CSVs of ../shared/published, maps every row into the results schema with a
source id, confidence (prefix SECONDARY -> secondary, TERTIARY -> tertiary, SUPERSEDED ->
superseded, no prefix -> read directly) and a note that keeps the labels as published, and
writes ``published/published.csv``, ``published/sources.csv`` and copies of NOTES.md and
phang2020_claims.md. One source string without a prefix (the latest mT5 README table) is
split in two ids: its mT5 rows are read directly, its other rows are the mT5 authors' quotes
of other papers and are secondary (NOTES.md, "xtremer_and_mt5.csv"). Values are copied as
text, never re-typed or recomputed. It also writes the empty dev-grid template
``templates/phang2020_dev_grid.csv`` and ``published/model_params.csv``: base-model parameter
counts from two primary READMEs, kept below as the phrases the READMEs print ("1.2 billion",
"560M") and turned into plain counts by exact decimal arithmetic. A test checks the shipped
files equal this output.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from xfer_analysis import tasks  # noqa: E402
from xfer_analysis.results.schema import COLUMNS  # noqa: E402

SOURCE_FILES = ("phang2020_v2_results.csv", "xtreme_baselines.csv", "xtremer_and_mt5.csv")
COPIED_DOCS = ("NOTES.md", "phang2020_claims.md")
MT5_PRIMARY = "mt5-readme-319bb80"

# id -> (substrings that must all occur in the source string, citation, note)
SOURCES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "rembert-t16-stilts": (
        ("RemBERT", "Table 16", "STiLTs"),
        "Chung et al. 2021, Rethinking Embedding Coupling in Pre-trained Language Models "
        "(RemBERT), ICLR 2021, arXiv 2010.12821, Table 16",
        "XTREME leaderboard entry of Phang et al.; disagrees with the mT5 README on XNLI, "
        "PAWS-X, NER, XQuAD and MLQA (NOTES.md)",
    ),
    "rembert-t7-stilts": (
        ("RemBERT", "Table 7", "STiLTs"),
        "Chung et al. 2021 (RemBERT), arXiv 2010.12821, Table 7",
        "category averages without retrieval; not Phang et al.'s XTREME score",
    ),
    "mt5-readme-c97a504-xstilts": (
        ("multilingual-t5 README", "row 'X-STILTs'", "c97a504"),
        "google-research/multilingual-t5 README.md results table, commit c97a504",
        "row 'X-STILTs' (named 'Phang et al. (2020)' at d4e6e12); most likely reproduces "
        "Phang et al.'s own test table",
    ),
    "rembert-t16-xlmr": (
        ("RemBERT", "Table 16", "XLM-R"),
        "Chung et al. 2021 (RemBERT), arXiv 2010.12821, Table 16",
        "XLM-R row of the XTREME leaderboard as reprinted by RemBERT",
    ),
    "rembert-t7-xlmr": (
        ("RemBERT", "Table 7", "XLM-R"),
        "Chung et al. 2021 (RemBERT), arXiv 2010.12821, Table 7",
        "XLM-R category averages without retrieval",
    ),
    "ernie-m-readme-pawsx": (
        ("PaddleNLP ERNIE-M README",),
        "PaddlePaddle/PaddleNLP ERNIE-M README (English), Cross-lingual Paraphrase "
        "Identification, Cross-lingual Transfer block",
        "PAWS-X per-language rows copied from XTREME",
    ),
    "mt5-readme-c97a504": (
        ("multilingual-t5 README", "c97a504", "XTREME (Hu et al. 2020) zero-shot baselines"),
        "google-research/multilingual-t5 README.md results table, commit c97a504",
        "XTREME zero-shot baselines as quoted by the mT5 authors",
    ),
    "veco-summary-ko": (
        ("Korean-language summary of the VECO paper",),
        "unofficial Korean-language notes on the VECO paper (arXiv 2010.16046) in a public "
        "GitHub file",
        "tertiary: use only as a pointer",
    ),
    "byt5-table4": (
        ("ByT5", "Table 4"),
        "Xue et al. 2022, ByT5, TACL, arXiv 2105.13626, Table 4 (mT5 columns)",
        "translate-train numbers differ from the mT5 paper's own; the ByT5 authors' mT5 runs",
    ),
    "mt5-readme-tydiqa-superseded": (
        ("SUPERSEDED", "multilingual-t5 README"),
        "google-research/multilingual-t5 README.md, commits 97e8e37..c1c7faf",
        "mT5 TyDiQA-GoldP F1 before the 2021-04-07 update",
    ),
    "mt5-slide-lecture-notes": (
        ("lecture-notes markdown",),
        "unofficial lecture notes transcribing a slide of the mT5 paper's results",
        "tertiary: use only as a pointer",
    ),
    MT5_PRIMARY: (
        ("multilingual-t5 README.md results table, latest commit 319bb80",),
        "google-research/multilingual-t5 README.md results table, commit 319bb80",
        "primary for the mT5 rows; QA values are F1 ('showing F1 scores')",
    ),
    MT5_PRIMARY + "-quoted": (
        (),
        "google-research/multilingual-t5 README.md results table, commit 319bb80",
        "rows for models other than mT5: the mT5 authors' quotes of other papers",
    ),
}

MT5_README = "google-research/multilingual-t5 README.md"
# parameter-count source id -> (citation, location, note); confidence: read directly
PARAM_SOURCES: dict[str, tuple[str, str, str]] = {
    "mt5-readme-319bb80-checkpoints": (
        f"{MT5_README}, section 'Released Model Checkpoints', commit 319bb80",
        f"{MT5_README} at commit 319bb8015a211bf02be12dac418cbd423e55978f, section 'Released "
        "Model Checkpoints' (one bullet per checkpoint: '**mT5-…** (N parameters)'); the "
        "earlier version at commit 1cf881700d57c258a403ea6ab31809b2889b8d5b gave other counts "
        "for Base/Large/XL (see model_params.csv notes)",
        "mT5 parameter counts as released by the mT5 authors; latest README version used",
    ),
    "fairseq-xlmr-readme-6034aea": (
        "facebookresearch/fairseq examples/xlmr/README.md, 'Pre-trained models' table, "
        "commit 6034aea",
        "facebookresearch/fairseq examples/xlmr/README.md at commit "
        "6034aea96bc3ae8e805aa47ae289b53457aa7372, section 'Pre-trained models', column "
        "'#params'",
        "XLM-R parameter counts as released by the XLM-R authors (fairseq)",
    ),
}
# (source id, model label as printed, count as printed, where, earlier version's count or "")
PARAM_QUOTES: tuple[tuple[str, str, str, str, str], ...] = (
    ("mt5-readme-319bb80-checkpoints", "mT5-Small", "300 million", "bullet", ""),
    ("mt5-readme-319bb80-checkpoints", "mT5-Base", "580 million", "bullet", "600 million"),
    ("mt5-readme-319bb80-checkpoints", "mT5-Large", "1.2 billion", "bullet", "1 billion"),
    ("mt5-readme-319bb80-checkpoints", "mT5-XL", "3.7 billion", "bullet", "4 billion"),
    ("mt5-readme-319bb80-checkpoints", "mT5-XXL", "13 billion", "bullet", ""),
    ("fairseq-xlmr-readme-6034aea", "xlmr.base", "250M", "table row", ""),
    ("fairseq-xlmr-readme-6034aea", "xlmr.large", "560M", "table row", ""),
)
_SCALE_WORDS = {"million": 10**6, "m": 10**6, "billion": 10**9, "b": 10**9}
_COUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$")

# published target labels that name aggregates -> canonical aggregate target
AGGREGATE_LABELS = {
    "avg (Avg_task": "xtreme:avg_task_excl_retrieval",
    "avg (Avg:": "xtreme:avg_category_excl_retrieval",
    "avg (3 categories": "xtreme:avg_category_excl_retrieval",
    "sentence-pair classification": "xtreme:classification",
    "structured prediction": "xtreme:structured_prediction",
    "question answering": "xtreme:qa",
}


def confidence_of(source: str) -> str:
    """Confidence from the source string's prefix."""
    for prefix, level in (("SECONDARY:", "secondary"), ("TERTIARY:", "tertiary"),
                          ("SUPERSEDED:", "superseded")):
        if source.startswith(prefix):
            return level
    return "read directly"


def source_id(source: str, model: str) -> str:
    """The one source id whose substrings all occur in `source`; refuse none or several."""
    hits = [sid for sid, (needles, _, _) in SOURCES.items()
            if needles and all(n in source for n in needles)]
    if len(hits) != 1:
        raise SystemExit(f"source string matches {len(hits)} ids ({hits}): {source[:100]}")
    sid = hits[0]
    if sid == MT5_PRIMARY and tasks.base_model(model).family != "mt5":
        sid += "-quoted"
    return sid


def _target(label: str) -> tuple[str, bool]:
    for head, agg in AGGREGATE_LABELS.items():
        if label.startswith(head):
            return agg, True
    return tasks.target(label).name, False


def convert_row(row: dict[str, str]) -> dict[str, str]:
    """One row of a shared CSV in the results schema (values copied as text)."""
    model_label = row.get("model", "X-STILTs")
    task_label = row.get("target") or row["task"]
    target, is_agg = _target(task_label)
    if model_label == "X-STILTs":
        base, intermediate = "xlm-roberta-large", tasks.BEST_PER_TARGET
    else:
        base, intermediate = tasks.base_model_name(model_label), tasks.NONE
    if "intermediate" in row:
        intermediate = tasks.canonical_intermediate(row["intermediate"])
    setting_label = row.get("setting", "")
    setting = setting_label.split("(")[0].strip() or "zero-shot"
    sid = source_id(row["source"], "xlm-roberta-large" if model_label == "X-STILTs" else base)
    notes = [f"as published: model={model_label!r}, target={task_label!r}, "
             f"metric={row['metric']!r}"]
    if setting_label:
        notes.append(f"setting={setting_label!r}")
    if "intermediate" in row:
        notes.append(f"intermediate={row['intermediate']!r}")
    if "split" not in row:
        notes.append("split not given in the source file; XTREME test-set numbers per NOTES.md")
    if model_label == "X-STILTs" or intermediate == tasks.BEST_PER_TARGET:
        notes.append("X-STILTs: XLM-R Large with the best intermediate model per target "
                     "(which task per target is unknown)")
    return {
        "run_id": f"{sid}:{base}:{intermediate}:{setting}",
        "source": sid,
        "base_model": base,
        "model_params": "",
        "intermediate": intermediate,
        "intermediate_examples": "",
        "intermediate_data": "english",
        "setting": setting,
        "target_task": target,
        "language": tasks.language_code(row.get("language", "avg")),
        "split": row.get("split", "test"),
        "metric": "score" if is_agg else tasks.metric(row["metric"]),
        "value": row["value"].strip(),
        "seed": "",
        "confidence": confidence_of(row["source"]) if sid != MT5_PRIMARY + "-quoted"
        else "secondary",
        "note": "; ".join(notes),
    }


def _csv_text(header: list[str], rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def build(shared: Path) -> dict[str, str]:
    """Relative output path -> file content, for every file this script writes."""
    rows: list[dict[str, str]] = []
    raw_sources: dict[str, set[str]] = {}
    for name in SOURCE_FILES:
        with (shared / "published" / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                out = convert_row(row)
                rows.append(out)
                raw_sources.setdefault(out["source"], set()).add(
                    f"{row['source']} [rows in ../shared/published/{name}]"
                )
    source_rows = []
    for sid, (_, citation, note) in SOURCES.items():
        if sid not in raw_sources:
            raise SystemExit(f"source id {sid} has no rows")
        levels = {r["confidence"] for r in rows if r["source"] == sid}
        if len(levels) != 1:
            raise SystemExit(f"source id {sid} mixes confidence levels {levels}")
        source_rows.append({"id": sid, "citation": citation,
                            "location": " | ".join(sorted(raw_sources[sid])),
                            "confidence": levels.pop(), "note": note})
    for sid, (citation, location, note) in PARAM_SOURCES.items():
        source_rows.append({"id": sid, "citation": citation, "location": location,
                            "confidence": "read directly", "note": note})
    files = {
        "published/published.csv": _csv_text(list(COLUMNS), rows),
        "published/model_params.csv": _csv_text(["base_model", "params", "source", "note"],
                                                model_params_rows()),
        "published/sources.csv": _csv_text(["id", "citation", "location", "confidence", "note"],
                                           source_rows),
        "templates/phang2020_dev_grid.csv": dev_grid_template(),
    }
    for doc in COPIED_DOCS:
        files[f"published/{doc}"] = (shared / "published" / doc).read_text(encoding="utf-8")
    return files


def plain_count(printed: str) -> str:
    """'1.2 billion' -> '1200000000', '250M' -> '250000000' (exact; refuse anything else)."""
    m = _COUNT.match(printed)
    scale = _SCALE_WORDS.get(m.group(2).casefold()) if m else None
    if m is None or scale is None:
        raise SystemExit(f"cannot read a parameter count from {printed!r}")
    count = Decimal(m.group(1)) * scale
    if count != count.to_integral_value():
        raise SystemExit(f"{printed!r} is not a whole number of parameters")
    return str(int(count))


def model_params_rows() -> list[dict[str, str]]:
    """One row per base model of PARAM_QUOTES: canonical name, plain count, source, note."""
    rows = []
    for sid, label, printed, where, earlier in PARAM_QUOTES:
        note = f"as published ({where}): {label!r}, {printed!r}"
        if earlier:
            note += (f"; the earlier README version (commit 1cf8817) said {earlier!r}; "
                     "the latest version is kept")
        rows.append({"base_model": tasks.base_model_name(label), "params": plain_count(printed),
                     "source": sid, "note": note})
    return rows


def dev_grid_template() -> str:
    """Every (intermediate set x XTREME target x metric) cell of the paper's dev table, empty."""
    sets = [tasks.NONE, *tasks.PAPER_TASKS, tasks.MULTITASK_ALL]
    rows = []
    for inter in sets:
        for t in tasks.targets(tasks.XTREME):
            metrics = ("exact_match", "f1") if t.category == "qa" else (t.score_metric,)
            for m in metrics:
                rows.append({"base_model": "xlm-roberta-large", "intermediate": inter,
                             "target_task": t.name, "language": tasks.AVG, "split": "dev",
                             "metric": m, "value": "", "seed": "",
                             "source": "user:phang2020-dev-table", "note": ""})
    header = ["base_model", "intermediate", "target_task", "language", "split", "metric",
              "value", "seed", "source", "note"]
    return _csv_text(header, rows)


def main(argv: list[str] | None = None) -> int:
    """Write the built files under --out (default: the repository's data/)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--out", type=Path, default=REPO / "data")
    args = ap.parse_args(argv)
    for rel, text in build(args.shared).items():
        dest = args.out / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
        print(f"wrote {dest}")
    return 0


if __name__ == "__main__":
    shutil.disk_usage(REPO)  # fail early on an unreadable checkout
    sys.exit(main())
