"""The compose test layer's harness: docker-compose.yml as a user runs it, through Debian's
docker-compose (a Docker client) talking to podman's Docker-compatible API.

What podman needs differently from Docker lives here, never in the user's file:
- podman's API service, started by us on a socket of our own (DOCKER_HOST);
- health checks, which nothing schedules here (podman uses systemd timers, and there is no
  systemd): we run `podman healthcheck run` until each container reports healthy, also while
  `docker-compose up` waits for `condition: service_healthy`;
- the secrets, made by docker/make-secrets.sh in a folder of ours, named in an override file,
  so that a user's ./secrets/ is never read, changed or deleted by the tests.

Run by scripts/compose-test.sh: the images are built on the host's network (their RUN steps
reach Debian's mirror and npm), the stack runs inside a network namespace of its own
(scripts/netns.sh), so its bridge, its published ports and the containers' addresses exist only
there. COMPOSE_TEST_DIR names the run's work folder (secrets, override file, sockets)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))

from stack import LOG_DIR, REPO, Process, _resp, wait_until  # noqa: E402

COMPOSE_FILE = REPO / "docker-compose.yml"
PROJECT = os.environ.get("COMPOSE_TEST_PROJECT", "interview-compose-test")
WORK = Path(os.environ.get("COMPOSE_TEST_DIR", "/tmp/interview-compose-test"))
SECRETS = WORK / "secrets"
OVERRIDE = WORK / "secrets.override.yml"
COMPOSE_LOGS = LOG_DIR / "compose"
SECRET_NAMES = ("admin_key", "service_key", "janus_admin_secret", "redis_password",
                "turn_secret")
SERVICES = ("redis", "service", "janus", "turn", "web")
LOCAL_CAS = Path("/usr/local/share/ca-certificates")


def require_tools() -> None:
    """podman and docker-compose must be there: a missing one fails the layer, never skips it."""
    for tool, how in (("podman", "scripts/compose-setup.sh installs it"),
                      ("docker-compose", "scripts/compose-setup.sh installs it")):
        if not shutil.which(tool):
            raise RuntimeError(f"{tool} not found: {how} (needs root)")
    if os.geteuid() != 0:
        raise RuntimeError("the compose layer needs root (podman runs rootful here)")


def make_secrets() -> None:
    """Random secrets in our own folder, and an override file that points compose at them."""
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(REPO / "docker" / "make-secrets.sh"), str(SECRETS)], check=True,
                   stdout=subprocess.DEVNULL)
    # A version: docker-compose 1.29 takes a file with neither it nor services for the old
    # version 1 format (docker-compose.yml itself, without one, counts as 3.9 there).
    lines = ["# Written by tests/compose: the test run's own secrets, not ./secrets/.",
             'version: "3.9"', "secrets:"]
    for name in SECRET_NAMES:
        lines += [f"  {name}:", f"    file: {json.dumps(str(SECRETS / name))}"]
    OVERRIDE.write_text("\n".join(lines) + "\n")


def secret(name: str) -> str:
    return (SECRETS / name).read_text().strip()


class PodmanService:
    """podman's Docker-compatible API on a socket of ours, for docker-compose (DOCKER_HOST).
    Started in the network namespace the containers are to live in: podman sets up their
    bridges and published ports in its own namespace."""

    def __init__(self, name: str):
        self.socket = WORK / f"{name}.sock"
        self.name = name
        self.process: Process | None = None

    @property
    def docker_host(self) -> str:
        return f"unix://{self.socket}"

    def _answers(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(2)
                s.connect(str(self.socket))
                s.sendall(b"GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n")
                return s.recv(64).startswith(b"HTTP/1.")
        except OSError:
            return False

    def start(self) -> "PodmanService":
        self.socket.unlink(missing_ok=True)
        COMPOSE_LOGS.mkdir(parents=True, exist_ok=True)
        self.process = Process(f"compose/podman-{self.name}",
                               ["podman", "system", "service", "--time=0", self.docker_host])
        wait_until(lambda: self._answers() or not self.process.alive(), 30,
                   "podman's API service")
        if not self.process.alive():
            raise RuntimeError(f"podman system service exited:\n{self.process.log()[-2000:]}")
        return self

    def stop(self) -> None:
        if self.process:
            self.process.stop()
        self.socket.unlink(missing_ok=True)


class Compose:
    """docker-compose -f docker-compose.yml -f <our secrets> -p PROJECT, against podman."""

    def __init__(self, podman: PodmanService, env: dict | None = None):
        self.podman = podman
        # Settings as a user gives them (environment or .env); none is podman-specific.
        self.env = {**os.environ, "DOCKER_HOST": podman.docker_host,
                    "COMPOSE_PROJECT_NAME": PROJECT, **(env or {})}
        self._runs = 0
        COMPOSE_LOGS.mkdir(parents=True, exist_ok=True)

    def argv(self, *args: str) -> list[str]:
        return ["docker-compose", "-f", str(COMPOSE_FILE), "-f", str(OVERRIDE),
                "-p", PROJECT, *args]

    def popen(self, *args: str) -> tuple[subprocess.Popen, Path]:
        self._runs += 1
        log = COMPOSE_LOGS / f"docker-compose-{self._runs:02d}-{args[0]}.log"
        out = open(log, "wb")
        proc = subprocess.Popen(self.argv(*args), cwd=REPO, env=self.env, stdout=out,
                                stderr=subprocess.STDOUT)
        out.close()
        return proc, log

    def run(self, *args: str, timeout: float = 300) -> str:
        proc, log = self.popen(*args)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise TimeoutError(f"docker-compose {' '.join(args)} took over {timeout}s:\n"
                               f"{log.read_text(errors='replace')[-3000:]}")
        text = log.read_text(errors="replace")
        if proc.returncode != 0:
            raise RuntimeError(f"docker-compose {' '.join(args)} exited {proc.returncode}:\n"
                               f"{text[-3000:]}")
        return text

    def build(self, timeout: float) -> str:
        """`docker-compose build`. This workplace's HTTPS goes through a TLS-inspecting proxy
        whose CA the host trusts (/usr/local/share/ca-certificates): the web image's npm steps
        are given it through the Dockerfile's EXTRA_CA_CERTS build argument, as any user behind
        such a proxy would; a host without local CAs passes nothing."""
        pem = "".join(p.read_text() for p in sorted(LOCAL_CAS.glob("*.crt")))
        return self.run("build", *(["--build-arg", f"EXTRA_CA_CERTS={pem}"] if pem else []),
                        timeout=timeout)

    # ---- containers ----------------------------------------------------------------------
    def containers(self, all_: bool = False) -> dict[str, str]:
        """service name -> container name, for this project's containers."""
        out = subprocess.run(
            ["podman", "ps", *(["-a"] if all_ else []), "--filter",
             f"label=com.docker.compose.project={PROJECT}", "--format",
             '{{.Names}} {{index .Labels "com.docker.compose.service"}}'],
            capture_output=True, text=True, check=True).stdout
        pairs = [line.split() for line in out.splitlines() if line.strip()]
        return {svc: name for name, svc in pairs}

    def container(self, service: str) -> str:
        name = self.containers().get(service)
        if not name:
            raise RuntimeError(f"no running container for {service}")
        return name

    def address(self, service: str) -> str:
        """The container's address in the project's network (inside our namespace only)."""
        out = subprocess.run(["podman", "inspect", "--format",
                              "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
                              self.container(service)],
                             capture_output=True, text=True, check=True).stdout.split()
        return out[0]

    def health(self, service: str) -> str:
        out = subprocess.run(["podman", "inspect", "--format", "{{.State.Health.Status}}",
                              self.container(service)], capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else "missing"

    def check_health(self, services=SERVICES) -> dict[str, bool]:
        """Runs each running container's health check once (`podman healthcheck run`: exit 0
        healthy). Returns service -> healthy."""
        result = {}
        running = self.containers()
        for svc in services:
            name = running.get(svc)
            if not name:
                result[svc] = False
                continue
            r = subprocess.run(["podman", "healthcheck", "run", name], capture_output=True,
                               text=True, timeout=30)
            result[svc] = r.returncode == 0
        return result

    def wait_healthy(self, services=SERVICES, timeout: float = 180,
                     while_running: subprocess.Popen | None = None) -> float:
        """Runs the health checks until every one of `services` passed (and `while_running`,
        a docker-compose waiting for them, has finished); returns the seconds it took."""
        start = time.monotonic()
        healthy: set[str] = set()
        deadline = start + timeout
        while True:
            pending = [s for s in services if s not in healthy]
            if pending:
                healthy |= {s for s, ok in self.check_health(pending).items() if ok}
            done = while_running is None or while_running.poll() is not None
            if done and while_running is not None and while_running.returncode != 0:
                raise RuntimeError(f"docker-compose exited {while_running.returncode} "
                                   f"while waiting for health checks")
            if done and len(healthy) == len(services):
                return time.monotonic() - start
            if time.monotonic() > deadline:
                raise TimeoutError(f"not healthy after {timeout}s: "
                                   f"{[s for s in services if s not in healthy]} "
                                   f"({self.containers(all_=True)})")
            # A check costs a podman exec (~0.2 s); this pace keeps two cores free for the
            # containers starting.
            time.sleep(0.5)

    def up(self, *services: str, timeout: float = 240) -> float:
        """`docker-compose up -d` while running the health checks it waits for."""
        proc, log = self.popen("up", "-d", *services)
        try:
            return self.wait_healthy(services or SERVICES, timeout, while_running=proc)
        except BaseException:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            raise RuntimeError(f"up failed; docker-compose said:\n"
                               f"{log.read_text(errors='replace')[-3000:]}")

    def save_logs(self, label: str) -> list[Path]:
        """Every container's log (stdout and stderr) into COMPOSE_LOGS, before a down, kill or
        restart takes it away."""
        saved = []
        for svc, name in self.containers(all_=True).items():
            path = COMPOSE_LOGS / f"{label}-{svc}.container.log"
            with open(path, "wb") as f:
                subprocess.run(["podman", "logs", name], stdout=f, stderr=subprocess.STDOUT)
            saved.append(path)
        return saved


class ContainerRedis:
    """Commands to the Redis container over its address in our namespace, with the password
    from the secret (AUTH; never on a command line): what tests/integration's redis_text()
    reads the document with."""

    def __init__(self, compose: Compose):
        self.compose = compose

    def command(self, *args):
        password = secret("redis_password")
        with socket.create_connection((self.compose.address("redis"), 6379), timeout=10) as s:
            payload = b""
            for cmd in (("AUTH", password), args):
                payload += f"*{len(cmd)}\r\n".encode()
                for a in cmd:
                    b = a.encode() if isinstance(a, str) else a
                    payload += f"${len(b)}\r\n".encode() + b + b"\r\n"
            s.sendall(payload)
            f = s.makefile("rb")
            assert _resp(f) == "OK"
            return _resp(f)
