#!/usr/bin/env bash
# Install everything (core + [train] + [dev] extras, CPU torch) into .venv, install Debian's
# Chromium for the browser smoke test, then run ruff and the whole test suite (unit, property,
# conformance, runner, AppTest, browser, and nbval on notebooks/). Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python_bin" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[train,dev]"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian chromium for the browser smoke test ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "warning: chromium could not be installed; the browser smoke test will be skipped"
  else
    echo "warning: chromium is missing and cannot be installed here (need root + apt-get);" \
         "the browser smoke test will be skipped"
  fi
fi

.venv/bin/ruff check .
.venv/bin/python -m pytest --nbval -p no:cacheprovider tests notebooks "$@"
