#!/bin/sh
# Regenerates the oracle outputs beside each compose file (run from anywhere).
# ORACLE is Docker Compose v2.40.3's Go binary.
set -e
cd "$(dirname "$0")"
ORACLE=${ORACLE:-../../../../.venv/lib/python3.11/site-packages/compose/docker-compose}
for f in services models resources keys; do
  "$ORACLE" -f "$f.yaml" --profile '*' config --format json > "$f.config.json"
  "$ORACLE" -f "$f.yaml" --profile '*' config --format yaml > "$f.config.yaml"
done
"$ORACLE" -f services.yaml --profile '*' config --no-interpolate --format json > services.no-interpolate.json
