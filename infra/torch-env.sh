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
source "$root/infra/ensure-venv.sh"

ensure_venv "$venv" "$requirements" \
  "saesplit: installing PyPI's torch (CUDA libtorch) into $venv (once per machine) ..." \
  'import torch; print("saesplit: torch", torch.__version__, "cuda", torch.version.cuda)'
"$venv/bin/python" -c 'import importlib.util, os; print(os.path.join(importlib.util.find_spec("torch").submodule_search_locations[0], "lib"))'
