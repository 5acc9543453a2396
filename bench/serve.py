#!/usr/bin/env python3
"""regctl serve vs distribution (Debian's docker-registry 2.8), side by side.

Both servers run on loopback in the same run with the same settings:
filesystem storage on the same disk (each commits with fsync), plain HTTP,
no authentication, deletes enabled, access logs off. The same workloads run
against each and the table prints both figures and regctl / distribution.
Absolute numbers drift on shared machines; the ratios are what count, so
the transfer and request workloads run in several rounds, alternating which
server goes first, and the table shows medians.

Every push sends content the registry has not seen (a shared random base
plus an 8-byte tag of its own), so no server can take a shortcut for a blob
it already stores.

    bench/serve.py [--quick] [--static] [--rounds N] [--only pulls]
        --quick: smaller sizes, one round
        --static: also measure the idle RSS of the static build that the
                  container image runs (RUSTFLAGS=-C target-feature=+crt-static)
        --rounds N: N rounds instead of three (the pull rows also print
                  the spread of the per-round ratios)
        --only pulls: only the curl pulls, plain and TLS

The curl pulls run against a second pair of servers with TLS (the same
certificate, an ECDSA P-256 key as `regctl init` makes): pulls of 8, 64
and 256 MiB (curl's own transfer time, the median of three per round),
8 concurrent curl processes
pulling 64 MiB, and with TLS also 32 of them; the servers' CPU time per GB
comes from /proc. The manifest GET row is printed beside its ceiling:
nginx serving the same bytes as a static file, under the same load.

Needs: cargo, docker-registry, curl, openssl, nginx (apt-get install
docker-registry curl openssl nginx-light). Manifest GET and HEAD load and the
concurrent pulls come from bench/loadgen.rs (built here with cargo): one
client process reading 32 sockets, so the clients' own CPU on the two cores
the servers share stays small. For the same reason the target's concurrent
pulls receive without copying (loadgen --discard: the kernel drops the
bytes after TCP has received them, as the pushes send from a mapping): on a
network the receiver's copy runs on other machines, here it would run on
the cores the servers are measured on. The same pulls are also run with
the load generator copying every byte, and with 32 curl processes, for
comparison.
"""

import concurrent.futures
import hashlib
import http.client
import json
import mmap
import os
import re
import resource
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

from common import flag_value, free_port, need, process_cpu_seconds, self_signed_certificate, \
    write_registry_config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK = "--quick" in sys.argv
STATIC = "--static" in sys.argv


ONLY = flag_value("--only", None)
if ONLY not in (None, "pulls"):
    sys.exit("--only takes: pulls")
MIB = 1 << 20
BIG = (32 if QUICK else 256) * MIB
CONCURRENT_BLOB = (8 if QUICK else 64) * MIB
CHUNK = 16 * MIB
CLIENTS = 32
REPOS, TAGS = (50, 20) if QUICK else (1000, 100)
LOAD_SECONDS = 3 if QUICK else 5
ROUNDS = int(flag_value("--rounds", 1 if QUICK else 3))
PULL_SIZES = [8 * MIB, 64 * MIB, 256 * MIB] if not QUICK else [8 * MIB, 32 * MIB]
PULL_CONCURRENT = 8
SINGLE_PULLS = 3
PULL_CONCURRENT_TLS = (8, 32)
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


class Server:
    """One registry on loopback; with `tls` = (certificate, key, CA) it
    serves HTTPS with that certificate."""

    def __init__(self, name, argv_for, work, tls=None):
        self.name = name
        self.tls = tls
        self.port = free_port()
        self.root = os.path.join(work, name, "data")
        os.makedirs(self.root)
        self.config = os.path.join(work, name, "config.yml")
        write_registry_config(self.config, self.root, f"127.0.0.1:{self.port}", tls)
        self.argv = argv_for(self.config)
        self.log = open(os.path.join(work, name, "server.log"), "w")
        self.proc = None

    def start(self):
        """Starts the server; returns seconds to the first 200 on /v2/."""
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdout=self.log, stderr=self.log)
        while True:
            try:
                c = self.conn(timeout=1)
                c.request("GET", "/v2/")
                if c.getresponse().status == 200:
                    return time.perf_counter() - t0
            except OSError:
                pass
            if self.proc.poll() is not None:
                sys.exit(f"{self.name} exited; see {self.log.name}")
            time.sleep(0.0005)

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()
            self.proc = None

    def status(self, key):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
        return 0

    def cpu_seconds(self):
        """User + system CPU time the server has used so far."""
        return process_cpu_seconds(self.proc.pid)

    def reset_peak(self):
        with open(f"/proc/{self.proc.pid}/clear_refs", "w") as f:
            f.write("5")

    def conn(self, timeout=600):
        if self.tls:
            ctx = ssl.create_default_context(cafile=self.tls[2])
            return http.client.HTTPSConnection("localhost", self.port, timeout=timeout,
                                               blocksize=MIB, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, blocksize=MIB)

    def url(self, path):
        host = "localhost" if self.tls else "127.0.0.1"
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}{path}"

    def curl_args(self):
        if not self.tls:
            return []
        return ["--cacert", self.tls[2], "--resolve", f"localhost:{self.port}:127.0.0.1"]


class Blob:
    """`size` bytes: the first size-8 bytes of a shared random base file and
    an 8-byte tag of its own, so every push is new content while the digest
    costs one hash of the shared part (its state is copied per tag)."""

    prefix_states = {}

    def __init__(self, base, size, tag):
        self.base, self.size = base, size
        self.tag = tag.to_bytes(8, "big")
        key = (base, size)
        if key not in Blob.prefix_states:
            h = hashlib.sha256()
            with open(base, "rb") as f:
                left = size - 8
                while left:
                    block = f.read(min(left, 4 * MIB))
                    h.update(block)
                    left -= len(block)
            Blob.prefix_states[key] = h
        h = Blob.prefix_states[key].copy()
        h.update(self.tag)
        self.digest = "sha256:" + h.hexdigest()

    def pieces(self, offset, n):
        """Bytes [offset, offset+n) as views of the mapped base file plus,
        at the end, the tag: the client sends them without copying, so its
        own CPU (on the cores the servers use) stays out of the figures."""
        out = []
        body = self.size - 8
        if offset < body:
            out.append(mapped(self.base)[offset:min(offset + n, body)])
        if offset + n > body:
            start = max(offset, body) - body
            out.append(self.tag[start:offset + n - body])
        return out

    def chunks(self, block=MIB):
        offset = 0
        while offset < self.size:
            n = min(block, self.size - offset)
            yield from self.pieces(offset, n)
            offset += n


_maps = {}


def mapped(path):
    """A read-only mapping of a file, kept for the run, as a memoryview."""
    if path not in _maps:
        with open(path, "rb") as f:
            _maps[path] = memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
    return _maps[path]


def location_path(loc):
    m = re.match(r"https?://[^/]+(/.*)", loc)
    return m.group(1) if m else loc


def make_base(path, size):
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 4 * MIB)
            f.write(os.urandom(n))
            left -= n


def start_upload(c, repo):
    c.request("POST", f"/v2/{repo}/blobs/uploads/")
    r = c.getresponse()
    r.read()
    assert r.status == 202, r.status
    return location_path(r.getheader("Location"))


def finish(path, digest):
    return f"{path}{'&' if '?' in path else '?'}digest={digest}"


def push_monolithic(srv, repo, blob):
    c = srv.conn()
    loc = start_upload(c, repo)
    c.request("PUT", finish(loc, blob.digest), body=blob.chunks(), headers={
        "Content-Length": str(blob.size), "Content-Type": "application/octet-stream"})
    r = c.getresponse()
    r.read()
    assert r.status == 201, (r.status, srv.name)


def push_chunked(srv, repo, blob):
    c = srv.conn()
    loc = start_upload(c, repo)
    offset = 0
    while offset < blob.size:
        n = min(CHUNK, blob.size - offset)
        c.request("PATCH", loc, body=blob.pieces(offset, n), headers={
            "Content-Type": "application/octet-stream",
            "Content-Range": f"{offset}-{offset + n - 1}",
            "Content-Length": str(n)})
        r = c.getresponse()
        r.read()
        assert r.status == 202, (r.status, srv.name)
        loc = location_path(r.getheader("Location"))
        offset += n
    c.request("PUT", finish(loc, blob.digest), headers={"Content-Length": "0"})
    r = c.getresponse()
    r.read()
    assert r.status == 201, (r.status, srv.name)


def curl_pull(srv, repo, digest, timed=False):
    """Bytes curl received (and with `timed`, curl's own seconds from the
    start of the connection to the last byte)."""
    out = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}",
         *srv.curl_args(), srv.url(f"/v2/{repo}/blobs/{digest}")],
        capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "200", (srv.name, out)
    return (int(out[1]), float(out[2])) if timed else int(out[1])


def children_cpu():
    """User + system CPU seconds of the finished child processes (curl)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def curl_round(s, blobs, r):
    """The curl pulls once against s: one pull of each size, then
    PULL_CONCURRENT (with TLS also 32) at once."""
    def add(key, value):
        r.setdefault(key, []).append(value)

    for size, digest in blobs.items():
        # A round's figure is the median of three pulls: a 64 MiB pull
        # takes 20-40 ms, and one scheduler hiccup on two shared cores
        # swings a single sample by half.
        rates, busy = [], []
        for _ in range(SINGLE_PULLS):
            c0 = children_cpu()
            got, seconds = curl_pull(s, "bench/pulls", digest, timed=True)
            if got != size:
                sys.exit(f"short pull from {s.name}: {got} of {size} bytes")
            rates.append(size / 1e6 / seconds)
            # How busy curl itself was: near 1.0 the client is the bound.
            busy.append((children_cpu() - c0) / seconds)
        add(f"curl_{size // MIB}", statistics.median(rates))
        add(f"curl_{size // MIB}_client", statistics.median(busy))
    size = 64 * MIB if 64 * MIB in blobs else max(blobs)
    for n in (PULL_CONCURRENT_TLS if s.tls else (PULL_CONCURRENT,)):
        def pulls():
            with concurrent.futures.ThreadPoolExecutor(n) as ex:
                got = list(ex.map(lambda _: curl_pull(s, "bench/pulls", blobs[size]), range(n)))
            if any(g != size for g in got):
                sys.exit(f"short concurrent pull from {s.name}")
        c0 = children_cpu()
        mbs, cpu = timed_transfer(s, n * size, pulls)
        add(f"curl_x{n}", mbs)
        add(f"curl_x{n}_cpu", cpu)
        add(f"curl_x{n}_client_cpu", (children_cpu() - c0) / (n * size / 1e9))


def nginx_ceiling(work, body):
    """Requests per second nginx serves for a static file holding `body`,
    under the manifest GET's load: what a static file costs on this
    machine, with the same clients."""
    root = os.path.join(work, "nginx")
    os.makedirs(os.path.join(root, "www"))
    with open(os.path.join(root, "www", "latest"), "wb") as f:
        f.write(body)
    port = free_port()
    conf = os.path.join(root, "nginx.conf")
    with open(conf, "w") as f:
        f.write(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes 2;\npid {root}/nginx.pid;\nerror_log {root}/error.log;\n"
            "daemon off;\nevents { worker_connections 1024; }\n"
            "http {\n  access_log off;\n  sendfile on;\n  keepalive_requests 1000000;\n"
            f"  client_body_temp_path {root}/tmp;\n  proxy_temp_path {root}/tmp;\n"
            f"  fastcgi_temp_path {root}/tmp;\n  uwsgi_temp_path {root}/tmp;\n  scgi_temp_path {root}/tmp;\n"
            f"  server {{\n    listen 127.0.0.1:{port};\n    root {root}/www;\n"
            f"    default_type {MANIFEST_TYPE};\n  }}\n}}\n")
    proc = subprocess.Popen(["nginx", "-c", conf, "-p", root], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(2000):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    sys.exit(f"nginx exited; see {root}/error.log")
                time.sleep(0.005)
        out = subprocess.run(
            [os.path.join(REPO, "target/release/examples/loadgen"),
             f"http://127.0.0.1:{port}/latest", "--connections", str(CLIENTS), "--threads", "2",
             "--method", "GET", "--seconds", str(LOAD_SECONDS)],
            capture_output=True, text=True, check=True).stdout
        report = json.loads(out)
        assert report["non2xx"] == 0 and report["errors"] == 0, report
        return report["rps"]
    finally:
        proc.terminate()
        proc.wait()


def put_manifest(srv, repo, tag, config_digest, layer_digest, layer_size):
    body = json.dumps({
        "schemaVersion": 2, "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": config_digest, "size": 2},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": layer_size}],
    }).encode()
    c = srv.conn()
    c.request("PUT", f"/v2/{repo}/manifests/{tag}", body=body, headers={"Content-Type": MANIFEST_TYPE})
    r = c.getresponse()
    r.read()
    assert r.status == 201, (r.status, srv.name)
    return body


def push_small(srv, repo, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    c = srv.conn()
    loc = start_upload(c, repo)
    c.request("PUT", finish(loc, digest), body=data, headers={"Content-Type": "application/octet-stream"})
    r = c.getresponse()
    r.read()
    assert r.status == 201
    return digest


def run_loadgen(srv, path, *args):
    """Runs bench/loadgen.rs against `path` with CLIENTS connections from
    one process; returns its JSON report, after checking every request got
    a 2xx answer."""
    out = subprocess.run(
        [srv.loadgen, f"http://127.0.0.1:{srv.port}{path}",
         "--connections", str(CLIENTS), "--threads", "2", *args],
        capture_output=True, text=True, check=True).stdout
    r = json.loads(out)
    assert r["non2xx"] == 0 and r["errors"] == 0, (srv.name, path, args, r)
    return r


def load(srv, path, method):
    """(requests/s, p50 ms, p99 ms) at CLIENTS keep-alive connections."""
    r = run_loadgen(srv, path, "--method", method, "--seconds", str(LOAD_SECONDS),
                    "--header", f"Accept: {MANIFEST_TYPE}")
    return r["rps"], r["p50_ms"], r["p99_ms"]


def pull_once(srv, path, *args):
    """Each connection pulls `path` once, counting the body's bytes;
    returns the bytes received."""
    return run_loadgen(srv, path, "--once", *args)["bytes"]


def generate_listing(root, repos, tags):
    """Writes distribution's layout directly: `repos` repositories with
    `tags` tags each, all pointing at one manifest."""
    v2 = os.path.join(root, "docker/registry/v2")
    manifest = json.dumps({"schemaVersion": 2, "mediaType": MANIFEST_TYPE,
                           "config": {"mediaType": "application/vnd.oci.empty.v1+json",
                                      "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "size": 2},
                           "layers": []}).encode()
    hexd = hashlib.sha256(manifest).hexdigest()
    blob = os.path.join(v2, "blobs/sha256", hexd[:2], hexd)
    os.makedirs(blob, exist_ok=True)
    with open(os.path.join(blob, "data"), "wb") as f:
        f.write(manifest)
    link = f"sha256:{hexd}".encode()
    for r in range(repos):
        base = os.path.join(v2, "repositories", f"list/repo-{r:04d}", "_manifests")
        rev = os.path.join(base, "revisions/sha256", hexd)
        os.makedirs(rev, exist_ok=True)
        with open(os.path.join(rev, "link"), "wb") as f:
            f.write(link)
        for t in range(tags):
            cur = os.path.join(base, "tags", f"v{t:03d}", "current")
            idx = os.path.join(base, "tags", f"v{t:03d}", "index/sha256", hexd)
            os.makedirs(cur, exist_ok=True)
            os.makedirs(idx, exist_ok=True)
            for d in (cur, idx):
                with open(os.path.join(d, "link"), "wb") as f:
                    f.write(link)


def requests_per_second(srv, path, count):
    c = srv.conn()
    t0 = time.perf_counter()
    for _ in range(count):
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        assert r.status == 200, (r.status, path)
    return count / (time.perf_counter() - t0)


def write_rate(path, size, direct):
    """MB/s of writing `size` new bytes to `path` and fsyncing them; with
    `direct` (O_DIRECT) the bytes go from one reused buffer straight to the
    disk, without the page cache. None where the filesystem refuses it."""
    block = mmap.mmap(-1, 4 * MIB)  # page-aligned, as O_DIRECT wants
    block.write(os.urandom(4 * MIB))
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (os.O_DIRECT if direct else 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError:
        return None
    try:
        t0 = time.perf_counter()
        for _ in range(size // len(block)):
            os.write(fd, block)
        os.fsync(fd)
        return size / 1e6 / (time.perf_counter() - t0)
    except OSError:
        return None
    finally:
        os.close(fd)
        os.unlink(path)


def machine_limits(work):
    """(sha256 MB/s, disk MB/s, page-cache write MB/s). The disk's rate is
    measured with O_DIRECT, so it is the disk's and not the luck of the
    memory the page cache is given: on a VM whose freed memory goes back
    to the host (balloon free-page reporting), a buffered write into pages
    the guest has not touched lately waits for the host to supply each one,
    and the same write runs at several times the speed into pages it freed
    a moment ago. The buffered rate is printed beside it because every
    push goes through the page cache. Each is the median of three new
    files: one write of either kind varied by a third from the next here."""
    out = subprocess.run(["openssl", "speed", "-seconds", "2", "-bytes", "1048576", "-evp", "sha256"],
                         capture_output=True, text=True).stdout
    m = re.search(r"sha256\s+([\d.]+)k", out)
    sha = float(m.group(1)) * 1000 / 1e6 if m else 0.0
    path = os.path.join(work, "disk-test")
    size = 512 * MIB
    buffered = statistics.median(write_rate(path, size, False) for _ in range(3))
    direct = [write_rate(path, size, True) for _ in range(3)]
    disk = statistics.median(direct) if None not in direct else buffered
    return sha, disk, buffered


def timed_transfer(srv, nbytes, fn):
    """Runs fn(); returns (MB/s, server CPU seconds per GB moved)."""
    c0 = srv.cpu_seconds()
    t0 = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - t0
    return nbytes / 1e6 / elapsed, (srv.cpu_seconds() - c0) / (nbytes / 1e9)


def one_round(s, rnd, base, r, tag):
    """The transfer and request workloads once against server s."""
    def add(key, value):
        r.setdefault(key, []).append(value)

    mono = Blob(base, BIG, next(tag))
    mbs, _ = timed_transfer(s, BIG, lambda: push_monolithic(s, f"bench/mono{rnd}", mono))
    add("push_mono", mbs)
    chunked = Blob(base, BIG, next(tag))
    mbs, _ = timed_transfer(s, BIG, lambda: push_chunked(s, f"bench/chunked{rnd}", chunked))
    add("push_chunked", mbs)
    mbs, cpu = timed_transfer(s, BIG, lambda: curl_pull(s, f"bench/mono{rnd}", mono.digest) == BIG or sys.exit("short pull"))
    add("pull", mbs)
    add("pull_cpu", cpu)
    many = Blob(base, CONCURRENT_BLOB, next(tag))
    push_monolithic(s, f"bench/many{rnd}", many)

    def loadgen_pulls(*args):
        n = pull_once(s, f"/v2/bench/many{rnd}/blobs/{many.digest}", *args)
        if n != CLIENTS * CONCURRENT_BLOB:
            sys.exit(f"short concurrent pull from {s.name}: {n} bytes")
    mbs, cpu = timed_transfer(s, CLIENTS * CONCURRENT_BLOB, lambda: loadgen_pulls("--discard"))
    add("pull_concurrent", mbs)
    add("pull_concurrent_cpu", cpu)
    mbs, _ = timed_transfer(s, CLIENTS * CONCURRENT_BLOB, loadgen_pulls)
    add("pull_concurrent_copying", mbs)

    def curl_pulls():
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as ex:
            sizes = list(ex.map(lambda _: curl_pull(s, f"bench/many{rnd}", many.digest), range(CLIENTS)))
        assert all(n == CONCURRENT_BLOB for n in sizes)
    mbs, _ = timed_transfer(s, CLIENTS * CONCURRENT_BLOB, curl_pulls)
    add("pull_concurrent_curl", mbs)

    if rnd == 0:
        config_digest = push_small(s, "bench/app", b"{}")
        c = s.conn()  # the layer must be in bench/app too: mount it
        c.request("POST", f"/v2/bench/app/blobs/uploads/?mount={many.digest}&from=bench/many{rnd}")
        c.getresponse().read()
        s.manifest = put_manifest(s, "bench/app", "latest", config_digest, many.digest, CONCURRENT_BLOB)
    add("get", load(s, "/v2/bench/app/manifests/latest", "GET"))
    add("head", load(s, "/v2/bench/app/manifests/latest", "HEAD"))
    add("tags", requests_per_second(s, f"/v2/list/repo-{REPOS // 2:04d}/tags/list", 200))
    add("catalog", requests_per_second(s, f"/v2/_catalog?n={REPOS}", 10 if not QUICK else 20))


def push_pull_blobs(s, base, tags):
    """The blobs the curl pulls fetch, pushed to s; {size: digest}."""
    blobs = {}
    for size in PULL_SIZES:
        blob = Blob(base, size, next(tags))
        push_monolithic(s, "bench/pulls", blob)
        blobs[size] = blob.digest
    return blobs


def main():
    for tool in ("cargo", "docker-registry", "curl", "openssl", "nginx"):
        need(tool)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "regctl", "--example", "loadgen"],
                   cwd=REPO, check=True)
    regctl = os.path.join(REPO, "target/release/regctl")
    loadgen = os.path.join(REPO, "target/release/examples/loadgen")
    static = None
    if STATIC:
        triple = "x86_64-unknown-linux-gnu"
        env = dict(os.environ, RUSTFLAGS="-C target-feature=+crt-static")
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "regctl", "--target", triple],
                       cwd=REPO, check=True, env=env)
        static = os.path.join(REPO, "target", triple, "release/regctl")
    work = tempfile.mkdtemp(prefix="regctl-bench-", dir=os.environ.get("BENCH_DIR"))
    rows = []
    nginx_rps = None
    try:
        distribution = lambda cfg: ["docker-registry", "serve", cfg]  # noqa: E731
        ours = lambda cfg: [regctl, "serve", "--config", cfg]  # noqa: E731
        servers = [Server("distribution", distribution, work), Server("regctl", ours, work)]
        # Shared by both TLS servers; curl and Python trust it as its own CA.
        crt, key = self_signed_certificate(os.path.join(work, "tls"), "DNS:localhost,IP:127.0.0.1")
        tls = (crt, key, crt)
        tls_servers = [Server("distribution-tls", distribution, work, tls),
                       Server("regctl-tls", ours, work, tls)]
        for s in servers + tls_servers:
            s.loadgen = loadgen
        results = {s.name: {} for s in servers + tls_servers}

        # Listing data first (written while the servers are stopped).
        if not ONLY:
            for s in servers:
                generate_listing(s.root, REPOS, TAGS)

        if static and not ONLY:
            st = Server("regctl-static", lambda cfg: [static, "serve", "--config", cfg], work)
            st.start()
            c = st.conn()
            c.request("GET", "/v2/")
            c.getresponse().read()
            time.sleep(1)
            results["regctl"]["rss_idle_static"] = st.status("VmRSS") / MIB
            st.stop()

        for s in servers:
            if ONLY:
                s.start()
                continue
            times = []
            for _ in range(5):
                times.append(s.start())
                s.stop()
            results[s.name]["startup"] = statistics.median(times) * 1000
            s.start()
            c = s.conn()
            c.request("GET", "/v2/")
            c.getresponse().read()
            time.sleep(1)
            results[s.name]["rss_idle"] = s.status("VmRSS") / MIB
        for s in tls_servers:
            s.start()

        base = os.path.join(work, "base.bin")
        make_base(base, BIG)
        tags = iter(range(1, 1 << 30))
        pull_blobs = {s.name: push_pull_blobs(s, base, tags) for s in servers + tls_servers}
        for rnd in range(ROUNDS):
            order = servers if rnd % 2 == 0 else servers[::-1]
            tls_order = tls_servers if rnd % 2 == 0 else tls_servers[::-1]
            if not ONLY:
                for s in order:
                    one_round(s, rnd, base, results[s.name], tags)
            for s in order + tls_order:
                curl_round(s, pull_blobs[s.name], results[s.name])
            print(f"round {rnd + 1}/{ROUNDS} done", file=sys.stderr)
        for s in tls_servers:
            s.stop()

        if not ONLY:
            nginx_rps = nginx_ceiling(work, servers[1].manifest)
            for s in servers:
                r = results[s.name]
                blobs = [Blob(base, BIG, next(tags)) for _ in range(CLIENTS)]
                s.reset_peak()
                t0 = time.perf_counter()
                with concurrent.futures.ThreadPoolExecutor(CLIENTS) as ex:
                    list(ex.map(lambda ib: push_monolithic(s, f"bench/par{ib[0]}", ib[1]), enumerate(blobs)))
                r["push_concurrent"] = CLIENTS * BIG / 1e6 / (time.perf_counter() - t0)
                r["rss_peak"] = s.status("VmHWM") / MIB
                s.stop()
                shutil.rmtree(os.path.join(s.root, "docker/registry/v2/blobs"), ignore_errors=True)
                print(f"concurrent pushes {s.name} done", file=sys.stderr)
            sha, disk, buffered = machine_limits(work)
    finally:
        for s in locals().get("servers", []) + locals().get("tls_servers", []):
            s.stop()
        shutil.rmtree(work, ignore_errors=True)

    def median(v, idx=None):
        if isinstance(v, list):
            return statistics.median(x[idx] if idx is not None else x for x in v)
        return v

    def row(label, key, unit, higher_better=True, target=None, idx=None, tls=False, every=False):
        """A table row; with `every` the target must hold in every round."""
        d = results["distribution-tls" if tls else "distribution"]
        o = results["regctl-tls" if tls else "regctl"]
        if key not in d or key not in o:
            return
        a, b = median(d[key], idx), median(o[key], idx)
        ratio = b / a if a else float("inf")
        spread = ""
        per_round = []
        if isinstance(d[key], list) and len(d[key]) == len(o[key]) > 1:
            per_round = [(y[idx] if idx is not None else y) / (x[idx] if idx is not None else x)
                         for x, y in zip(d[key], o[key])]
            spread = f"{min(per_round):.2f}–{max(per_round):.2f}"
        verdict = ""
        if target is not None:
            judged = ratio
            if every and per_round:
                judged = min(per_round) if higher_better else max(per_round)
            ok = judged >= target if higher_better else judged <= target
            shown = {1 / 3: "1/3", 0.5: "1/2"}.get(target, f"{target:g}")
            verdict = (f"{'met' if ok else 'NOT met'} ({'>=' if higher_better else '<='} {shown}"
                       f"{' in every round' if every else ''})")
        digits = 2 if not unit else 1
        rows.append(f"| {label} | {a:,.{digits}f} {unit} | {b:,.{digits}f} {unit} | {ratio:.2f} | {spread} | {verdict} |")

    if not ONLY:
        row(f"monolithic push {BIG // MIB} MiB", "push_mono", "MB/s", True, 1.5)
        row(f"chunked push {BIG // MIB} MiB (16 MiB chunks)", "push_chunked", "MB/s", True, 2)
        row(f"blob pull {BIG // MIB} MiB", "pull", "MB/s", True, 1.5)
        row("  server CPU per GB pulled", "pull_cpu", "s", False)
        row(f"{CLIENTS} concurrent pulls of {CONCURRENT_BLOB // MIB} MiB, receiver not copying", "pull_concurrent", "MB/s", True, 2)
        row("  server CPU per GB pulled", "pull_concurrent_cpu", "s", False)
        row("  the same with the receiver copying every byte", "pull_concurrent_copying", "MB/s", True)
        row(f"  the same with {CLIENTS} curl processes", "pull_concurrent_curl", "MB/s", True)
    for size in PULL_SIZES:
        row(f"curl pull {size // MIB} MiB, plain", f"curl_{size // MIB}", "MB/s", True, 1.0, every=True)
    row(f"{PULL_CONCURRENT} concurrent curl pulls, plain", f"curl_x{PULL_CONCURRENT}", "MB/s", True, 1.2)
    row("  server CPU per GB pulled", f"curl_x{PULL_CONCURRENT}_cpu", "s", False)
    for size in PULL_SIZES:
        row(f"curl pull {size // MIB} MiB, TLS", f"curl_{size // MIB}", "MB/s", True, 2, tls=True)
        row("  curl's CPU time / its transfer time", f"curl_{size // MIB}_client", "", False, tls=True)
    for n in PULL_CONCURRENT_TLS:
        row(f"{n} concurrent curl pulls, TLS", f"curl_x{n}", "MB/s", True, 2, tls=True)
        row("  server CPU per GB pulled", f"curl_x{n}_cpu", "s", False, 0.5, tls=True)
        row("  the curl processes' CPU per GB", f"curl_x{n}_client_cpu", "s", False, tls=True)
    if not ONLY:
        row(f"manifest GET by tag, {CLIENTS} conns", "get", "req/s", True, 10, 0)
        row("manifest GET p50", "get", "ms", False, None, 1)
        row("manifest GET p99", "get", "ms", False, None, 2)
        row(f"manifest HEAD by tag, {CLIENTS} conns", "head", "req/s", True, 10, 0)
        row("manifest HEAD p50", "head", "ms", False, None, 1)
        row("manifest HEAD p99", "head", "ms", False, None, 2)
        row(f"tags list ({TAGS} tags)", "tags", "req/s", True)
        row(f"catalog ({REPOS} repositories)", "catalog", "req/s", True)
        row("idle RSS", "rss_idle", "MiB", False, 1 / 3)
        if "rss_idle_static" in results["regctl"]:
            results["distribution"]["rss_idle_static"] = results["distribution"]["rss_idle"]
            row("idle RSS, static build (the container image)", "rss_idle_static", "MiB", False, 1 / 3)
        row(f"peak RSS, {CLIENTS} concurrent {BIG // MIB} MiB pushes", "rss_peak", "MiB", False)
        row("aggregate MB/s of those pushes", "push_concurrent", "MB/s", True)
        row("start-up to first 200 on /v2/", "startup", "ms", False)
        slower = min(sha, disk)
        print(f"\nmachine: sha256 (one core, openssl -evp) {sha:,.0f} MB/s; "
              f"disk's sequential write with fsync (O_DIRECT, median of 3) {disk:,.0f} MB/s; slower limit {slower:,.0f} MB/s")
        print(f"the same write through the page cache into new files: {buffered:,.0f} MB/s (median of 3)\n")
    print(f"medians of {ROUNDS} round(s); every push is content the server has not seen\n")
    print("| workload | distribution | regctl | regctl / distribution | per-round ratios | target |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    if not ONLY:
        o = results["regctl"]
        get = median(o["get"], 0)
        print(f"\nmanifest GET ceiling: nginx serves the same bytes as a static file at {nginx_rps:,.0f} req/s "
              f"under the same load; regctl {get:,.0f} req/s = {100 * get / nginx_rps:.0f}% of it "
              f"({'met' if get >= 0.8 * nginx_rps else 'NOT met'}: >= 80%)")
        push, pull = median(o["push_mono"]), median(o["pull"])
        print(f"regctl absolute: peak RSS {o['rss_peak']:.0f} MiB (target <= 100), start-up {o['startup']:.1f} ms (target <= 20); "
              f"push {push:.0f} / pull {pull:.0f} MB/s vs 70% of the slower limit = {0.7 * slower:.0f} MB/s "
              f"({'met' if min(push, pull) >= 0.7 * slower else 'NOT met'})")


if __name__ == "__main__":
    main()
