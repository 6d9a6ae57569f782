#!/usr/bin/env bash
# Creates (once) a Python environment with the real SAELens and PyTorch, for the interop test that round-trips
# SAEs through SAELens. It lives outside the clone (~/.cache/saesplit/, or $SAESPLIT_SAELENS_VENV) so the
# multi-gigabyte download is paid once per machine, not once per checkout. Prints the environment's python.
# Idempotent and safe to run concurrently.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$root/infra/saelens-requirements.txt"
venv="${SAESPLIT_SAELENS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/saesplit/saelens-venv}"
source "$root/infra/ensure-venv.sh"

ensure_venv "$venv" "$requirements" "saesplit: installing SAELens and PyTorch into $venv (once per machine) ..." \
  'import sae_lens, torch'
echo "$venv/bin/python"
