#!/usr/bin/env bash
# A real full disk (issue 19, item 5): a training job in a workspace on a 3 MB tmpfs (needs
# root for the mount; the suite's CliFullDiskTest uses a file size limit instead). The job must
# fail with "no space left", the workspace must stay readable (PRAGMA integrity_check, jobs
# list) and the job must resume and finish once the workspace has room again.
# Usage: sudo tests/soak/full_disk.sh [build-dir]
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" "${1:-}"
cli="${NAS_TEST_CLI:-$build/bin/nasstudio-cli}"
mnt="$(mktemp -d /tmp/nas-full-disk.XXXXXX)"
mount -t tmpfs -o size=3m tmpfs "$mnt" || { echo "full_disk: cannot mount a tmpfs (root needed)"; exit 77; }
trap 'umount "$mnt"; rmdir "$mnt"' EXIT
ws="$mnt/ws.nasdb"
fail() { echo "full_disk: FAILED: $*"; exit 1; }
id=$("$cli" run train --detach -p dataset=synthetic -p epochs=3 -p train_limit=512 -p channels=8 -p cells=1 \
  -p batch_size=16 -p threads=1 -p checkpoint_every=2 --workspace "$ws" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])')
"$cli" run-job --job "$id" --workspace "$ws" 2>"$mnt.err"; rc=$?
err="$(cat "$mnt.err")"; rm -f "$mnt.err"
echo "full_disk: the job exited with $rc: $err"
[[ $rc -ne 0 && $rc -lt 128 ]] || fail "expected an error exit, got $rc"
grep -q "no space left" <<<"$err" || fail "the error does not say that space ran out"
python3 - "$ws" <<'PY' || fail "the workspace is not readable"
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
ok = db.execute("PRAGMA integrity_check").fetchone()[0]
print("full_disk: integrity_check:", ok)
sys.exit(0 if ok == "ok" else 1)
PY
"$cli" jobs list --workspace "$ws" || fail "jobs list failed"
# Room again: copy the workspace out of the full tmpfs and resume there.
out="$(mktemp -d)"; cp "$ws" "$out/"; [[ -f "$ws-wal" ]] && cp "$ws-wal" "$out/"
"$cli" jobs resume "$id" --workspace "$out/ws.nasdb" --json >/dev/null || fail "the resume failed"
echo "full_disk: resumed to $("$cli" jobs show "$id" --workspace "$out/ws.nasdb" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
rm -rf "$out"
echo "full_disk: passed"
