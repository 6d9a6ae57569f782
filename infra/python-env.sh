#!/usr/bin/env bash
# Creates or updates the project's Python environment (.venv) with the servers in infra/requirements.txt.
# Idempotent and safe to run concurrently; does nothing when .venv already matches the requirements.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
requirements="$root/infra/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

mkdir -p "$venv"
exec 9>"$venv/.lock"
flock 9
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
echo "saesplit: installing $(grep -cv '^\s*\(#\|$\)' "$requirements") Python package(s) into $venv ..." >&2
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
echo "$want" > "$stamp"
