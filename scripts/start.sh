#!/usr/bin/env bash
# Install the core package (no torch needed) into .venv and open the dashboard on the shipped
# data (published numbers and the real cpu_demo run) at http://127.0.0.1:8501. Extra args go to
# `xfer dashboard` (e.g. --port 8600).
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python_bin" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e .
exec .venv/bin/xfer dashboard "$@"
