"""What bench/serve.py and bench/rollout.py both need: flags, tools, ports,
the registry config both servers read, a certificate, and /proc readings."""

import os
import shutil
import socket
import subprocess
import sys


def flag_value(name, default):
    """The value after `name` on the command line, or `default`."""
    if name in sys.argv:
        i = sys.argv.index(name)
        if i + 1 >= len(sys.argv):
            sys.exit(f"{name} needs a value")
        return sys.argv[i + 1]
    return default


def need(tool, package=None):
    if shutil.which(tool) is None:
        sys.exit(f"{tool} is required: apt-get install {package or tool}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_registry_config(path, root, addr, tls=None):
    """distribution's config.yml, read alike by `regctl serve` and
    `docker-registry serve`: filesystem storage under `root`, deletes on,
    access log off, and with `tls` = (certificate, key, ...) HTTPS."""
    with open(path, "w") as f:
        f.write(
            "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
            f"storage:\n  filesystem:\n    rootdirectory: {root}\n  delete:\n    enabled: true\n"
            f"http:\n  addr: {addr}\n  secret: bench-secret\n")
        if tls:
            f.write(f"  tls:\n    certificate: {tls[0]}\n    key: {tls[1]}\n")


def self_signed_certificate(directory, subject_alt_names):
    """An ECDSA P-256 certificate (the kind `regctl init` makes), its own
    CA, written into `directory`; returns (certificate, key)."""
    os.makedirs(directory, exist_ok=True)
    crt = os.path.join(directory, "registry.crt")
    key = os.path.join(directory, "registry.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", crt, "-days", "2", "-subj", "/CN=registry",
                    "-addext", f"subjectAltName={subject_alt_names}"],
                   check=True, capture_output=True)
    return crt, key


def process_cpu_seconds(pid):
    """User + system CPU time process `pid` has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
