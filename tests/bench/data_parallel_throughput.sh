#!/usr/bin/env bash
# Data-parallel throughput (issue 18): the same `train` job in 1 process and in N local ranks
# (`--nproc N`, Gloo on loopback), alternating in one run, each process with the same intra-op
# threads. Prints training images per second (time inside training steps, rank 0's clock), the
# test accuracy and the ranks' parameter spread (0 = identical). With batch norm in the network,
# N ranks are not the same computation as 1 process (per-rank batch statistics; README).
# Usage: tests/bench/data_parallel_throughput.sh [CLI] [ROUNDS] [RANKS] [TRAIN_LIMIT] [THREADS]
set -euo pipefail
cli=${1:-build/bin/nasstudio-cli}
rounds=${2:-2}
ranks=${3:-2}
limit=${4:-2000}
threads=${5:-1}
arch='|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|'
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "fashion-mnist, $limit images, C=8 N=1, batch 64, 1 epoch, seed 0, $threads thread(s) per process"
for round in $(seq "$rounds"); do
  for n in 1 "$ranks"; do
    ws="$dir/$round-$n.nasdb"
    extra=()
    [[ $n -gt 1 ]] && extra=(--nproc "$n")
    "$cli" train "${extra[@]}" --arch "$arch" --dataset fashion-mnist --epochs 1 --train-limit "$limit" --channels 8 \
      --cells 1 --threads "$threads" --batch-size 64 --seed 0 --workspace "$ws" --json 2>/dev/null >"$dir/out.json"
    python3 -c "
import json, sys
j = json.load(open('$dir/out.json'))
print(f'round $round, {j[\"ranks\"]} rank(s): {j[\"train_images_per_s\"]:.1f} img/s, test acc {j[\"test_accuracy\"]:.4f}, '
      f'spread {j[\"rank_param_max_diff\"]}, load {open(\"/proc/loadavg\").read().split()[0]}')"
  done
done
