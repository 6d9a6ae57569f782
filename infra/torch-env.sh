#!/usr/bin/env bash
# Creates (once) a Python environment holding PyPI's torch wheel, whose torch/lib is the CUDA build of libtorch
# that DJL's PyTorch engine loads for --device cuda (Maven Central carries only the CPU libtorch). It lives
# outside the clone (~/.cache/saesplit/, or $SAESPLIT_TORCH_VENV) so the multi-gigabyte download is paid once
# per machine. Prints the libtorch directory (torch/lib) on stdout; progress goes to stderr.
# Idempotent and safe to run concurrently.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$root/infra/torch-requirements.txt"
venv="${SAESPLIT_TORCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/saesplit/torch-venv}"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
libdir() { "$venv/bin/python" -c 'import importlib.util, os; print(os.path.join(importlib.util.find_spec("torch").submodule_search_locations[0], "lib"))'; }

mkdir -p "$venv"
exec 9>"$venv/.lock"
flock 9
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  libdir
  exit 0
fi
echo "saesplit: installing PyPI's torch (CUDA libtorch) into $venv (once per machine) ..." >&2
rm -f "$stamp"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
"$venv/bin/python" -c 'import torch; print("saesplit: torch", torch.__version__, "cuda", torch.version.cuda)' >&2
echo "$want" > "$stamp"
libdir
