#!/usr/bin/env bash
# Creates (once) a Python environment with the real SAELens and PyTorch, for the interop test that round-trips
# SAEs through SAELens. It lives outside the clone (~/.cache/saesplit/, or $SAESPLIT_SAELENS_VENV) so the
# multi-gigabyte download is paid once per machine, not once per checkout. Prints the environment's python.
# Idempotent and safe to run concurrently.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$root/infra/saelens-requirements.txt"
venv="${SAESPLIT_SAELENS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/saesplit/saelens-venv}"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

mkdir -p "$venv"
exec 9>"$venv/.lock"
flock 9
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "$venv/bin/python"
  exit 0
fi
echo "saesplit: installing SAELens and PyTorch into $venv (once per machine) ..." >&2
rm -f "$stamp"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
"$venv/bin/python" -c 'import sae_lens, torch' >&2
echo "$want" > "$stamp"
echo "$venv/bin/python"
