#!/usr/bin/env bash
# The whole test suite, as CI runs it: set up the machine, then lint, type-check and test.
# Arguments go to pytest instead of the default `tests` (say, `-m "not engine"` or one file).
# Every check runs even when an earlier one fails; the exit code is non-zero if any failed,
# including pytest's exit code 5 (no tests collected).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh

failed=()
run() {
    local name="$1"
    shift
    printf '== %s\n' "$*"
    "$@" || failed+=("$name (exit $?)")
}

run ruff .venv/bin/ruff check .
run mypy .venv/bin/mypy
if (($# == 0)); then
    set -- tests
fi
run pytest .venv/bin/pytest -n 2 --dist loadfile "$@"

if ((${#failed[@]})); then
    printf 'FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "all checks passed"
