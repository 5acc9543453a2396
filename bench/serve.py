#!/usr/bin/env python3
"""regctl serve vs distribution (Debian's docker-registry 2.8), side by side.

Both servers run on loopback in the same run with the same settings:
filesystem storage on the same disk (each commits with fsync), plain HTTP,
no authentication, deletes enabled, access logs off. The same workloads run
against each and the table prints both figures and regctl / distribution.
Absolute numbers drift on shared machines; the ratios are what count.

    bench/serve.py [--quick]      # --quick: smaller sizes, for a smoke run

Needs: cargo, docker-registry, curl, wrk, openssl (apt-get install
docker-registry curl wrk openssl).
"""

import concurrent.futures
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK = "--quick" in sys.argv
MIB = 1 << 20
BIG = (32 if QUICK else 256) * MIB
CONCURRENT_BLOB = (8 if QUICK else 64) * MIB
CHUNK = 16 * MIB
CLIENTS = 32
REPOS, TAGS = (50, 20) if QUICK else (1000, 100)
WRK_SECONDS = 3 if QUICK else 8
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


def need(tool):
    if shutil.which(tool) is None:
        sys.exit(f"{tool} is required: apt-get install {'wrk' if tool == 'wrk' else tool}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name, argv_for, work):
        self.name = name
        self.port = free_port()
        self.root = os.path.join(work, name, "data")
        os.makedirs(self.root)
        self.config = os.path.join(work, name, "config.yml")
        with open(self.config, "w") as f:
            f.write(
                "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
                f"storage:\n  filesystem:\n    rootdirectory: {self.root}\n  delete:\n    enabled: true\n"
                f"http:\n  addr: 127.0.0.1:{self.port}\n  secret: bench-secret\n"
            )
        self.argv = argv_for(self.config)
        self.log = open(os.path.join(work, name, "server.log"), "w")
        self.proc = None

    def start(self):
        """Starts the server; returns seconds to the first 200 on /v2/."""
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdout=self.log, stderr=self.log)
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
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

    def reset_peak(self):
        with open(f"/proc/{self.proc.pid}/clear_refs", "w") as f:
            f.write("5")

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=600, blocksize=MIB)


def location_path(loc):
    m = re.match(r"https?://[^/]+(/.*)", loc)
    return m.group(1) if m else loc


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(4 * MIB), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


def make_file(path, size):
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 4 * MIB)
            f.write(os.urandom(n))
            left -= n
    return sha256_file(path)


def start_upload(c, repo):
    c.request("POST", f"/v2/{repo}/blobs/uploads/")
    r = c.getresponse()
    r.read()
    assert r.status == 202, r.status
    return location_path(r.getheader("Location"))


def finish(path, digest):
    return f"{path}{'&' if '?' in path else '?'}digest={digest}"


def push_monolithic(srv, repo, path, digest, size):
    c = srv.conn()
    loc = start_upload(c, repo)
    with open(path, "rb") as f:
        c.request("PUT", finish(loc, digest), body=f, headers={
            "Content-Length": str(size), "Content-Type": "application/octet-stream"})
        r = c.getresponse()
        r.read()
    assert r.status == 201, (r.status, srv.name)


def push_chunked(srv, repo, path, digest, size):
    c = srv.conn()
    loc = start_upload(c, repo)
    with open(path, "rb") as f:
        offset = 0
        while offset < size:
            chunk = f.read(CHUNK)
            c.request("PATCH", loc, body=chunk, headers={
                "Content-Type": "application/octet-stream",
                "Content-Range": f"{offset}-{offset + len(chunk) - 1}",
                "Content-Length": str(len(chunk))})
            r = c.getresponse()
            r.read()
            assert r.status == 202, (r.status, srv.name)
            loc = location_path(r.getheader("Location"))
            offset += len(chunk)
    c.request("PUT", finish(loc, digest), headers={"Content-Length": "0"})
    r = c.getresponse()
    r.read()
    assert r.status == 201, (r.status, srv.name)


def curl_pull(srv, repo, digest):
    out = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
         f"http://127.0.0.1:{srv.port}/v2/{repo}/blobs/{digest}"],
        capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "200", out
    return int(out[1])


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


def wrk(srv, path, method):
    script = os.path.join(tempfile.gettempdir(), f"wrk-{method}.lua")
    with open(script, "w") as f:
        f.write(f'wrk.method = "{method}"\nwrk.headers["Accept"] = "{MANIFEST_TYPE}"\n')
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CLIENTS}", f"-d{WRK_SECONDS}s", "--latency", "-s", script,
         f"http://127.0.0.1:{srv.port}{path}"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert non2xx is None, out

    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    return rps, pct(50), pct(99)


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


def machine_limits(work):
    out = subprocess.run(["openssl", "speed", "-seconds", "2", "-bytes", "1048576", "-evp", "sha256"],
                         capture_output=True, text=True).stdout
    m = re.search(r"sha256\s+([\d.]+)k", out)
    sha = float(m.group(1)) * 1000 / 1e6 if m else 0.0
    path = os.path.join(work, "disk-test")
    block = os.urandom(4 * MIB)
    size = 512 * MIB
    t0 = time.perf_counter()
    with open(path, "wb") as f:
        for _ in range(size // len(block)):
            f.write(block)
        f.flush()
        os.fsync(f.fileno())
    disk = size / 1e6 / (time.perf_counter() - t0)
    os.unlink(path)
    return sha, disk


def main():
    for tool in ("cargo", "docker-registry", "curl", "wrk", "openssl"):
        need(tool)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    regctl = os.path.join(REPO, "target/release/regctl")
    work = tempfile.mkdtemp(prefix="regctl-bench-", dir=os.environ.get("BENCH_DIR"))
    rows = []
    try:
        servers = [
            Server("distribution", lambda cfg: ["docker-registry", "serve", cfg], work),
            Server("regctl", lambda cfg: [regctl, "serve", "--config", cfg], work),
        ]
        dist, ours = servers
        results = {s.name: {} for s in servers}

        # Listing data first (written while the servers are stopped).
        for s in servers:
            generate_listing(s.root, REPOS, TAGS)

        for s in servers:
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

        big = os.path.join(work, "big.bin")
        big_digest = make_file(big, BIG)
        small = os.path.join(work, "small.bin")
        small_digest = make_file(small, CONCURRENT_BLOB)

        for s in servers:
            r = results[s.name]
            t0 = time.perf_counter()
            push_monolithic(s, "bench/mono", big, big_digest, BIG)
            r["push_mono"] = BIG / 1e6 / (time.perf_counter() - t0)
            t0 = time.perf_counter()
            push_chunked(s, "bench/chunked", big, big_digest, BIG)
            r["push_chunked"] = BIG / 1e6 / (time.perf_counter() - t0)
            t0 = time.perf_counter()
            assert curl_pull(s, "bench/mono", big_digest) == BIG
            r["pull"] = BIG / 1e6 / (time.perf_counter() - t0)
            push_monolithic(s, "bench/many", small, small_digest, CONCURRENT_BLOB)
            t0 = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(CLIENTS) as ex:
                sizes = list(ex.map(lambda _: curl_pull(s, "bench/many", small_digest), range(CLIENTS)))
            assert all(n == CONCURRENT_BLOB for n in sizes)
            r["pull_concurrent"] = CLIENTS * CONCURRENT_BLOB / 1e6 / (time.perf_counter() - t0)

            config_digest = push_small(s, "bench/app", b"{}")
            c = s.conn()  # the layer must be in bench/app too: mount it
            c.request("POST", f"/v2/bench/app/blobs/uploads/?mount={small_digest}&from=bench/many")
            c.getresponse().read()
            put_manifest(s, "bench/app", "latest", config_digest, small_digest, CONCURRENT_BLOB)
            r["get"] = wrk(s, "/v2/bench/app/manifests/latest", "GET")
            r["tags"] = requests_per_second(s, f"/v2/list/repo-{REPOS // 2:04d}/tags/list", 200)
            r["catalog"] = requests_per_second(s, f"/v2/_catalog?n={REPOS}", 10 if not QUICK else 20)

            s.reset_peak()
            t0 = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(CLIENTS) as ex:
                list(ex.map(lambda i: push_monolithic(s, f"bench/par{i}", big, big_digest, BIG), range(CLIENTS)))
            r["push_concurrent"] = CLIENTS * BIG / 1e6 / (time.perf_counter() - t0)
            r["rss_peak"] = s.status("VmHWM") / MIB
            s.stop()
            shutil.rmtree(os.path.join(s.root, "docker/registry/v2/blobs"), ignore_errors=True)

        sha, disk = machine_limits(work)
    finally:
        for s in locals().get("servers", []):
            s.stop()
        shutil.rmtree(work, ignore_errors=True)

    d, o = results["distribution"], results["regctl"]

    def row(label, key, unit, higher_better=True, target=None, idx=None):
        a, b = d[key], o[key]
        if idx is not None:
            a, b = a[idx], b[idx]
        ratio = b / a if a else float("inf")
        verdict = ""
        if target is not None:
            ok = ratio >= target if higher_better else ratio <= target
            verdict = f"{'met' if ok else 'NOT met'} ({'>=' if higher_better else '<='} {target:g})"
        rows.append(f"| {label} | {a:,.1f} {unit} | {b:,.1f} {unit} | {ratio:.2f} | {verdict} |")

    row(f"monolithic push {BIG // MIB} MiB", "push_mono", "MB/s", True, 1.5)
    row(f"chunked push {BIG // MIB} MiB (16 MiB chunks)", "push_chunked", "MB/s", True, 2)
    row(f"blob pull {BIG // MIB} MiB", "pull", "MB/s", True, 1.5)
    row(f"{CLIENTS} concurrent pulls of {CONCURRENT_BLOB // MIB} MiB", "pull_concurrent", "MB/s", True, 2)
    row("manifest GET by tag, 32 conns", "get", "req/s", True, 10, 0)
    row("manifest GET p50", "get", "ms", False, None, 1)
    row("manifest GET p99", "get", "ms", False, None, 2)
    row(f"tags list ({TAGS} tags)", "tags", "req/s", True)
    row(f"catalog ({REPOS} repositories)", "catalog", "req/s", True)
    row("idle RSS", "rss_idle", "MiB", False, 1 / 3)
    row(f"peak RSS, {CLIENTS} concurrent {BIG // MIB} MiB pushes", "rss_peak", "MiB", False)
    row(f"aggregate MB/s of those pushes", "push_concurrent", "MB/s", True)
    row("start-up to first 200 on /v2/", "startup", "ms", False)
    print(f"\nmachine: sha256 (one core, openssl -evp) {sha:,.0f} MB/s; "
          f"sequential write with fsync {disk:,.0f} MB/s; slower limit {min(sha, disk):,.0f} MB/s\n")
    print("| workload | distribution | regctl | regctl / distribution | target |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    print("\nHEAD is not in the table: wrk waits for a body after a HEAD answer that carries Content-Length, so it cannot measure it; HEAD runs the same lookup as GET.")
    print(f"\nregctl absolute: peak RSS {o['rss_peak']:.0f} MiB (target <= 100), start-up {o['startup']:.1f} ms (target <= 20); "
          f"push {o['push_mono']:.0f} / pull {o['pull']:.0f} MB/s vs 70% of the slower limit = {0.7 * min(sha, disk):.0f} MB/s")


if __name__ == "__main__":
    main()
