#!/usr/bin/env python3
"""Measures how many discard (TRIM) requests a second a filesystem's device
completes when files are deleted from many threads at once, as a collector's
sweep deletes.

usage: discard_rate.py DIR STAT_FILE [FILES] [THREADS]

DIR is a scratch directory on the filesystem to measure (created, emptied and
removed); STAT_FILE is the device's /sys/class/block/<dev>/stat, whose 12th
field counts completed discards. Prints the rate, or 0 when deleting sent no
discards (the filesystem is not mounted with `discard`). On a filesystem that
discards every freed block synchronously, a collector that frees N blocks
cannot finish in less than N divided by the device's rate, however it
deletes. The rate varies from moment to moment and is higher for freshly
written neighbouring files like these than for an aged layout, so this is
an optimistic estimate of it, and the floor it gives a low one.
"""
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def discards(stat_file):
    with open(stat_file) as f:
        return int(f.read().split()[11])


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    scratch, stat_file = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    os.makedirs(scratch)
    # Small files like registry link files: one block each, so one discard.
    names = [os.path.join(scratch, str(i)) for i in range(count)]
    for name in names:
        with open(name, "wb") as f:
            f.write(b"sha256:" + b"0" * 64)
    os.sync()
    before = discards(stat_file)
    start = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(os.unlink, names, chunksize=64))
    os.sync()
    seconds = time.monotonic() - start
    sent = discards(stat_file) - before
    os.rmdir(scratch)
    print(round(sent / seconds) if sent else 0)


if __name__ == "__main__":
    main()
