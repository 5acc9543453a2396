#!/usr/bin/env bash
# GC benchmark: regctl gc vs distribution's `registry garbage-collect`
# (Debian's docker-registry) on copies of the same generated data, in one
# run, with ratios. Both run with --delete-untagged on stopped storage.
#
#   bench/gc.sh [REPOS] [MANIFESTS_PER_REPO] [LAYERS_PER_MANIFEST]
#
# Defaults: 100 x 100 manifests with 2 layers = 10,000 manifests and 50,000
# blobs (config + 2 layers + 1 orphan + the manifest itself).
#
# Where: the work directory's filesystem as it is mounted (BENCH_DIR, else
# /tmp) and, when run as root with mkfs.ext4 at hand, a fresh ext4 with
# default mount options in a loop image on the same disk. The two can
# differ a lot: with the `discard` mount option every freed block is a
# synchronous TRIM sent to the device, so deletion speed is the device's,
# not the collector's; Debian and Ubuntu mount ext4 without it (and trim
# weekly with fstrim.timer). Where a collector's run sent discards, the
# last column measures how many a second the device completes with 32
# deletions in flight (bench/discard_rate.py) and so the fastest any run
# that frees that many blocks could be at that rate.
#
# Each timed run is `gc` followed by `sync`, so a collector pays for
# writing out its own changes instead of leaving them to the next run. The
# runs on each filesystem are ordered ABBA (distribution, regctl, regctl,
# distribution) on four identical copies, each after sync and a settle
# pause (GC_BENCH_SETTLE seconds, 30), and the ratio is of the sums, which
# cancels order and linear drift.
set -euo pipefail
cd "$(dirname "$0")/.."
repos=${1:-100} per=${2:-100} layers=${3:-2}
command -v docker-registry >/dev/null || { echo "docker-registry is required (apt-get install docker-registry)" >&2; exit 1; }
cargo build --release --quiet --bin regctl
regctl=$PWD/target/release/regctl
work=$(mktemp -d "${BENCH_DIR:-/tmp}/regctl-gc-bench.XXXXXX")
loop=""
cleanup() {
  if [ -n "$loop" ]; then umount "$work/ext4" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

python3 bench/gen_layout.py "$work/base" "$repos" "$per" "$layers"

dev_of() { # the block device (sysfs name) holding a directory
  basename "$(realpath "$(findmnt -n -o SOURCE --target "$1")")"
}

discards() { # discard requests the device holding a directory has completed
  local stat=/sys/class/block/$(dev_of "$1")/stat
  if [ -r "$stat" ]; then awk '{print $12}' "$stat"; else echo 0; fi
}

discard_floor() { # dir discards d1 d2: when a regctl run sent discards, the
  # device's rate of them under 32 concurrent deletions just after (it
  # varies with the moment and with how close together the freed blocks
  # lie), the shortest a run sending that many could take at that rate, and
  # the best ratio that would leave possible
  local dir=$1 n=$2 rate stat=/sys/class/block/$(dev_of "$1")/stat
  if [ "$n" = 0 ] || [ ! -r "$stat" ]; then echo "none sent"; return; fi
  rate=$(python3 bench/discard_rate.py "$dir/probe" "$stat")
  if [ "$rate" = 0 ]; then echo "none sent by the probe"; return; fi
  printf '%s/s just after: at that rate regctl needs >= %.1f s (ratio <= %.1fx)' "$rate" "$(echo "$n / $rate" | bc -l)" \
    "$(echo "($3 + $4) / 2 / ($n / $rate)" | bc -l)"
}

timed() { # log command...: prints the seconds of `command && sync` and the
  # discard requests sent to the device meanwhile (every block a collector
  # frees is one when the filesystem is mounted with `discard`)
  local t0 t1 n0 n1
  n0=$(discards "$(dirname "$1")")
  t0=$(date +%s.%N)
  "${@:2}" > "$1" 2>&1
  sync
  t1=$(date +%s.%N)
  n1=$(discards "$(dirname "$1")")
  echo "$(echo "$t1 - $t0" | bc -l) $((n1 - n0))"
}

left() { find "$1/docker/registry/v2/blobs" -name data | wc -l; }

bench_in() { # dir label: four copies, ABBA, one table row
  local dir=$1 label=$2 copy d1 r1 r2 d2 dn rn
  for copy in d1 r1 r2 d2; do
    cp -a "$work/base" "$dir/$copy"
    printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n' \
      "$dir/$copy" > "$dir/$copy.yml"
  done
  settle() { sync; sleep "${GC_BENCH_SETTLE:-30}"; }
  settle; read -r d1 dn < <(timed "$dir/d1.log" docker-registry garbage-collect --delete-untagged=true "$dir/d1.yml")
  settle; read -r r1 rn < <(timed "$dir/r1.log" "$regctl" gc --delete-untagged --min-age 0s --json --config "$dir/r1.yml")
  settle; read -r r2 _ < <(timed "$dir/r2.log" "$regctl" gc --delete-untagged --min-age 0s --json --config "$dir/r2.yml")
  settle; read -r d2 _ < <(timed "$dir/d2.log" docker-registry garbage-collect --delete-untagged=true "$dir/d2.yml")
  printf '| %s | %.1f s (%.1f + %.1f) | %.1f s (%.1f + %.1f) | %.1fx | %s / %s | %s / %s | %s |\n' "$label" \
    "$(echo "$d1 + $d2" | bc -l)" "$d1" "$d2" "$(echo "$r1 + $r2" | bc -l)" "$r1" "$r2" \
    "$(echo "($d1 + $d2) / ($r1 + $r2)" | bc -l)" "$(left "$dir/d1")" "$(left "$dir/r1")" "$dn" "$rn" \
    "$(discard_floor "$dir" "$rn" "$d1" "$d2")" >> "$work/rows"
  [ "$(left "$dir/d1")" = "$(left "$dir/r1")" ] || echo "note: the two collectors disagree on what to keep ($label)" >&2
  rm -rf "$dir"/d1 "$dir"/r1 "$dir"/r2 "$dir"/d2
}

fs_of() { # the mount point, filesystem type and options of a directory,
  # and whether it journals (without a journal, ext4 discards each freed
  # extent synchronously inside unlink and rmdir instead of in batches at
  # the journal's commit)
  local journal=""
  if [ "$(findmnt -n -o FSTYPE --target "$1")" = ext4 ]; then
    journal=", journal"
    ls /proc/fs/jbd2 2>/dev/null | grep -q "^$(dev_of "$1")-" || journal=", no journal"
  fi
  findmnt -n -o TARGET,FSTYPE,OPTIONS --target "$1" | awk -v j="$journal" '{print $2 " on " $1 j " (" $3 ")"}'
}

: > "$work/rows"
mkdir -p "$work/here"
bench_in "$work/here" "$(fs_of "$work/here")"
if [ "$(id -u)" = 0 ] && command -v mkfs.ext4 >/dev/null; then
  # Room for the four copies: about 1 GiB and 240,000 inodes each.
  truncate -s 8G "$work/ext4.img"
  mkfs.ext4 -q -F -i 4096 "$work/ext4.img"
  mkdir -p "$work/ext4"
  mount -o loop "$work/ext4.img" "$work/ext4"
  loop=1
  bench_in "$work/ext4" "ext4 with default options, loop image on the same disk"
else
  echo "note: not root (or no mkfs.ext4): only the work directory's filesystem is measured" >&2
fi

echo
echo "GC of $((repos * per)) manifests and $((repos * per * (layers + 3))) blobs, --delete-untagged; each run is gc + sync, ABBA"
echo
echo "| filesystem | distribution 2.8 | regctl | ratio | blobs left (distribution / regctl) | discard requests, one run (distribution / regctl) | device's discard rate and the floor it sets |"
echo "|---|---|---|---|---|---|---|"
cat "$work/rows"
