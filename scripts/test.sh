#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Debian machine, then run it all:
# ruff, mypy (strict on generator/) and pytest. Usage: ./scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests drive for real: Java (17 or later) and npm for the Nu HTML
# checker, Chromium for the preview's browser test (Playwright drives /usr/bin/chromium;
# it never downloads one).
need=()
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi

# The current Nu HTML checker, pinned: npm's vnu-jar ships vnu.jar (tests/conftest.py
# finds it in .ci/node, or at $VNU_JAR). --ignore-scripts: its postinstall would download
# a Java runtime, and Debian's is the one we use. Reinstalled only when the pin moves.
VNU_VERSION=26.9.27
vnu_package=.ci/node/node_modules/vnu-jar
if [ "$(node -p "require('./$vnu_package/package.json').version" 2>/dev/null)" != "$VNU_VERSION" ] \
   || [ ! -f "$vnu_package/build/dist/vnu.jar" ]; then
  npm install --prefix .ci/node --no-save --no-package-lock --ignore-scripts --no-audit \
    --no-fund --loglevel=error "vnu-jar@$VNU_VERSION"
fi
java -jar "$vnu_package/build/dist/vnu.jar" --version

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

.venv/bin/ruff check generator tests
.venv/bin/mypy
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass" >&2
fi
exit "$status"
