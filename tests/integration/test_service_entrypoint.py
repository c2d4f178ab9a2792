"""The service container's entrypoint (docker/service/entrypoint.sh) turned into the real
interview-service, and the compose settings that feed it: which proxies the service trusts to
name the client its rate limiter counts (docs/DEPLOYMENT.md, "Rate limiting behind a proxy").

No Docker engine: the entrypoint runs here with three stand-ins on PATH for what only a container
has (`install -o interview`, `chown`, `setpriv` to the service user); the stand-in `setpriv`
starts the real binary from the build with the flags the entrypoint rendered."""

from __future__ import annotations

import ipaddress
import os
import re
import select
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from stack import BUILD, REPO
from test_deployment import compose_config

ENTRYPOINT = REPO / "docker" / "service" / "entrypoint.sh"
SERVICE_BIN = BUILD / "service" / "interview-service"
ADMIN_KEY = "entrypoint-admin-key-0123456789"


def shims(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("install", "chown"):
        (bin_dir / name).write_text("#!/bin/sh\nexit 0\n")
    # setpriv --reuid=... --regid=... --init-groups PROGRAM ARGS...: run the build's binary.
    (bin_dir / "setpriv").write_text(
        "#!/bin/bash\nwhile [[ $1 == --* ]]; do shift; done\nshift\n"
        f'exec "{SERVICE_BIN}" "$@"\n')
    for f in bin_dir.iterdir():
        f.chmod(0o755)
    return bin_dir


def start(tmp_path: Path, **env: str) -> subprocess.Popen:
    if not SERVICE_BIN.exists():
        pytest.fail(f"{SERVICE_BIN} is missing: build the service first")
    full_env = {"PATH": f"{shims(tmp_path)}:{os.environ['PATH']}",
                "INTERVIEW_ADMIN_KEY_FILE": str(tmp_path / "absent"),
                "INTERVIEW_SERVICE_KEY_FILE": str(tmp_path / "absent"),
                "INTERVIEW_ADMIN_KEY": ADMIN_KEY,
                "INTERVIEW_SERVICE_KEY": "entrypoint-service-key-0123456789",
                "INTERVIEW_LISTEN": "127.0.0.1:0",
                "INTERVIEW_DB": str(tmp_path / "service.db"), **env}
    return subprocess.Popen(["bash", str(ENTRYPOINT)], env=full_env, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)


def listening_port(proc: subprocess.Popen, timeout: float = 20) -> int:
    """Reads the service's stderr until its 'listening on' line (or its exit)."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], deadline - time.monotonic())
        if not ready:
            break
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if m := re.search(r"listening on 127\.0\.0\.1:(\d+)", line):
            return int(m.group(1))
    raise AssertionError(f"the service did not start: {''.join(seen)}")


def status(port: int, key: str, forwarded_for: str | None) -> int:
    headers = {"Authorization": f"Bearer {key}"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/interviews", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.parametrize("trusted", ["127.0.0.1", "10.9.0.0/16, 127.0.0.1", "::1 127.0.0.0/8"])
def test_trusted_proxies_reach_the_service_and_keep_one_guesser_to_itself(tmp_path, trusted):
    proc = start(tmp_path, INTERVIEW_TRUSTED_PROXIES=trusted)
    try:
        port = listening_port(proc)
        for i in range(10):
            assert status(port, "wrong-key-0123456789", "203.0.113.5") == 401, i
        assert status(port, "wrong-key-0123456789", "203.0.113.5") == 429
        # Another browser behind the same proxy is not throttled.
        assert status(port, "wrong-key-0123456789", "203.0.113.6") == 401
        # The right key is always served, also to the throttled client.
        assert status(port, ADMIN_KEY, "203.0.113.5") == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0


def test_without_trusted_proxies_the_header_is_ignored(tmp_path):
    proc = start(tmp_path)
    try:
        port = listening_port(proc)
        for i in range(10):
            assert status(port, "wrong-key-0123456789", "203.0.113.5") == 401, i
        assert status(port, "wrong-key-0123456789", "203.0.113.6") == 429
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0


@pytest.mark.parametrize("bad", ["10.0.0.1/8", "0.0.0.0/0", "proxy.local", "127.0.0.1,*"])
def test_a_bad_trusted_proxy_stops_the_container_naming_it(tmp_path, bad):
    proc = start(tmp_path, INTERVIEW_TRUSTED_PROXIES=bad)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 2, err
    assert "--trusted-proxy" in err, err


def test_compose_trusts_exactly_the_web_containers_address():
    config = compose_config()
    subnet = ipaddress.ip_network(config["networks"]["default"]["ipam"]["config"][0]["subnet"])
    web = ipaddress.ip_address(config["services"]["web"]["networks"]["default"]["ipv4_address"])
    trusted = config["services"]["service"]["environment"]["INTERVIEW_TRUSTED_PROXIES"]
    assert web in subnet and web not in (subnet.network_address, subnet.broadcast_address)
    assert trusted == str(web), "the service must trust the web container and nothing else"
    # The other containers get addresses from the pool, never the web container's.
    for name, svc in config["services"].items():
        if name != "web":
            assert "networks" not in svc or "ipv4_address" not in str(svc["networks"]), name
    moved = compose_config({"INTERVIEW_SUBNET": "10.77.0.0/24",
                            "INTERVIEW_WEB_ADDRESS": "10.77.0.20",
                            "INTERVIEW_TRUSTED_PROXIES": "10.77.0.20 10.77.0.1"})
    assert moved["networks"]["default"]["ipam"]["config"][0]["subnet"] == "10.77.0.0/24"
    assert moved["services"]["web"]["networks"]["default"]["ipv4_address"] == "10.77.0.20"
    assert moved["services"]["service"]["environment"]["INTERVIEW_TRUSTED_PROXIES"] == \
        "10.77.0.20 10.77.0.1"
