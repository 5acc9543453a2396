#!/usr/bin/env python3
"""A rollout: 16 clients pull one image at once, regctl vs distribution.

Each client runs in a container of its own on a Docker network made for
the run, so each has its own network namespace and address, as the nodes
of a cluster rolling out a deployment do. The two servers run on the host,
listening on that network's gateway address (not loopback), with the same
certificate and on the same disk: `regctl serve` and Debian's
`docker-registry` (distribution 2.8). The image has 8 gzip layers of
64 MiB (512 MiB), random bytes, pushed to both with skopeo.

Per server and client kind, in rounds that alternate which server goes
first, all 16 clients are started, wait at a barrier, and pull the whole
image (manifest, config, 8 layers):

  curl    3 layers at a time, as the Docker engine downloads them
  skopeo  `skopeo copy` into a tmpfs, which checks every digest

over TLS, and with curl also over plain HTTP. The table prints the
aggregate throughput (16 x image / time to the last client's end), the
slowest client's time, the server's CPU seconds per GB sent (from
/proc/PID/stat), what the rest of the machine spent per GB (the clients,
from /proc/stat) and how busy its cores were, medians over the rounds,
and regctl / distribution.

Then the Docker engine itself pulls the image through the gateway address
(the CA is put under /etc/docker/certs.d/ADDR:PORT/ for the run and
removed after), with the image removed between rounds. That pull is bound
by the engine's decompression and extraction, not by the server; the time
is reported as measured.

    bench/rollout.py [--rounds N] [--clients N] [--no-docker-pull]

Needs: root, a running Docker engine, cargo, docker-registry, curl,
skopeo, openssl. The client containers are an image imported from an
empty root with the host's /usr mounted read-only (no registry is needed
to build it). Everything the run creates (containers, network, image,
certs.d entry, work directory) is removed at the end, also on failure.
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

from common import flag_value, free_port, need, process_cpu_seconds, self_signed_certificate, \
    write_registry_config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1 << 20
LAYERS = 8
LAYER_BYTES = 64 * MIB
NAME = "regctl-rollout-bench"
IMAGE_REF = "bench/rollout:latest"


ROUNDS = int(flag_value("--rounds", 3))
CLIENTS = int(flag_value("--clients", 16))
DOCKER_PULL = "--no-docker-pull" not in sys.argv


def run(*argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw).stdout


def machine_cpu():
    """CPU seconds the whole machine has spent busy (all cores)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]  # user nice system irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def docker(*args, check=True):
    return subprocess.run(["docker", *args], check=check, capture_output=True, text=True).stdout


# ---- the image -------------------------------------------------------------


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(4 * MIB):
            h.update(block)
    return h.hexdigest()


def write_blob(layout, data_or_path):
    """Stores a blob in the OCI layout; returns (digest, size)."""
    blobs = os.path.join(layout, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    if isinstance(data_or_path, bytes):
        digest = hashlib.sha256(data_or_path).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as f:
            f.write(data_or_path)
        return f"sha256:{digest}", len(data_or_path)
    digest = sha256_file(data_or_path)
    size = os.path.getsize(data_or_path)
    os.replace(data_or_path, os.path.join(blobs, digest))
    return f"sha256:{digest}", size


def make_image(layout):
    """An OCI layout holding one image: LAYERS gzip layers, each a tar of
    one file of random bytes; returns the bytes of all its blobs."""
    os.makedirs(layout)
    layers, diff_ids = [], []
    for i in range(LAYERS):
        tar_path = os.path.join(layout, f"layer{i}.tar")
        with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as tar:
            info = tarfile.TarInfo(f"data/layer{i}.bin")
            info.size = LAYER_BYTES - 2048  # the tar's own blocks make up the rest
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(os.urandom(info.size)))
        diff_ids.append("sha256:" + sha256_file(tar_path))
        gz_path = tar_path + ".gz"
        with open(tar_path, "rb") as src, gzip.open(gz_path, "wb", compresslevel=1) as dst:
            shutil.copyfileobj(src, dst, 4 * MIB)
        os.unlink(tar_path)
        digest, size = write_blob(layout, gz_path)
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                       "digest": digest, "size": size})
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": ["/data/none"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }).encode()
    config_digest, config_size = write_blob(layout, config)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": config_size},
        "layers": layers,
    }).encode()
    manifest_digest, manifest_size = write_blob(layout, manifest)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest, "size": manifest_size,
            "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}, f)
    return [l["digest"] for l in layers], config_digest, \
        sum(l["size"] for l in layers) + config_size + manifest_size


# ---- servers -----------------------------------------------------------------


class Server:
    def __init__(self, name, argv_for, work, addr, tls):
        self.name, self.addr, self.tls = name, addr, tls
        self.port = free_port()
        d = os.path.join(work, name)
        os.makedirs(os.path.join(d, "data"))
        self.config = os.path.join(d, "config.yml")
        write_registry_config(self.config, os.path.join(d, "data"), f"{addr}:{self.port}", tls)
        self.argv = argv_for(self.config)
        self.log = open(os.path.join(d, "server.log"), "w")
        self.proc = None

    @property
    def host(self):
        return f"{self.addr}:{self.port}"

    def base_url(self):
        return f"{'https' if self.tls else 'http'}://{self.host}"

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdout=self.log, stderr=self.log)
        for _ in range(2000):
            try:
                socket.create_connection((self.addr, self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    sys.exit(f"{self.name} exited; see {self.log.name}")
                time.sleep(0.005)
        sys.exit(f"{self.name} did not start")

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()
            self.proc = None

    def cpu_seconds(self):
        return process_cpu_seconds(self.proc.pid)


# ---- clients -----------------------------------------------------------------

CLIENT_SCRIPT = r"""#!/bin/sh
# client.sh NAME KIND BASE_URL HOST: waits for /sync/go, pulls, reports.
name=$1 kind=$2 base=$3 host=$4
touch /sync/ready.$name
while [ ! -e /sync/go ]; do sleep 0.005; done
t0=$(date +%s.%N)
if [ "$kind" = skopeo ]; then
  rm -rf /scratch/img
  if [ "${base%%:*}" = https ]; then tls="--src-cert-dir /sync/certs"; else tls="--src-tls-verify=false"; fi
  HOME=/tmp skopeo copy --quiet --insecure-policy $tls docker://$host/__IMAGE__ dir:/scratch/img >/sync/log.$name 2>&1
  rc=$?
  bytes=$(du -sb /scratch/img | cut -f1)
  rm -rf /scratch/img
else
  urls="$base/v2/bench/rollout/manifests/latest"
  for d in $(cat /sync/blobs); do urls="$urls $base/v2/bench/rollout/blobs/$d"; done
  out=""
  for u in $urls; do out="$out -o /dev/null $u"; done
  curl -sS --fail -Z --parallel-max 3 --cacert /sync/certs/ca.crt \
      -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
      -w '%{size_download}\n' $out >/tmp/sizes 2>/sync/log.$name
  rc=$?
  bytes=$(awk '{s += $1} END {print s + 0}' /tmp/sizes)
fi
t1=$(date +%s.%N)
echo "$t0 $t1 $rc $bytes" > /sync/result.$name.tmp
mv /sync/result.$name.tmp /sync/result.$name
""".replace("__IMAGE__", IMAGE_REF)


def client_image(work):
    """An image imported from an empty root: /usr comes from the host,
    mounted read-only when a container starts (with /etc/alternatives,
    where Debian's awk and friends point)."""
    root = os.path.join(work, "client-root.tar")
    with tarfile.open(root, "w") as tar:
        for d in ("usr", "etc", "tmp", "sync", "scratch", "proc", "sys", "dev", "run"):
            info = tarfile.TarInfo(d)
            info.type, info.mode = tarfile.DIRTYPE, 0o1777 if d == "tmp" else 0o755
            tar.addfile(info)
        for link, target in (("bin", "usr/bin"), ("lib", "usr/lib"), ("lib64", "usr/lib64"),
                             ("sbin", "usr/sbin")):
            info = tarfile.TarInfo(link)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
        for name, text in (("etc/passwd", "root:x:0:0:root:/tmp:/bin/sh\n"),
                           ("etc/group", "root:x:0:\n")):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    run("docker", "import", root, f"{NAME}-client:latest")


class Clients:
    def __init__(self, work, network):
        self.sync = os.path.join(work, "sync")
        os.makedirs(os.path.join(self.sync, "certs"))
        with open(os.path.join(self.sync, "client.sh"), "w") as f:
            f.write(CLIENT_SCRIPT)
        self.names = [f"{NAME}-{i:02d}" for i in range(CLIENTS)]
        for name in self.names:
            docker("run", "-d", "--name", name, "--network", network,
                   "-v", "/usr:/usr:ro", "-v", "/etc/alternatives:/etc/alternatives:ro",
                   "-v", f"{self.sync}:/sync",
                   "--tmpfs", "/scratch:size=1g", "--tmpfs", "/tmp",
                   f"{NAME}-client:latest", "/usr/bin/sleep", "infinity")

    def clear(self):
        for f in os.listdir(self.sync):
            if f.startswith(("ready.", "result.", "log.")) or f == "go":
                os.unlink(os.path.join(self.sync, f))

    def pull(self, server, kind, image_bytes):
        """All clients pull at once; returns (aggregate MB/s, slowest client
        s, server CPU s per GB, the rest of the machine's CPU s per GB
        (the clients), how busy the machine's cores were (0..1))."""
        self.clear()
        for name in self.names:
            docker("exec", "-d", name, "/bin/sh", "/sync/client.sh", name, kind,
                   server.base_url(), server.host)
        deadline = time.time() + 120
        while sum(f.startswith("ready.") for f in os.listdir(self.sync)) < CLIENTS:
            if time.time() > deadline:
                sys.exit("the clients did not get ready")
            time.sleep(0.01)
        cpu0, all0 = server.cpu_seconds(), machine_cpu()
        go = time.time()
        open(os.path.join(self.sync, "go"), "w").close()
        deadline = go + 900
        while sum(f.startswith("result.") and not f.endswith(".tmp")
                  for f in os.listdir(self.sync)) < CLIENTS:
            if time.time() > deadline:
                sys.exit(f"{kind} pulls from {server.name} did not finish")
            time.sleep(0.02)
        cpu, everything = server.cpu_seconds() - cpu0, machine_cpu() - all0
        ends, slowest, total = [], 0.0, 0
        for name in self.names:
            with open(os.path.join(self.sync, f"result.{name}")) as f:
                fields = f.read().split()
            t0, t1, rc, nbytes = (fields + ["?", "0"])[:4] if len(fields) < 4 else fields
            if rc != "0" or not nbytes.isdigit() or int(nbytes) < image_bytes:
                with open(os.path.join(self.sync, f"log.{name}")) as f:
                    sys.exit(f"{kind} client {name} failed against {server.name} "
                             f"(exit {rc}, {nbytes} bytes): {f.read()[-500:]}")
            ends.append(float(t1))
            slowest = max(slowest, float(t1) - float(t0))
            total += int(nbytes)
        elapsed = max(ends) - go
        gb = total / 1e9
        # The clients' share: everything the machine did but the server.
        return total / 1e6 / elapsed, slowest, cpu / gb, (everything - cpu) / gb, \
            everything / elapsed / os.cpu_count()

    def remove(self):
        for name in self.names:
            docker("rm", "-f", name, check=False)


def docker_pull(server, image_bytes):
    """Seconds the Docker engine takes to pull the image, the server's CPU
    s per GB, and the cores the rest of the machine kept busy meanwhile
    (the engine: verifying, decompressing, extracting), with the image
    removed first."""
    ref = f"{server.host}/{IMAGE_REF}"
    docker("rmi", "-f", ref, check=False)
    cpu0, all0 = server.cpu_seconds(), machine_cpu()
    t0 = time.perf_counter()
    docker("pull", "-q", ref)
    elapsed = time.perf_counter() - t0
    cpu, everything = server.cpu_seconds() - cpu0, machine_cpu() - all0
    docker("rmi", "-f", ref, check=False)
    return elapsed, cpu / (image_bytes / 1e9), (everything - cpu) / elapsed


def main():
    if os.geteuid() != 0:
        sys.exit("run as root: the Docker engine's certs.d is written for the docker pull rows")
    for tool, pkg in (("cargo", None), ("docker-registry", None), ("curl", None),
                      ("skopeo", None), ("openssl", None), ("docker", "docker.io")):
        need(tool, pkg)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "regctl"], cwd=REPO, check=True)
    regctl = os.path.join(REPO, "target/release/regctl")
    work = tempfile.mkdtemp(prefix="regctl-rollout-", dir=os.environ.get("BENCH_DIR"))
    os.chmod(work, 0o755)
    servers, clients = [], None
    certs_d_existed = os.path.isdir("/etc/docker/certs.d")
    results = {}
    try:
        docker("network", "rm", NAME, check=False)
        docker("network", "create", NAME)
        gateway = json.loads(docker("network", "inspect", NAME))[0]["IPAM"]["Config"][0]["Gateway"]
        crt, key = self_signed_certificate(os.path.join(work, "tls"), f"IP:{gateway},DNS:localhost")
        tls = (crt, key)
        distribution = lambda cfg: ["docker-registry", "serve", cfg]  # noqa: E731
        ours = lambda cfg: [regctl, "serve", "--config", cfg]  # noqa: E731
        pairs = {
            "tls": [Server("distribution-tls", distribution, work, gateway, tls),
                    Server("regctl-tls", ours, work, gateway, tls)],
            "plain": [Server("distribution-plain", distribution, work, gateway, None),
                      Server("regctl-plain", ours, work, gateway, None)],
        }
        servers = pairs["tls"] + pairs["plain"]
        for s in servers:
            s.start()

        print("building the image (8 x 64 MiB gzip layers)", file=sys.stderr)
        layout = os.path.join(work, "image")
        layers, config_digest, image_bytes = make_image(layout)
        cert_dir = os.path.join(work, "skopeo-certs")
        os.makedirs(cert_dir)
        shutil.copy(crt, os.path.join(cert_dir, "ca.crt"))
        for s in servers:
            tls_flag = [f"--dest-cert-dir={cert_dir}"] if s.tls else ["--dest-tls-verify=false"]
            run("skopeo", "copy", "--quiet", "--insecure-policy", *tls_flag,
                f"oci:{layout}:latest", f"docker://{s.host}/{IMAGE_REF}")
        shutil.rmtree(layout)

        client_image(work)
        clients = Clients(work, NAME)
        shutil.copy(crt, os.path.join(clients.sync, "certs", "ca.crt"))
        with open(os.path.join(clients.sync, "blobs"), "w") as f:
            f.write(" ".join([config_digest, *layers]))

        workloads = [("curl", "tls"), ("skopeo", "tls"), ("curl", "plain")]
        for rnd in range(ROUNDS):
            for kind, mode in workloads:
                order = pairs[mode] if rnd % 2 == 0 else pairs[mode][::-1]
                for s in order:
                    r = clients.pull(s, kind, image_bytes)
                    results.setdefault((kind, mode, s.name.split("-")[0]), []).append(r)
                    print(f"round {rnd + 1}: {kind} {mode} {s.name}: {r[0]:,.0f} MB/s, "
                          f"slowest {r[1]:.1f} s, {r[2]:.2f} CPU s/GB", file=sys.stderr)

        if DOCKER_PULL:
            for s in pairs["tls"]:
                d = f"/etc/docker/certs.d/{s.host}"
                os.makedirs(d, exist_ok=True)
                shutil.copy(crt, os.path.join(d, "ca.crt"))
            for rnd in range(ROUNDS):
                order = pairs["tls"] if rnd % 2 == 0 else pairs["tls"][::-1]
                for s in order:
                    r = docker_pull(s, image_bytes)
                    results.setdefault(("docker pull", "tls", s.name.split("-")[0]), []).append(r)
                    print(f"round {rnd + 1}: docker pull {s.name}: {r[0]:.1f} s", file=sys.stderr)
    finally:
        if clients:
            clients.remove()
        for s in servers:
            s.stop()
            docker("rmi", "-f", f"{s.host}/{IMAGE_REF}", check=False)
            shutil.rmtree(f"/etc/docker/certs.d/{s.host}", ignore_errors=True)
        if not certs_d_existed and os.path.isdir("/etc/docker/certs.d") \
                and not os.listdir("/etc/docker/certs.d"):
            os.rmdir("/etc/docker/certs.d")
        docker("rmi", "-f", f"{NAME}-client:latest", check=False)
        docker("network", "rm", NAME, check=False)
        shutil.rmtree(work, ignore_errors=True)

    def med(key, i):
        return statistics.median(r[i] for r in results[key])

    print(f"\n{CLIENTS} clients, each in its own container, pulling one image of {LAYERS} layers "
          f"({image_bytes / MIB:,.0f} MiB) at once; medians of {ROUNDS} rounds\n")
    print("| workload | distribution | regctl | regctl / distribution | target |")
    print("|---|---|---|---|---|")
    for kind, mode in workloads:
        d, o = (kind, mode, "distribution"), (kind, mode, "regctl")
        target = 2 if mode == "tls" else 1.2
        agg = med(o, 0) / med(d, 0)
        per_round = [b[0] / a[0] for a, b in zip(results[d], results[o])]
        print(f"| {kind}, {mode}: aggregate | {med(d, 0):,.0f} MB/s | {med(o, 0):,.0f} MB/s | {agg:.2f} "
              f"(rounds {min(per_round):.2f}–{max(per_round):.2f}) | "
              f"{'met' if agg >= target else 'NOT met'} (>= {target:g}) |")
        print(f"| {kind}, {mode}: slowest client | {med(d, 1):.1f} s | {med(o, 1):.1f} s | "
              f"{med(d, 1) / med(o, 1):.2f} faster | |")
        cpu = med(o, 2) / med(d, 2)
        verdict = f"{'met' if cpu <= 0.5 else 'NOT met'} (<= 1/2)" if mode == "tls" else ""
        print(f"| {kind}, {mode}: server CPU per GB | {med(d, 2):.2f} s | {med(o, 2):.2f} s | {cpu:.2f} | {verdict} |")
        print(f"| {kind}, {mode}: the clients' CPU per GB | {med(d, 3):.2f} s | {med(o, 3):.2f} s | "
              f"{med(o, 3) / med(d, 3):.2f} | |")
        print(f"| {kind}, {mode}: the machine's cores busy | {100 * med(d, 4):.0f}% | {100 * med(o, 4):.0f}% | | |")
    key = ("docker pull", "tls", "distribution")
    if key in results:
        d, o = key, ("docker pull", "tls", "regctl")
        print(f"| docker pull by the engine, TLS: time | {med(d, 0):.1f} s | {med(o, 0):.1f} s | "
              f"{med(d, 0) / med(o, 0):.2f} faster | |")
        print(f"| docker pull: server CPU per GB | {med(d, 1):.2f} s | {med(o, 1):.2f} s | "
              f"{med(o, 1) / med(d, 1):.2f} | |")
        print(f"| docker pull: cores busy besides the server | {med(d, 2):.2f} | {med(o, 2):.2f} | | |")


if __name__ == "__main__":
    main()
