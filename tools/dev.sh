#!/usr/bin/env bash
# ember developer entry point.
#   bash tools/dev.sh run    set up .venv (if needed) and run the main job (train a CNN on MNIST)
#   bash tools/dev.sh test   set up .venv (if needed) and run every test
#   bash tools/dev.sh setup  only set up .venv
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
py="${PYTHON:-python3}"
venv="$root/.venv"

setup() {
  if [ ! -x "$venv/bin/python" ]; then
    "$py" -m venv "$venv"
  fi
  # one pip call for all packages (see ../shared/notes/dependencies.md); quiet unless it fails
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r requirements-dev.txt
}

cmd="${1:-run}"
shift || true
case "$cmd" in
  setup) setup ;;
  run)
    setup
    exec "$venv/bin/python" examples/main.py "$@" ;;
  test)
    setup
    workers=2
    exec "$venv/bin/python" -m pytest -q -n "$workers" "$@" ;;
  *) echo "usage: bash tools/dev.sh {run|test|setup}" >&2; exit 2 ;;
esac
