#!/usr/bin/env bash
# GPU check of issue 18, small: an SGNAS pipeline, an AG-Net supernet search and a RepNAS search
# with its merge, each with device=cuda and device=cpu, and `train --nproc 2`; prints wall times
# and the device each job stored in the workspace. On the GPU machine (device tool's run, carry
# [".device"]), after ../shared/tools/device-prepare.sh here:
#   bash .device/build.sh && bash tests/gpu/check_cuda.sh
# Anywhere else as a dry run: NAS_CHECK_TRAIN_LIMIT=512 NAS_CHECK_EPOCHS=1 tests/gpu/check_cuda.sh build/bin/nasstudio-cli
# Without CUDA, device=cuda falls back to the CPU (the documented rule, train/Device.h) and the
# script says so; it fails only when a job fails or a job's stored device contradicts the rule.
# Data-parallel ranks reduce over Gloo on the CPU (no NCCL backend yet), so --nproc 2 is a CPU run.
set -euo pipefail
cli=${1:-}
if [[ -z $cli ]]; then
  here=$(cd "$(dirname "$0")/../.." && pwd)
  [[ -f $here/.device/env.sh ]] && source "$here/.device/env.sh"
  cli=$here/.device/b/bin/nasstudio-cli
fi
[[ -x $cli ]] || { echo "check_cuda: no CLI at $cli (build first: bash .device/build.sh)" >&2; exit 2; }
threads=${NAS_CHECK_THREADS:-4}
limit=${NAS_CHECK_TRAIN_LIMIT:-4000}   # training images per job (a CPU dry run: 512)
epochs=${NAS_CHECK_EPOCHS:-2}          # supernet epochs
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

py() { python3 -c "$@"; }
info=$("$cli" info --json)
cuda=$(py "
import json, sys
def find(j, key):
    if isinstance(j, dict):
        for k, v in j.items():
            if k == key: return v
            r = find(v, key)
            if r is not None: return r
    return None
print(find(json.loads(sys.argv[1]), 'cuda'))" "$info" 2>/dev/null || echo "?")
echo "CLI: $cli"
echo "cuda in this build and machine: $cuda"
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,memory.total --format=csv,noheader; else echo "no nvidia-smi: no GPU here"; fi

# run_job NAME DEVICE ARGS...: runs one job, prints its wall time, the device it stored and its ranks.
run_job() {
  local name=$1 device=$2; shift 2
  local ws=$dir/$name-$device.nasdb t0 t1 out
  t0=$(date +%s.%N)
  if ! out=$("$cli" "$@" --workspace "$ws" --json 2>"$dir/err.txt"); then
    echo "FAILED: $name device=$device"; tail -20 "$dir/err.txt"; exit 1
  fi
  t1=$(date +%s.%N)
  local id
  id=$(py "import json,sys; print(json.loads(sys.argv[1]).get('job_id', 1))" "$out")
  local show
  show=$("$cli" jobs show "$id" --workspace "$ws" --json)
  py "
import json, sys
j = json.loads(sys.argv[1]); r = j.get('result') or {}
stored = r.get('device', '?'); ranks = r.get('ranks', 1)
asked = sys.argv[3]
print(f'{sys.argv[2]:<28} device={asked:<5} wall {float(sys.argv[5]) - float(sys.argv[4]):7.1f} s  stored device: {stored}  ranks: {ranks}')
if asked == 'cuda' and not stored.startswith('cuda'):
    print('   (no CUDA in this build or machine: cuda fell back to the CPU, as documented)')
if asked == 'cpu' and stored != 'cpu':
    sys.exit('stored device contradicts device=cpu')
" "$show" "$name" "$device" "$t0" "$t1"
}

sgnas=(-p preset=fashion-mnist -p dataset=fashion-mnist -p train_limit="$limit" -p supernet_epochs="$epochs" -p batch_size=128
       -p generator_epochs=2 -p generator_steps=10 -p eval_targets=3 -p random_per_target=1 -p eval_images=500
       -p threads="$threads")
agnet=(-p source=supernet -p strategy=random -p queries=10 -p dataset=fashion-mnist -p train_limit="$limit"
       -p eval_images=500 -p supernet_epochs="$epochs" -p channels=8 -p cells=1 -p threads="$threads")
# RepNAS: search (random, search, fixed epoch) and the merge on the device; latency is timed on the CPU.
repnas=(-p dataset=fashion-mnist -p train_limit="$limit" -p test_images=500 -p random_epochs=1 -p search_epochs=1
        -p fixed_epochs=1 -p latency_budget_ms=50 -p threads="$threads")
for device in cuda cpu; do
  run_job "sgnas pipeline" "$device" run sgnas -p device="$device" "${sgnas[@]}"
  run_job "agnet supernet search" "$device" run agnet -p device="$device" "${agnet[@]}"
  run_job "repnas search + merge" "$device" run repnas -p device="$device" "${repnas[@]}"
done

arch='|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|'
echo "train --nproc 2: Gloo on loopback (the ranks train on the CPU; NCCL is not built in yet)"
run_job "train --nproc 2" cpu train --nproc 2 --arch "$arch" --dataset fashion-mnist --epochs 1 --train-limit "$limit" \
  --channels 8 --cells 1 --threads "$threads" --seed 0
run_job "sgnas --nproc 2" cpu run sgnas --nproc 2 -p device=cpu "${sgnas[@]}"
echo "check_cuda: done (cuda in info: $cuda)"
