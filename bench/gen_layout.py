#!/usr/bin/env python3
"""Writes a registry in distribution's on-disk layout directly, for GC benchmarks.

usage: gen_layout.py ROOT REPOS MANIFESTS_PER_REPO LAYERS_PER_MANIFEST

Every manifest has a config and LAYERS_PER_MANIFEST layers of its own (small
blobs, so the run measures metadata work, not bytes). Every other manifest is
tagged; the rest are untagged revisions, so --delete-untagged has work, and
one orphan blob per manifest is linked but unreferenced.
"""
import hashlib
import json
import os
import sys


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def blob(root, data):
    d = hashlib.sha256(data).hexdigest()
    write(f"{root}/docker/registry/v2/blobs/sha256/{d[:2]}/{d}/data", data)
    return "sha256:" + d


def main():
    root, repos, per_repo, layers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    v2 = f"{root}/docker/registry/v2"
    n = 0
    for r in range(repos):
        name = f"bench/repo{r:04d}"
        repo = f"{v2}/repositories/{name}"
        for m in range(per_repo):
            n += 1
            cfg = blob(root, json.dumps({"architecture": "amd64", "os": "linux", "n": n}).encode())
            lays = [blob(root, f"layer {n} {i}".encode() * 4) for i in range(layers)]
            orphan = blob(root, f"orphan {n}".encode())
            for d in [cfg, orphan] + lays:
                write(f"{repo}/_layers/sha256/{d[7:]}/link", d.encode())
            man = json.dumps({
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg, "size": 1},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": 1} for d in lays],
            }).encode()
            md = blob(root, man)
            write(f"{repo}/_manifests/revisions/sha256/{md[7:]}/link", md.encode())
            if m % 2 == 0:
                write(f"{repo}/_manifests/tags/t{m}/current/link", md.encode())
                write(f"{repo}/_manifests/tags/t{m}/index/sha256/{md[7:]}/link", md.encode())
    print(f"{n} manifests, {n * (layers + 3)} blobs under {root}")


if __name__ == "__main__":
    main()
