#!/usr/bin/env bash
# Creates or updates one of the project's Python environments with the servers it pins:
#   infra/python-env.sh          .venv/          from infra/requirements.txt (Temporal CLI, MLflow)
#   infra/python-env.sh airflow  .venv-airflow/  from infra/airflow-requirements.txt (Apache Airflow, optional)
# Airflow has an environment of its own so that commands which do not use it never install it.
# Idempotent and safe to run concurrently; does nothing when the environment already matches its requirements.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="${1:-}"
if [[ -z "$name" ]]; then
  venv="$root/.venv"
  requirements="$root/infra/requirements.txt"
elif [[ "$name" =~ ^[a-z]+$ && -f "$root/infra/$name-requirements.txt" ]]; then
  venv="$root/.venv-$name"
  requirements="$root/infra/$name-requirements.txt"
else
  echo "python-env.sh: no infra/$name-requirements.txt" >&2
  exit 2
fi
source "$root/infra/ensure-venv.sh"

ensure_venv "$venv" "$requirements" \
  "saesplit: installing $(grep -cv '^\s*\(#\|$\)' "$requirements") Python package(s) into $venv ..."
