"""Generated inputs for every results reader, `xfer import`, `xfer score` and the dashboard
upload, each with what must happen: a valid case must give exactly its rows, an invalid case
must give a typed error, a garbled case may give either but never anything else.

Plain `random.Random` generators, so the pytest harness (hypothesis picks the seeds) and
`benchmarks/bench_fuzz.py` (10,000+ seeds per format) run the same cases.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

VALID, INVALID, GARBLED = "valid", "invalid", "garbled"
TABLE_FORMATS = ("csv", "grid", "json", "jsonl", "parquet")
FORMATS = (*TABLE_FORMATS, "jiant", "hf")
SUFFIX = {"csv": ".csv", "grid": ".csv", "json": ".json", "jsonl": ".jsonl",
          "parquet": ".parquet", "jiant": ".json", "hf": ".json"}

TASKS = {"xnli": (["de", "fr", "sw", "en"], ["accuracy"]),
         "pawsx": (["de", "ja", "ko"], ["accuracy"]),
         "panx": (["de", "yo", "ta"], ["f1", "precision"]),
         "xquad": (["de", "th", "hi"], ["exact_match", "f1"])}
JIANT_METRIC = {"accuracy": "acc", "f1": "f1", "precision": "precision",
                "exact_match": "exact_match"}
TEXT_PIECES = ["run", "a", "b", "Ä", "日本", "x,y", 'q"uote', "semi;colon", "\x1f", " ",
               "\u2028", "\u0085", "\x0c", "tab\t", "line\nbreak", "-", "=", "@", "+", "#",
               "![i](http://x/y)", "é" * 3, "0", "1e5", "٣"]
BAD_NUMBERS = ["８５", "٨٥", "8_5", "1e999", "nan", "inf", "", "abc", "0x55", "85%", "8 5"]


@dataclass
class Case:
    """One generated file (or folder) and the outcome it must have."""

    format: str
    kind: str  # VALID, INVALID or GARBLED
    files: dict[str, bytes]
    expected: list[dict] = field(default_factory=list)  # VALID: the rows it must give
    why: str = ""

    def write(self, folder: Path) -> Path:
        """Write the files into `folder`; the path of the first (the results file)."""
        paths = []
        for name, data in self.files.items():
            path = folder / name
            path.write_bytes(data)
            paths.append(path)
        return paths[0]


def _text(rng: random.Random, short: bool = False) -> str:
    n = rng.randint(1, 3 if short else 6)
    text = "".join(rng.choice(TEXT_PIECES) for _ in range(n))
    if rng.random() < 0.02 and not short:
        text += "n" * rng.randint(130_000, 140_000)  # a field over csv's default 128 KiB
    if short and not text.strip():
        text += "r"  # names: blank text would mean "not given" (the default fills it)
    return text


def _value(rng: random.Random) -> float:
    return rng.choice([0.0, 100.0, round(rng.uniform(1.5, 99.9), rng.randint(0, 12))])


def valid_rows(rng: random.Random, n: int) -> list[dict]:
    """`n` rows with distinct keys and canonical names (so the expected table is known)."""
    rows, seen = [], set()
    run_id = _text(rng, short=True)
    while len(rows) < n:
        task = rng.choice(sorted(TASKS))
        langs, metrics = TASKS[task]
        row = {"run_id": run_id if rng.random() < 0.7 else _text(rng, short=True),
               "source": _text(rng, short=True), "base_model": rng.choice(
                   ["xlm-roberta-large", "mbert", "my-lab/model-" + _text(rng, short=True)]),
               "target_task": task, "language": rng.choice(langs), "split":
               rng.choice(["dev", "test"]), "metric": rng.choice(metrics),
               "value": _value(rng), "seed": rng.choice([None, 0, 1, 7, 2**62]),
               "note": _text(rng) if rng.random() < 0.5 else ""}
        if rng.random() < 0.3:
            row["model_params"] = rng.choice([1.0, 5.5e8, 3e11])
        if rng.random() < 0.3:
            row["confidence"] = rng.choice(["read directly", "secondary", "tertiary"])
        key = tuple(row[c] for c in ("run_id", "source", "base_model", "target_task",
                                     "language", "split", "metric", "seed"))
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return rows


MUTATIONS = (
    "bad number", "bad seed", "bad params", "nul", "conflict", "unknown column", "bad language",
    "no rows", "bad metric", "value over 100", "fraction",
)
JSON_MUTATIONS = ("surrogate", "deep", "huge int", "bookkeeping key", "not an object")


def mutate(rng: random.Random, rows: list[dict], fmt: str) -> tuple[list[dict], str]:
    """An invalid version of `rows` and what makes it invalid."""
    options = list(MUTATIONS) + (list(JSON_MUTATIONS) if fmt in ("json", "jsonl") else [])
    if fmt == "grid":
        options = [m for m in options if m not in ("bad params", "unknown column", "conflict")]
    how = rng.choice(options)
    rows = [dict(r) for r in rows]
    target = rng.choice(rows)
    if how == "bad number":
        target["value"] = rng.choice(BAD_NUMBERS) if fmt != "grid" else rng.choice(
            [b for b in BAD_NUMBERS if b.strip()])
    elif how == "bad seed":
        target["seed"] = rng.choice([2**63, 2**64 + 1, -1, 1.5, "٣", "1_0", 1e300])
    elif how == "bad params":
        target["model_params"] = rng.choice([0, -5, "-1e9", "ten"])
    elif how == "nul":
        names = ["note", "base_model", "source"] + ([] if fmt == "grid" else ["run_id"])
        target[rng.choice(names)] = "a\x00b"  # (a grid file has no run_id column)
    elif how == "conflict":
        twin = dict(target)
        field_, new = rng.choice([("value", 55.5 if target["value"] != 55.5 else 44.4),
                                  ("note", target["note"] + "x"),
                                  ("confidence", "tertiary" if target.get("confidence") !=
                                   "tertiary" else "secondary"),
                                  ("model_params", 123.0 if target.get("model_params") != 123.0
                                   else 456.0)])
        twin[field_] = new
        rows.append(twin)
    elif how == "unknown column":
        target["colour"] = "blue"
    elif how == "bad language":
        target["language"] = "xx-notalang"
    elif how == "no rows":
        rows = []
    elif how == "bad metric":
        target["metric"] = "bleu"
    elif how == "value over 100":
        target["value"] = 100.5
    elif how == "fraction":
        target["value"] = 0.5
    elif how == "surrogate":
        target["note"] = "\ud800"
    elif how == "deep":
        target["note"] = "DEEP"
    elif how == "huge int":
        target[rng.choice(["seed", "value", "model_params"])] = "HUGE"
    elif how == "bookkeeping key":
        target[rng.choice(["_line", "_record"])] = 3
    elif how == "not an object":
        rows.insert(rng.randrange(len(rows) + 1), "NOTOBJ")
    return rows, how


def _csv_bytes(rng: random.Random, rows: list[dict], columns: list[str]) -> bytes:
    out = io.StringIO(newline="")
    quoting = rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])
    writer = csv.writer(out, quoting=quoting if quoting != csv.QUOTE_NONNUMERIC
                        else csv.QUOTE_MINIMAL, lineterminator=rng.choice(["\n", "\r\n"]))
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    data = out.getvalue()
    if rng.random() < 0.1:
        data = "\ufeff" + data
    if rng.random() < 0.1:
        data += "\n\n"
    return data.encode("utf-8", "surrogatepass")


def _json_text(rng: random.Random, obj: object) -> str:
    text = json.dumps(obj, ensure_ascii=rng.random() < 0.5)
    text = text.replace('"DEEP"', "[" * 50_000 + "]" * 50_000)
    text = text.replace('"HUGE"', "9" * rng.choice([309, 4301, 6000]))
    return text.replace('"NOTOBJ"', rng.choice(["5", '"text"', "[]", "null"]))


def serialise(rng: random.Random, rows: list[dict], fmt: str) -> bytes:
    """`rows` written in a results format (column order and quoting chosen at random)."""
    if fmt in ("csv", "grid"):
        base = (["base_model", "intermediate", "target_task", "language", "split", "metric",
                 "value"] if fmt == "grid" else
                ["base_model", "target_task", "language", "split", "metric", "value"])
        extra = sorted({k for r in rows if isinstance(r, dict) for k in r} - set(base)
                       - ({"run_id", "model_params", "confidence"} if fmt == "grid" else set()))
        columns = base + extra
        rng.shuffle(columns)
        return _csv_bytes(rng, rows, columns)
    if fmt == "jsonl":
        lines = [_json_text(rng, r) for r in rows]
        sep = "\n" if rng.random() < 0.8 else "\r\n"
        return (sep.join(lines) + ("\n" if rng.random() < 0.7 else "")).encode(
            "utf-8", "surrogatepass")
    if fmt == "json":
        body = rows if rng.random() < 0.7 else {"results": rows}
        return _json_text(rng, body).encode("utf-8", "surrogatepass")
    if fmt == "parquet":
        return _parquet_bytes(rng, rows)
    raise ValueError(fmt)


def _parquet_bytes(rng: random.Random, rows: list[dict]) -> bytes:
    columns = sorted({k for r in rows for k in r})
    arrays = {}
    for c in columns:
        cells = [r.get(c) for r in rows]
        if c == "seed" and all(isinstance(v, int) or v is None for v in cells):
            kind = pa.uint64() if all(0 <= (v or 0) < 2**64 for v in cells) and rng.random() < 0.3 \
                else pa.int64() if all(-(2**63) <= (v or 0) < 2**63 for v in cells) \
                else pa.string()
            cells = [str(v) if kind == pa.string() and v is not None else v for v in cells]
        elif all(isinstance(v, float) or v is None for v in cells):
            kind = pa.float64()
        else:
            kind = pa.string()
            cells = [None if v is None else str(v) for v in cells]
        arrays[c] = pa.array(cells, kind)
    table = pa.table(arrays) if arrays else pa.table({"value": pa.array([], pa.float64())})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def expected_rows(rows: list[dict], fmt: str) -> list[dict]:
    """What a reader must give for valid `rows`: the key fields, value, note, as typed."""
    out = []
    for r in rows:
        out.append({"run_id": r["run_id"].strip() if fmt != "grid" else None,
                    "source": r["source"].strip(), "language": r["language"],
                    "seed": r["seed"], "value": float(r["value"]),
                    "note": (r.get("note") or "").strip()})
    return out


def table_case(rng: random.Random, fmt: str) -> Case:
    """A results table in `fmt`: valid, invalid (one mutation) or garbled (bytes damaged)."""
    rows = valid_rows(rng, rng.randint(1, 6))
    if fmt == "grid":
        for r in rows:
            r.pop("model_params", None)
            r.pop("confidence", None)
            r.pop("run_id", None)
            r["run_id"] = ""
            r["intermediate"] = rng.choice(["none", "mnli", "squad+mnli"])
    roll = rng.random()
    if roll < 0.35:
        data = serialise(rng, rows, fmt)
        return Case(fmt, VALID, {"results" + SUFFIX[fmt]: data}, expected_rows(rows, fmt))
    if roll < 0.85:
        bad, how = mutate(rng, rows, fmt)
        if fmt == "parquet" and how in ("huge int",):
            how = "bad seed"
            bad[0]["seed"] = -1
        data = serialise(rng, bad, fmt)
        return Case(fmt, INVALID, {"results" + SUFFIX[fmt]: data}, why=how)
    data = bytearray(serialise(rng, rows, fmt))
    for _ in range(rng.randint(1, 4)):
        if data:
            at = rng.randrange(len(data))
            action = rng.random()
            if action < 0.4:
                data[at] = rng.randrange(256)
            elif action < 0.7:
                del data[at:at + rng.randint(1, 8)]
            else:
                data[at:at] = rng.choice([b'"', b",", b"\n", b"\x00", b"{", b"\xff", b"\r"])
    return Case(fmt, GARBLED, {"results" + SUFFIX[fmt]: bytes(data)}, why="garbled bytes")


def jiant_case(rng: random.Random) -> Case:
    """A jiant `val_metrics.json` (0-1 scores; QA 0-100)."""
    doc: dict[str, object] = {"aggregated": rng.random()}
    expected = []
    for task in rng.sample(sorted(TASKS), rng.randint(1, 3)):
        langs, metrics = TASKS[task]
        for lang in rng.sample(langs, rng.randint(1, len(langs))):
            minor = {}
            for metric in metrics:
                score = round(rng.uniform(0.2, 0.99), 4)
                value = score * 100 if task == "xquad" else score
                minor[JIANT_METRIC[metric]] = value
                expected.append({"language": lang, "value": round(score * 100, 6)})
            doc[f"{task}_{lang}"] = {"loss": rng.random(),
                                     "metrics": {"major": rng.random(), "minor": minor}}
    if rng.random() < 0.2:
        doc["mnli"] = {"loss": 0.1, "metrics": {"major": 0.8, "minor": {"acc": 0.8}}}
    kind, why = VALID, ""
    if rng.random() < 0.6:
        kind = INVALID
        entry = next(k for k in doc if "_" in k and k != "aggregated")
        why = rng.choice(["wrong metric", "string value", "fraction over 1", "deep", "huge",
                          "bad name", "no minor", "nul name"])
        minor = doc[entry]["metrics"]["minor"]  # type: ignore[index]
        if why == "wrong metric":
            doc[entry]["metrics"]["minor"] = {"bleu": 0.5}  # type: ignore[index]
        elif why == "string value":
            minor[next(iter(minor))] = "0.5"
        elif why == "fraction over 1":
            if entry.startswith("xquad"):
                minor[next(iter(minor))] = 100.5
            else:
                minor[next(iter(minor))] = 1.5
        elif why == "deep":
            minor[next(iter(minor))] = "DEEP"
        elif why == "huge":
            minor[next(iter(minor))] = "HUGE"
        elif why == "bad name":
            doc["notatask_xx"] = doc.pop(entry)
        elif why == "no minor":
            doc[entry]["metrics"] = {"major": 0.5}  # type: ignore[index]
        elif why == "nul name":
            doc[entry.replace("_", "_\x00")] = doc.pop(entry)
    text = _json_text(rng, doc)
    return Case("jiant", kind, {"val_metrics.json": text.encode()}, expected, why)


def hf_case(rng: random.Random) -> Case:
    """A Hugging Face Trainer `eval_results.json` with its `xfer.yaml` sidecar."""
    task = rng.choice(sorted(TASKS))
    langs, metrics = TASKS[task]
    lang = rng.choice(langs)
    doc: dict[str, object] = {"eval_loss": rng.random(), "epoch": 3.0}
    expected = []
    for metric in metrics:
        score = round(rng.uniform(0.2, 0.99), 4)
        doc[f"eval_{metric}"] = score * 100 if task == "xquad" else score
        expected.append({"language": lang, "value": round(score * 100, 6)})
    sidecar = {"base_model": "xlm-roberta-large", "target_task": task, "language": lang,
               "seed": rng.randint(0, 5)}
    kind, why = VALID, ""
    if rng.random() < 0.6:
        kind = INVALID
        why = rng.choice(["no metric", "string value", "bad sidecar", "deep", "bad seed",
                          "bad language"])
        if why == "no metric":
            doc = {"eval_loss": 0.5}
        elif why == "string value":
            doc[f"eval_{metrics[0]}"] = "0.5"
        elif why == "bad sidecar":
            sidecar["colour"] = "blue"
        elif why == "deep":
            doc[f"eval_{metrics[0]}"] = "DEEP"
        elif why == "bad seed":
            sidecar["seed"] = 2**63
        elif why == "bad language":
            sidecar["language"] = "xx-notalang"
    return Case("hf", kind, {"eval_results.json": _json_text(rng, doc).encode(),
                             "xfer.json": json.dumps(sidecar).encode()}, expected, why)


def case(rng: random.Random, fmt: str) -> Case:
    """One generated case of reader format `fmt`."""
    if fmt == "jiant":
        return jiant_case(rng)
    if fmt == "hf":
        return hf_case(rng)
    return table_case(rng, fmt)


SCORE_TASKS = ("xnli", "udpos", "xquad", "mewslix", "bucc2018")


def score_case(rng: random.Random) -> tuple[str, str, bytes, bytes]:
    """(task, file extension, labels, predictions) for `xfer score`: well-formed, damaged or
    of the wrong shape; scoring gives a result or a ScoringError."""
    task = rng.choice(SCORE_TASKS)
    pieces = ["a", "B-PER", "I-LOC", "O", "entailment", "\x0c", "\u2028", "\r", "\t", ""]
    if task in ("xnli", "udpos", "bucc2018"):
        def lines() -> bytes:
            return "\n".join("".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
                             for _ in range(rng.randint(0, 6))).encode()
        return task, "tsv", lines(), lines()

    def junk() -> object:
        return rng.choice([5, "x", None, [], ["a", ["b"]], {"text": 5}, 1.5, "DEEP", "HUGE",
                           True])
    if task == "xquad":
        answers = [{"text": rng.choice(["Paris", "x", junk()])} for _ in range(rng.randint(0, 2))]
        qid = rng.choice(["q1", "q1", junk()])
        gold = {"data": [{"paragraphs": [{"qas": [{"id": qid, "answers": answers}]}]}]}
        if rng.random() < 0.2:
            gold = junk()
        pred = {"q1": rng.choice(["Paris", "paris!", junk()])}
        return task, "json", _json_text(rng, gold).encode(), _json_text(rng, pred).encode()
    gold = {"q1": rng.choice([["a", "b"], [junk()], junk()])}
    pred = {"q1": rng.choice([["a", "c"], ["b"], [junk()], junk()])}
    return task, "json", _json_text(rng, gold).encode(), _json_text(rng, pred).encode()
