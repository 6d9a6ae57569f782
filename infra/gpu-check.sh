#!/usr/bin/env bash
# Checks saesplit on an NVIDIA GPU: installs the CUDA libtorch (infra/torch-env.sh), builds the project if needed,
# then trains and caches on the GPU and on the CPU and prints each one's tokens/s and its efficiency against the
# device's measured fp32 GEMM rate (E for training, the same ratio for caching; docs/training-speed.md).
#
#   infra/gpu-check.sh            on a machine with an NVIDIA GPU; fails if none is visible
#   infra/gpu-check.sh --cpu      the same steps with the wheel's libtorch on the CPU (for machines without a GPU:
#                                 checks the install, the build and the engine loading, at small sizes)
#
# Extra arguments go to both 'bench train' runs, e.g. --steps 50 or --architecture topk.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=gpu
if [[ "${1:-}" == "--cpu" ]]; then
  mode=cpu
  shift
fi

if [[ "$mode" == gpu ]]; then
  if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
    echo "gpu-check: no NVIDIA GPU is visible here (nvidia-smi missing or lists none)." >&2
    echo "gpu-check: run it on a GPU machine, or 'infra/gpu-check.sh --cpu' to check the same steps on the CPU." >&2
    exit 1
  fi
  nvidia-smi -L
fi

echo "== CUDA libtorch (infra/torch-env.sh)"
start=$(date +%s)
SAESPLIT_LIBTORCH="$("$root/infra/torch-env.sh")"
export SAESPLIT_LIBTORCH
echo "libtorch: $SAESPLIT_LIBTORCH ($(( $(date +%s) - start )) s)"

if [[ "$mode" == gpu ]]; then
  device=cuda
  train_sizes=()
  cache_sizes=(--contexts 2048 --batch 64)
else
  # The wheel's libtorch on the CPU: the engine loads it through the same setting --device cuda uses.
  device=cpu
  train_sizes=(--d-sae 1024 --batch 1024 --steps 5 --max-warmup-steps 40)
  cache_sizes=(--contexts 64 --batch 16)
fi

echo "== training on $device (libtorch from the torch wheel)"
"$root/saesplit" bench train --device "$device" ${train_sizes[@]+"${train_sizes[@]}"} "$@"
echo "== caching on $device (libtorch from the torch wheel)"
"$root/saesplit" bench cache --device "$device" "${cache_sizes[@]}"

echo "== training on the CPU (Maven Central libtorch, the default build)"
env -u SAESPLIT_LIBTORCH "$root/saesplit" bench train --device cpu ${train_sizes[@]+"${train_sizes[@]}"} "$@"
echo "== caching on the CPU (Maven Central libtorch)"
env -u SAESPLIT_LIBTORCH "$root/saesplit" bench cache --device cpu --contexts 64 --batch 16
