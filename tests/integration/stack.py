"""Real processes for integration tests: Janus with our plugin (and, as the suite grows, the
interview service and Redis), started from the repository's own configs, plus a small Janus API
client over WebSocket and the admin API over HTTP.

Everything here runs inside the network namespace made by scripts/netns.sh, so the fixed
loopback ports cannot collide with anything on the host."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import websockets

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("INTERVIEW_BUILD_DIR", REPO / "build"))
LOG_DIR = Path(os.environ.get("INTERVIEW_TEST_LOGS", BUILD / "test-logs"))
JANUS_BIN = shutil.which("janus") or "/usr/bin/janus"
PLUGIN_DIR = BUILD / "plugin" / "janus"
# Preloaded into Janus: a crash writes the crashing thread's stack to the log at once
# (tests/support/crash_report.c); Janus's own last log lines may die with the process.
CRASH_REPORT = BUILD / "tests" / "support" / "libcrash_report.so"
_starts = itertools.count(1)
# Every error name the suite's clients received from the plugin (plugin answers, data-channel
# messages, admin answers): test_zz_error_table.py checks that each documented code occurred.
ERRORS_SEEN: set[str] = set()


def record_error(data) -> None:
    """Notes a plugin error in ERRORS_SEEN (data: a parsed answer or message, anything else is
    ignored)."""
    if isinstance(data, dict) and isinstance(data.get("error"), str) and \
            isinstance(data.get("error_code"), int):
        ERRORS_SEEN.add(data["error"])


def require(path: Path | str, what: str) -> None:
    """A missing dependency fails loudly, never skips."""
    if not Path(path).exists():
        raise RuntimeError(f"{what} not found at {path}: run scripts/setup.sh and build first")


def crash_report(log: str) -> str | None:
    """The stack that CRASH_REPORT wrote into a log, or None when the process did not crash."""
    start = log.rfind("[crash-report] signal ")
    if start < 0:
        return None
    end = log.find("[crash-report] end", start)
    return log[start:end if end >= 0 else len(log)]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.02):
    """Polls a readiness check of another process (there is no event to await across
    processes); fails with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Process:
    """A child process whose output goes to a log file; stop() returns its exit status."""

    def __init__(self, name: str, argv: list[str], env: dict | None = None,
                 cwd: str | None = None):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = LOG_DIR / f"{name}.out.log"
        self._log = open(self.log_path, "ab")
        self._log_start = self._log.tell()  # the file is shared by runs of the same name
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(env or {})}, cwd=cwd)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def log(self) -> str:
        """What this process wrote (not earlier runs of the same name)."""
        with open(self.log_path, "rb") as f:
            f.seek(self._log_start)
            return f.read().decode(errors="replace")


class Janus:
    """Janus 1.1.2 (Debian) loading libjanus_interview.so from the build tree, configured from
    janus-config/ with a random admin secret and ICE restricted to the namespace's 127.0.0.2."""

    def __init__(self, workdir: Path, name: str = "janus", plugin_settings: dict | None = None,
                 service_url: str = "http://127.0.0.1:8090", service_key: str | None = None,
                 ws_port: int = 8188, http_port: int = 8088, admin_port: int = 7088):
        require(JANUS_BIN, "janus")
        require(PLUGIN_DIR / "libjanus_interview.so", "the plugin")
        self.name = name
        self.config_dir = workdir / f"{name}-config"
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.admin_secret = secrets.token_urlsafe(24)
        self.service_key = service_key or secrets.token_urlsafe(32)
        self.ws_url = f"ws://127.0.0.1:{ws_port}"
        self.http_url = f"http://127.0.0.1:{http_port}/janus"
        self.admin_url = f"http://127.0.0.1:{admin_port}/admin"
        self._write_configs(plugin_settings or {}, service_url, ws_port, http_port, admin_port)
        self.process: Process | None = None

    def _write_configs(self, plugin_settings, service_url, ws_port, http_port, admin_port):
        src = REPO / "janus-config"
        janus_cfg = (src / "janus.jcfg").read_text()
        janus_cfg = janus_cfg.replace('"CHANGE-ME-admin-secret"', json.dumps(self.admin_secret))
        janus_cfg = janus_cfg.replace("full_trickle = true",
                                      'full_trickle = true\n\tice_enforce_list = "127.0.0.2"')
        (self.config_dir / "janus.jcfg").write_text(janus_cfg)
        http = (src / "janus.transport.http.jcfg").read_text()
        http = http.replace("port = 8088", f"port = {http_port}")
        http = http.replace("admin_port = 7088", f"admin_port = {admin_port}")
        (self.config_dir / "janus.transport.http.jcfg").write_text(http)
        ws = (src / "janus.transport.websockets.jcfg").read_text()
        (self.config_dir / "janus.transport.websockets.jcfg").write_text(
            ws.replace("ws_port = 8188", f"ws_port = {ws_port}"))
        key_file = self.config_dir / "interview-service.key"
        key_file.write_text(self.service_key + "\n")
        key_file.chmod(0o600)
        settings = {"service_url": service_url, "service_key_file": "interview-service.key",
                    **plugin_settings}
        self.write_plugin_config(settings)

    def write_plugin_config(self, settings: dict) -> None:
        lines = ["general: {"]
        for key, value in settings.items():
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, (int, float)):
                text = str(value)
            else:
                text = json.dumps(value)
            lines.append(f"\t{key} = {text}")
        lines.append("}")
        (self.config_dir / "janus.plugin.interview.jcfg").write_text("\n".join(lines) + "\n")

    def start(self, expect_plugin: bool = True) -> "Janus":
        # Each start gets its own log file, so a test reads only what this run wrote.
        self.log_path = LOG_DIR / f"{self.name}-{os.getpid()}-{next(_starts)}.janus.log"
        require(CRASH_REPORT, "the crash reporter (tests/support)")
        preload = ":".join(filter(None, [os.environ.get("LD_PRELOAD"), str(CRASH_REPORT)]))
        self.process = Process(self.name, [JANUS_BIN, "-F", str(self.config_dir), "-P",
                                           str(PLUGIN_DIR), "-L", str(self.log_path), "-o",
                                           "-N"],
                               env={"LD_PRELOAD": preload},
                               # Janus raises its core-size limit itself: should it crash, the
                               # core lands in the test's work directory, not the checkout.
                               cwd=str(self.config_dir))
        wait_until(lambda: self._answers() or not self.process.alive(), 15, "Janus to answer")
        if not self.process.alive():
            raise RuntimeError(f"Janus exited at start:\n{self.process.log()[-3000:]}")
        if expect_plugin:
            plugins = self.info().get("plugins", {})
            if "janus.plugin.interview" not in plugins:
                raise RuntimeError(f"plugin not loaded:\n{self.process.log()[-3000:]}")
        return self

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.http_url + "/info", timeout=1) as r:
                return r.status == 200
        except (urllib.error.URLError, ConnectionError, OSError):
            return False

    def info(self) -> dict:
        with urllib.request.urlopen(self.http_url + "/info", timeout=5) as r:
            return json.load(r)

    def admin(self, request: dict, secret: str | None = None) -> dict:
        body = {"transaction": secrets.token_hex(6),
                "admin_secret": self.admin_secret if secret is None else secret, **request}
        req = urllib.request.Request(self.admin_url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.load(r)

    def plugin_admin(self, request: dict, secret: str | None = None) -> dict:
        """One of our plugin's admin requests (message_plugin), e.g. {"request": "info"}."""
        reply = self.admin({"janus": "message_plugin", "plugin": "janus.plugin.interview",
                            "request": request}, secret=secret)
        record_error(reply.get("response"))
        return reply

    def rss_bytes(self) -> int:
        """The Janus process's resident memory (VmRSS), in bytes."""
        status = Path(f"/proc/{self.process.proc.pid}/status").read_text()
        kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(kib) * 1024

    def stop(self, sig=signal.SIGTERM) -> int:
        return self.process.stop(sig) if self.process else 0

    def log(self) -> str:
        if not self.process:
            return ""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return self.process.log() + text


class JanusError(Exception):
    def __init__(self, reply: dict):
        self.reply = reply
        err = reply.get("error", {})
        super().__init__(f"Janus error {err.get('code')}: {err.get('reason')}")


class JanusClient:
    """The Janus API over WebSocket: sessions, handles, plugin messages and their events."""

    def __init__(self, url: str):
        self.url = url
        self.ws = None
        self.session_id = None
        self._tx = itertools.count(1)
        self._pending: dict[str, asyncio.Future] = {}
        self._events: dict[int, asyncio.Queue] = {}
        self._trickles: dict[int, asyncio.Queue] = {}
        self._reader = None
        self._keepalive = None
        self.on_close = None  # called when the WebSocket to Janus closes

    async def __aenter__(self) -> "JanusClient":
        self.ws = await websockets.connect(self.url, subprotocols=["janus-protocol"],
                                           max_size=None)
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def close(self) -> None:
        if self._keepalive:
            self._keepalive.cancel()
        if self.ws:
            await self.ws.close()
        if self._reader:
            self._reader.cancel()

    async def _read(self) -> None:
        try:
            await self._read_messages()
        except websockets.ConnectionClosed:
            pass
        finally:
            if self.on_close is not None:
                self.on_close()

    async def _read_messages(self) -> None:
        async for raw in self.ws:
            msg = json.loads(raw)
            record_error(msg.get("plugindata", {}).get("data"))
            tx = msg.get("transaction")
            kind = msg.get("janus")
            if tx in self._pending and kind != "ack":
                self._pending.pop(tx).set_result(msg)
            elif kind == "trickle":
                self._trickles.setdefault(msg.get("sender"), asyncio.Queue()).put_nowait(msg)
            elif kind in ("event", "webrtcup", "media", "hangup", "slowlink", "detached"):
                self._events.setdefault(msg.get("sender"), asyncio.Queue()).put_nowait(msg)

    async def send_raw(self, text: str) -> dict:
        """Sends text as is (for malformed-input tests); returns Janus's reply."""
        fut = asyncio.get_running_loop().create_future()
        self._pending[None] = fut
        await self.ws.send(text)
        return await asyncio.wait_for(fut, 10)

    async def request(self, body: dict, timeout: float = 10) -> dict:
        tx = f"t{next(self._tx)}"
        fut = asyncio.get_running_loop().create_future()
        self._pending[tx] = fut
        await self.ws.send(json.dumps({**body, "transaction": tx}))
        reply = await asyncio.wait_for(fut, timeout)
        if reply.get("janus") == "error":
            raise JanusError(reply)
        return reply

    async def create_session(self) -> int:
        reply = await self.request({"janus": "create"})
        self.session_id = reply["data"]["id"]
        self._keepalive = asyncio.create_task(self._keep_alive())
        return self.session_id

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(20)
            await self.ws.send(json.dumps({"janus": "keepalive", "session_id": self.session_id,
                                           "transaction": f"k{next(self._tx)}"}))

    async def attach(self, plugin: str = "janus.plugin.interview") -> int:
        reply = await self.request({"janus": "attach", "plugin": plugin,
                                    "session_id": self.session_id})
        handle = reply["data"]["id"]
        self._events.setdefault(handle, asyncio.Queue())
        return handle

    async def message(self, handle: int, body, jsep: dict | None = None,
                      timeout: float = 10) -> dict:
        """Sends a plugin message; returns the plugin's answer (the event carrying the same
        transaction): {"plugindata": {"data": ...}, "jsep": ...}."""
        msg = {"janus": "message", "session_id": self.session_id, "handle_id": handle,
               "body": body}
        if jsep is not None:
            msg["jsep"] = jsep
        return await self.request(msg, timeout)

    async def next_event(self, handle: int, timeout: float = 10) -> dict:
        return await asyncio.wait_for(self._events.setdefault(handle, asyncio.Queue()).get(),
                                      timeout)

    async def next_plugin_event(self, handle: int, timeout: float = 10) -> dict:
        """The next event the plugin pushed to this handle (Janus's own webrtcup, media and
        hangup events are passed over)."""
        while True:
            event = await self.next_event(handle, timeout)
            if "plugindata" in event:
                return event

    async def next_trickle(self, handle: int, timeout: float = 10) -> dict:
        return await asyncio.wait_for(
            self._trickles.setdefault(handle, asyncio.Queue()).get(), timeout)

    async def trickle(self, handle: int, candidate: dict | None) -> None:
        body = {"janus": "trickle", "session_id": self.session_id, "handle_id": handle,
                "candidate": candidate or {"completed": True}}
        await self.request(body)

    async def detach(self, handle: int) -> None:
        await self.request({"janus": "detach", "session_id": self.session_id,
                            "handle_id": handle})

    async def destroy(self) -> None:
        await self.request({"janus": "destroy", "session_id": self.session_id})


def plugin_data(reply: dict) -> dict:
    return reply["plugindata"]["data"]


SERVICE_BIN = BUILD / "service" / "interview-service"
TOKENS_FILE = LOG_DIR / "issued-tokens.txt"


def _http(method: str, url: str, body: dict | None = None, bearer: str | None = None):
    """One JSON request; returns (status, parsed body)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Service:
    """The interview service (our REST service) with its own SQLite file and keys."""

    def __init__(self, workdir: Path, service_key: str, port: int = 8090, name: str = "service",
                 extra_args: list[str] | None = None):
        require(SERVICE_BIN, "interview-service")
        self.name = name
        self.dir = workdir / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.url = f"http://127.0.0.1:{port}"
        self.admin_key = secrets.token_urlsafe(32)
        self.service_key = service_key
        (self.dir / "admin.key").write_text(self.admin_key + "\n")
        (self.dir / "service.key").write_text(service_key + "\n")
        self.argv = [str(SERVICE_BIN), "--listen", f"127.0.0.1:{port}",
                     "--db", str(self.dir / "interviews.db"),
                     "--admin-key-file", str(self.dir / "admin.key"),
                     "--service-key-file", str(self.dir / "service.key"), *(extra_args or [])]
        self.process: Process | None = None

    def start(self) -> "Service":
        self.process = Process(self.name, self.argv)
        wait_until(lambda: self._healthy() or not self.process.alive(), 10, "the service")
        if not self.process.alive():
            raise RuntimeError(f"service exited at start:\n{self.process.log()[-2000:]}")
        return self

    def _healthy(self) -> bool:
        try:
            return _http("GET", self.url + "/v1/health")[0] == 200
        except (urllib.error.URLError, ConnectionError, OSError):
            return False

    def stop(self) -> int:
        return self.process.stop() if self.process else 0

    def admin(self, method: str, path: str, body: dict | None = None):
        return _http(method, self.url + path, body, self.admin_key)

    def schedule(self, start_in_minutes: float, duration_minutes: int = 60,
                 recruiters: int = 1, observers: int = 0, title: str = "Backend interview",
                 start: str | None = None) -> dict:
        """Schedules an interview relative to the real clock; returns the service's answer,
        with `tokens` by role: {"applicant": [...], "recruiter": [...], "observer": [...]}."""
        if start is None:
            start = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                  time.gmtime(time.time() + start_in_minutes * 60))
        body = {"title": title, "start": start, "duration_minutes": duration_minutes,
                "applicant": {"name": "Ada Applicant"},
                "recruiters": [{"name": f"Rita Recruiter {i + 1}"} for i in range(recruiters)],
                "observers": [{"name": f"Olga Observer {i + 1}"} for i in range(observers)]}
        status, answer = self.admin("POST", "/v1/interviews", body)
        if status != 201:
            raise RuntimeError(f"schedule failed: {status} {answer}")
        answer["tokens"] = {}
        with open(TOKENS_FILE, "a") as f:
            for p in answer["participants"]:
                answer["tokens"].setdefault(p["role"], []).append(p["token"])
                f.write(p["token"] + "\n")
        return answer


REDIS_BIN = shutil.which("redis-server") or "/usr/bin/redis-server"


class Redis:
    """A real redis-server with the append-only file on, as deployments run it."""

    def __init__(self, workdir: Path, port: int = 6379, name: str = "redis",
                 password: str | None = None):
        require(REDIS_BIN, "redis-server")
        self.name = name
        self.port = port
        self.password = password
        self.dir = workdir / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / "redis.conf"
        self.conf.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {self.dir}\nappendonly yes\n"
            "appendfsync everysec\nsave \"\"\ndaemonize no\nprotected-mode yes\n"
            + (f"requirepass {password}\n" if password else ""))
        self.process: Process | None = None

    def start(self) -> "Redis":
        self.process = Process(self.name, [REDIS_BIN, str(self.conf)])
        wait_until(lambda: self.ping() or not self.process.alive(), 10, "redis")
        return self

    def ping(self) -> bool:
        try:
            return self.cli("PING") == "PONG"
        except (OSError, subprocess.CalledProcessError):
            return False

    def cli(self, *args: str) -> str:
        env = {**os.environ, "REDISCLI_AUTH": self.password} if self.password else None
        out = subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True,
                             text=True, timeout=10, check=True, env=env)
        return out.stdout.strip()

    def command(self, *args: str):
        """One command over a raw socket (RESP), returning the parsed reply: binary safe,
        unlike redis-cli's text output."""
        import socket
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            payload = f"*{len(args)}\r\n".encode()
            for a in args:
                b = a.encode() if isinstance(a, str) else a
                payload += f"${len(b)}\r\n".encode() + b + b"\r\n"
            s.sendall(payload)
            f = s.makefile("rb")
            return _resp(f)

    def stop(self, sig=signal.SIGTERM) -> int:
        return self.process.stop(sig) if self.process else 0

    def freeze(self) -> None:
        """Stops the process without closing anything (SIGSTOP): a Redis that no longer answers,
        with its connections still open."""
        self.process.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.proc.send_signal(signal.SIGCONT)


def _resp(f):
    line = f.readline().rstrip(b"\r\n")
    kind, rest = line[:1], line[1:]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RuntimeError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)[:-2]
        return data
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_resp(f) for _ in range(n)]
    raise RuntimeError(f"bad RESP line {line!r}")
