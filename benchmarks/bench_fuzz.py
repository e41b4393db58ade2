"""The fuzz harness at scale: N generated cases per reader format through `results.read`
(every Uth also through the dashboard upload, every Kth through `xfer import`, which opens a
store per case), and N generated `xfer score` pairs. Counts outcomes; any crash (an
exception that is not a typed error), silent accept (an invalid file read without error),
wrong table or disagreement between entry points is printed with its seed and counted.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_fuzz.py [--cases 10000] [--import-every 50]
        [--upload-every 10] [--formats csv json ...]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "fuzz"), str(ROOT / "dashboard")]

from cases import FORMATS, case, score_case  # noqa: E402
from check import Finding, check_case, check_score  # noqa: E402


def main() -> None:
    """Run the cases, print one JSON object of counts per format (and the findings)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--import-every", type=int, default=50)
    parser.add_argument("--upload-every", type=int, default=10)
    parser.add_argument("--formats", nargs="+", default=[*FORMATS, "score"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    report: dict[str, dict[str, int]] = {}
    findings: list[str] = []
    for fmt in args.formats:
        counts: Counter[str] = Counter()
        start = time.perf_counter()
        for n in range(args.cases):
            seed = args.seed * 1_000_003 + n
            rng = random.Random(f"{fmt}:{seed}")
            try:
                if fmt == "score":
                    counts[f"score {check_score(*score_case(rng))}"] += 1
                    continue
                generated = case(rng, fmt)
                outcomes = check_case(generated, with_import=n % args.import_every == 0,
                                      with_upload=n % args.upload_every == 0)
            except Finding as finding:
                counts[finding.kind] += 1
                findings.append(f"{fmt} seed {seed}: {finding}"[:400])
                continue
            counts[f"{generated.kind} {outcomes['read']}"] += 1
            counts["upload checked"] += "upload" in outcomes
            counts["import checked"] += "import" in outcomes
            if "arrow" in outcomes:  # csv: Arrow's reading checked against the csv module's
                counts[f"arrow {outcomes['arrow']}"] += 1
        counts["seconds"] = round(time.perf_counter() - start)
        report[fmt] = dict(sorted(counts.items()))
        print(json.dumps({fmt: report[fmt]}), flush=True)
    print(json.dumps({"cases_per_format": args.cases, "findings": len(findings)}))
    for line in findings[:50]:
        print(line)


if __name__ == "__main__":
    main()
