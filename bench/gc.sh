#!/usr/bin/env bash
# GC benchmark: regctl gc vs distribution's `registry garbage-collect`
# (Debian's docker-registry) on copies of the same generated data, in one
# run, with a ratio. Both run with --delete-untagged on stopped storage.
#
#   bench/gc.sh [REPOS] [MANIFESTS_PER_REPO] [LAYERS_PER_MANIFEST]
#
# Defaults: 100 x 100 manifests with 2 layers = 10,000 manifests and 50,000
# blobs (config + 2 layers + 1 orphan + the manifest itself).
#
# Deleting tens of thousands of files leaves the filesystem busy for a while
# after the process exits (sync does not cover all of it), so whichever
# collector runs second pays for the first. The runs are therefore ordered
# ABBA (distribution, regctl, regctl, distribution) on four identical copies
# and the ratio is of the sums, which cancels order and linear drift; each
# run starts after sync and a settle pause (GC_BENCH_SETTLE seconds, 30).
set -euo pipefail
cd "$(dirname "$0")/.."
repos=${1:-100} per=${2:-100} layers=${3:-2}
command -v docker-registry >/dev/null || { echo "docker-registry is required (apt-get install docker-registry)" >&2; exit 1; }
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_layout.py "$work/d1" "$repos" "$per" "$layers"
for copy in r1 r2 d2; do cp -a "$work/d1" "$work/$copy"; done
for copy in d1 d2 r1 r2; do
  printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n' "$work/$copy" > "$work/$copy.yml"
done

timed() { # name command...: runs after a sync and a settle pause, prints seconds
  sync
  sleep "${GC_BENCH_SETTLE:-30}"
  local t0 t1
  t0=$(date +%s.%N)
  "${@:2}" > "$work/$1.log" 2>&1
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
dist() { timed "$1" docker-registry garbage-collect --delete-untagged=true "$work/$1.yml"; }
ours() { timed "$1" ./target/release/regctl gc --delete-untagged --min-age 0s --json --config "$work/$1.yml"; }

d1=$(dist d1); r1=$(ours r1); r2=$(ours r2); d2=$(dist d2)
left() { find "$work/$1/docker/registry/v2/blobs" -name data | wc -l; }
ratio=$(echo "($d1 + $d2) / ($r1 + $r2)" | bc -l)
printf '\n%-36s %14s %14s %8s\n' "GC, $((repos * per)) manifests" "distribution" "regctl" "ratio"
printf '%-36s %13.2fs %13.2fs\n' "--delete-untagged, runs 1 and 2" "$d1" "$r1"
printf '%-36s %13.2fs %13.2fs\n' "--delete-untagged, runs 4 and 3" "$d2" "$r2"
printf '%-36s %13.2fs %13.2fs %7.1fx\n' "sum (ABBA)" "$(echo "$d1 + $d2" | bc -l)" "$(echo "$r1 + $r2" | bc -l)" "$ratio"
printf '%-36s %14s %14s\n' "blobs left" "$(left d1)" "$(left r1)"
[ "$(left d1)" = "$(left r1)" ] || echo "note: the two collectors disagree on what to keep" >&2
