#!/usr/bin/env bash
# Quick start: set up this machine, then run pycompose on the bundled example stack
# examples/webapp (see its compose.yaml). Safe to run again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh

PROJECT_DIR=examples/webapp
# The main job pycompose runs on the example.
JOB=(up -d --wait)

printf '== pycompose --project-directory %s %s\n' "$PROJECT_DIR" "${JOB[*]}"
.venv/bin/pycompose --project-directory "$PROJECT_DIR" "${JOB[@]}"

case "${JOB[0]}" in
config)
    echo "Above: the example's configuration, resolved and normalized by pycompose."
    ;;
up)
    echo "The example runs: http://127.0.0.1:${WEBAPP_PORT:-8080}/"
    echo "Stop it with: .venv/bin/pycompose --project-directory $PROJECT_DIR down -v"
    ;;
esac
