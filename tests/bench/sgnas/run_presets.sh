#!/bin/sh
# Issue 20's SGNAS figures (plugins/sgnas/README.md, "Paper and studio recipes"): one supernet
# trained once, both recipes' generators on it, held-out constraint satisfaction, generated vs
# random trained from scratch (paired by target), and the end-to-end cost against regularized
# evolution on the same supernet. Everything at one LibTorch thread, niced.
#   [SUPERNET_JOB=ID] [STEPS=1234] tests/bench/sgnas/run_presets.sh [WORKSPACE] [BUILD]        (~70 min on a busy 2-core machine)
# Prints one JSON line per job to stdout (grep '^{'); bench_sgnas prints the cost table.
set -eu
W=${1:-/tmp/sgnas-presets.nasws}
B=${2:-build}
CLI="nice -n 10 $B/bin/nasstudio-cli"
run() { $CLI run "$@" -w "$W" --json | tr -d '\n'; echo; }
jobid() { sed -n 's/.*"job_id": *\([0-9]*\).*/\1/p' | tail -1; }
# 1. the supernet (2 epochs on 12,800 images); its own generator phase is a 1-step stub.
#    Without 1 in STEPS, SUPERNET_JOB=ID names a finished job of the workspace instead.
STEPS=${STEPS:-1234}
S=${SUPERNET_JOB:-}
case $STEPS in *1*) S=$(run sgnas -p train_limit=16000 -p supernet_epochs=2 -p threads=1 -p generator_epochs=1 -p generator_steps=1 \
      -p eval_targets=2 -p random_per_target=0 -p seed=0 | tee /dev/stderr | jobid) ;; esac
# 2. both recipes on that supernet (20 selection targets, 19 + 20 held-out targets); 5 steps
#    per generator epoch (half the default) and 1 random baseline on 500 images, for CPU time
case $STEPS in *2*)
for R in studio paper; do
  J=$(run sgnas -p recipe=$R -p supernet_from_job=$S -p train_limit=16000 -p threads=1 -p eval_targets=20 \
        -p generator_steps=5 -p random_per_target=1 -p eval_images=500 -p heldout_random_targets=20 -p seed=0 | tee /dev/stderr | jobid)
  eval "JOB_$R=$J"
done ;;
*) JOB_studio=${JOB_studio:?}; JOB_paper=${JOB_paper:?} ;;
esac
case $STEPS in *3*)
# 3. from scratch, paired by target and seed (same initialisation and data order), measured on
#    test images that neither generator nor model selection saw. A: 16 targets x 2 seeds, 2
#    epochs on 2,000 images; B: 12 targets x 2 seeds, 3 epochs on 4,000 images (batch 32, 2,000
#    test images). (The first run, 6 targets x 1 seed on 1,000 test images, was too small.)
for R in studio paper; do
  eval "J=\$JOB_$R"
  run sgnas-scratch -p from_job=$J -p targets=16 -p seeds=2 -p epochs=2 -p train_limit=2000 -p batch_size=32 -p test_images=2000 \
      -p estimate_images=1000 -p threads=1 -p seed=0 >&2
done
for R in studio paper; do
  eval "J=\$JOB_$R"
  run sgnas-scratch -p from_job=$J -p targets=12 -p seeds=2 -p epochs=3 -p train_limit=4000 -p batch_size=32 -p test_images=2000 \
      -p estimate_images=1000 -p threads=1 -p seed=0 >&2
done ;; esac
case $STEPS in *4*)
# 4. cost: generator (its training counted) vs evolution per constraint, same supernet; evolution's
#    fitness on 500 of the job's held-out training images
for R in studio paper; do
  eval "J=\$JOB_$R"
  nice -n 10 "$B/bin/bench_sgnas" --workspace "$W" --job "$J" --calls 200 --evolution 30 --eval-images 500
done ;; esac
