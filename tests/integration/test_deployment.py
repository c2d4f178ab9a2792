"""Deployment: docker-compose.yml and the Dockerfiles in docker/, and the container entrypoints
(rendered configs run in the real Janus). `cmake --install` is in test_install.py.

No Docker engine is needed: the compose file is validated by docker-compose itself
(`config -q`), the Dockerfiles by a small parser below, and what the entrypoints render is
loaded by the real Janus. A missing docker-compose fails the test, it is never skipped.
Runs inside scripts/netns.sh like the other integration tests (the Janus ports are fixed)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from stack import BUILD, REPO, Janus, require

COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILES = {name: REPO / "docker" / name / "Dockerfile" for name in ("janus", "redis", "service", "web")}
REDIS_ENTRYPOINT = REPO / "docker" / "redis" / "entrypoint.sh"
JANUS_ENTRYPOINT = REPO / "docker" / "janus" / "entrypoint.sh"
WEB_ENTRYPOINT = REPO / "docker" / "web" / "entrypoint.sh"
SAMPLE = "janus.plugin.interview.jcfg.sample"
PLUGIN_JCFG = "janus.plugin.interview.jcfg"

SECRET_NAME = re.compile(r"(KEY|SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL)", re.I)


# --------------------------------------------------------------------------------------------
# docker-compose

def docker_compose(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.fail("docker-compose is not installed: scripts/setup.sh must install it "
                    "(apt-get install --no-install-recommends docker-compose)")
    # Only the variables given here reach the interpolation (not the caller's environment, not
    # a developer's .env): the defaults are what is checked.
    clean = {k: v for k, v in os.environ.items()
             if not re.match(r"^(JANUS_|INTERVIEW_|WEB_|COMPOSE_|DOCKER_)", k)}
    with tempfile.NamedTemporaryFile("w", suffix=".env") as empty_env_file:
        return subprocess.run([exe, "--env-file", empty_env_file.name, "-f", str(COMPOSE_FILE),
                               *args], cwd=REPO, text=True, capture_output=True,
                              env={**clean, **(env or {})}, timeout=60)


def compose_config(env: dict | None = None) -> dict:
    import yaml  # python3-yaml, a dependency of Debian's docker-compose
    result = docker_compose("config", env=env)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def published(service: dict) -> list[tuple[int, int, str]]:
    """(published, target, protocol) of every published port of a service."""
    out = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            out.append((int(port["published"]), int(port["target"]),
                        port.get("protocol", "tcp")))
        else:
            raise AssertionError(f"unexpected port form {port!r}")
    return out


def mounts(service: dict) -> list[tuple[str, str]]:
    """(source, target) of a service's volumes, short ("src:dst:rw") or long form."""
    out = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            out.append((volume["source"], volume["target"]))
        else:
            source, target = volume.split(":")[:2]
            out.append((source, target))
    return out


def test_compose_file_is_valid():
    """Exactly `docker-compose -f docker-compose.yml config -q`, as a user would run it."""
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.fail("docker-compose is not installed: scripts/setup.sh must install it "
                    "(apt-get install --no-install-recommends docker-compose)")
    result = subprocess.run([exe, "-f", "docker-compose.yml", "config", "-q"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"docker-compose config -q failed:\n{result.stderr}"
    assert docker_compose("config", "-q").returncode == 0


def test_compose_services_health_checks_volumes_and_secrets():
    config = compose_config()
    services = config["services"]
    assert set(services) == {"redis", "service", "janus", "turn", "web"}
    for name, svc in services.items():
        test = svc.get("healthcheck", {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no health check"
        assert svc.get("restart") == "unless-stopped", name

    redis = services["redis"]
    # Redis's settings live in its image's entrypoint (docker/redis), not in a compose command.
    assert "command" not in redis and "entrypoint" not in redis
    command = REDIS_ENTRYPOINT.read_text()
    assert "--appendonly yes" in command
    assert mounts(redis) == [("redis-data", "/data")]
    assert mounts(services["service"]) == [("service-data", "/var/lib/interview")]
    assert mounts(services["janus"]) == [] and mounts(services["web"]) == []
    assert mounts(services["turn"]) == []  # coturn stores nothing (use-auth-secret)
    assert set(config["volumes"]) == {"redis-data", "service-data"}, "named volumes"

    # Secrets are files created by the user, mounted only where they are needed.
    for name, secret in config["secrets"].items():
        assert Path(secret["file"]).parent == REPO / "secrets", name
    names = lambda svc: {s["source"] if isinstance(s, dict) else s  # noqa: E731
                         for s in services[svc].get("secrets", [])}
    assert names("service") == {"admin_key", "service_key", "turn_secret"}
    assert names("turn") == {"turn_secret"}
    assert names("janus") == {"janus_admin_secret", "service_key", "redis_password",
                              "turn_secret"}
    assert names("web") == set() and names("redis") == {"redis_password"}
    # Redis needs its password (requirepass from the secret, never on a command line), and
    # its health check presents it.
    assert "requirepass" in command and "/run/secrets/redis_password" in command
    assert "--requirepass" not in command and "setpriv --reuid=redis" in command
    assert "REDISCLI_AUTH=" in " ".join(redis["healthcheck"]["test"])

    # No secret value in the environment of any service.
    for name, svc in services.items():
        for var, value in (svc.get("environment") or {}).items():
            if SECRET_NAME.search(var) and not var.endswith("_FILE"):
                assert not value, f"{name}: {var} carries a value; use a secret file"


def test_compose_publishes_only_what_browsers_need():
    services = compose_config()["services"]
    assert published(services["redis"]) == []
    assert published(services["service"]) == []
    web = published(services["web"])
    assert web == [(8080, 8080, "tcp")]
    janus = published(services["janus"])
    tcp = [p for p in janus if p[2] == "tcp"]
    udp = sorted(p for p in janus if p[2] == "udp")
    assert tcp == [(8188, 8188, "tcp")], "only the Janus WebSocket is published over TCP"
    assert [p[0] for p in udp] == list(range(20000, 20100))
    assert all(p[0] == p[1] for p in udp), "the RTP range must map one to one"
    assert services["janus"]["environment"]["JANUS_RTP_PORT_RANGE"] == "20000-20099"
    every = {p[0] for svc in services.values() for p in published(svc)}
    assert not every & {6379, 7088, 8088, 8090}, "Redis, admin API, Janus HTTP, service"


def test_compose_settings_follow_the_environment():
    services = compose_config({"JANUS_RTP_PORT_MIN": "30000", "JANUS_RTP_PORT_MAX": "30009",
                               "JANUS_PUBLIC_IP": "203.0.113.7", "WEB_PORT": "80",
                               "JANUS_WS_PORT": "9188", "JANUS_LOG_LEVEL": "5"})["services"]
    janus = services["janus"]
    assert janus["environment"]["JANUS_RTP_PORT_RANGE"] == "30000-30009"
    assert janus["environment"]["JANUS_PUBLIC_IP"] == "203.0.113.7"
    assert janus["environment"]["JANUS_LOG_LEVEL"] == "5"
    udp = sorted(p[0] for p in published(janus) if p[2] == "udp")
    assert udp == list(range(30000, 30010))
    assert (9188, 8188, "tcp") in published(janus)
    assert published(services["web"]) == [(80, 8080, "tcp")]


def test_every_compose_variable_is_documented_with_its_default():
    text = COMPOSE_FILE.read_text()
    variables = dict(re.findall(r"\$\{([A-Z0-9_]+):-([^}]*)\}", text))
    assert variables, "no ${VAR:-default} in docker-compose.yml?"
    docs = (REPO / "docs" / "DEPLOYMENT.md").read_text()
    example = (REPO / "docker" / "example.env").read_text()
    for var, default in variables.items():
        assert f"`{var}`" in docs, f"{var} is not in docs/DEPLOYMENT.md"
        assert re.search(rf"^{var}={re.escape(default)}$", example, re.M), \
            f"docker/example.env must show {var}={default}"


# --------------------------------------------------------------------------------------------
# Dockerfiles

KNOWN_INSTRUCTIONS = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY",
                      "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD",
                      "STOPSIGNAL", "HEALTHCHECK", "SHELL"}


def parse_dockerfile(path: Path) -> list[tuple[str, str, int]]:
    """(INSTRUCTION, arguments, line) with continuation lines joined and comments dropped."""
    out: list[tuple[str, str, int]] = []
    pending, start = "", 0
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # comment lines inside a continued instruction are removed by Docker
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        pending += stripped
        word, _, rest = pending.partition(" ")
        out.append((word.upper(), rest.strip(), start))
        pending = ""
    assert not pending, f"{path}: the last instruction ends with a line continuation"
    return out


def dockerignore_patterns() -> list[tuple[bool, re.Pattern]]:
    patterns = []
    for line in (REPO / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = line.lstrip("!").rstrip("/")
        regex = ""
        i = 0
        while i < len(line):
            if line.startswith("**/", i):
                regex += "(?:.*/)?"
                i += 3
            elif line.startswith("**", i):
                regex += ".*"
                i += 2
            elif line[i] == "*":
                regex += "[^/]*"
                i += 1
            elif line[i] == "?":
                regex += "[^/]"
                i += 1
            else:
                regex += re.escape(line[i])
                i += 1
        patterns.append((negate, re.compile(regex + "$")))
    return patterns


def ignored(rel: str, patterns) -> bool:
    """Whether .dockerignore keeps `rel` (or a folder above it) out of the build context."""
    parts = rel.strip("/").split("/")
    result = False
    for negate, pattern in patterns:
        for n in range(1, len(parts) + 1):
            if pattern.match("/".join(parts[:n])):
                result = not negate
                break
    return result


def copy_sources(args: str) -> tuple[dict, list[str], str]:
    words = shlex.split(args)
    flags = {}
    while words and words[0].startswith("--"):
        key, _, value = words.pop(0)[2:].partition("=")
        flags[key] = value
    assert len(words) >= 2, f"COPY needs a source and a destination: {args}"
    return flags, words[:-1], words[-1]


@pytest.fixture(scope="module")
def dockerfiles():
    return {name: parse_dockerfile(path) for name, path in DOCKERFILES.items()}


@pytest.mark.parametrize("name", sorted(DOCKERFILES))
def test_dockerfile_parses_and_copies_what_exists(name, dockerfiles):
    instructions = dockerfiles[name]
    assert instructions, f"{name}: empty Dockerfile"
    for word, args, line in instructions:
        assert word in KNOWN_INSTRUCTIONS, f"{name}:{line}: unknown instruction {word}"
        assert args, f"{name}:{line}: {word} without arguments"
    assert instructions[0][0] == "FROM", f"{name}: the first instruction must be FROM"

    patterns = dockerignore_patterns()
    stages: list[str] = []
    for word, args, line in instructions:
        if word == "FROM":
            parts = args.split()
            assert len(parts) in (1, 3) and (len(parts) == 1 or parts[1].upper() == "AS"), \
                f"{name}:{line}: FROM IMAGE [AS NAME]"
            stages.append(parts[2] if len(parts) == 3 else f"#{len(stages)}")
        elif word in ("COPY", "ADD"):
            flags, sources, _dest = copy_sources(args)
            if "from" in flags:
                assert flags["from"] in stages[:-1], \
                    f"{name}:{line}: --from={flags['from']} is not an earlier stage"
                continue
            assert word == "COPY", f"{name}:{line}: use COPY for local files"
            for src in sources:
                assert not src.startswith(("/", "..")), f"{name}:{line}: {src} leaves the context"
                assert not re.search(r"(^|/)(secrets/|\.env$)|\.key$", src), \
                    f"{name}:{line}: {src} would put a secret into the image"
                matches = list(REPO.glob(src.rstrip("/"))) if any(c in src for c in "*?[") \
                    else [REPO / src]
                assert matches and all(m.exists() for m in matches), \
                    f"{name}:{line}: COPY source {src} does not exist in the repository"
                for match in matches:
                    rel = match.relative_to(REPO).as_posix()
                    assert not ignored(rel, patterns), \
                        f"{name}:{line}: {src} is excluded by .dockerignore"
        elif word in ("ENV", "ARG"):
            for assignment in shlex.split(args):
                var, eq, value = assignment.partition("=")
                assert not (SECRET_NAME.search(var) and eq and value), \
                    f"{name}:{line}: {var} bakes a secret into the image; read a file at start"
        elif word in ("ENTRYPOINT", "CMD"):
            json.loads(args)  # exec form: signals reach the process, no shell in between

    final = [i for i in instructions if i[0] == "FROM"][-1][1].split()[0]
    assert final == "debian:bookworm-slim", f"{name}: the runtime must be debian:bookworm-slim"
    last_stage = instructions[max(i for i, ins in enumerate(instructions) if ins[0] == "FROM"):]
    words = [w for w, _, _ in last_stage]
    for needed in ("HEALTHCHECK", "ENTRYPOINT", "EXPOSE"):
        assert needed in words, f"{name}: the runtime stage has no {needed}"
    assert "USER" not in words, f"{name}: the entrypoint drops root itself (setpriv)"


def entrypoint_of(instructions) -> Path:
    """The repository file the image runs as its ENTRYPOINT."""
    target = json.loads(next(a for w, a, _ in instructions if w == "ENTRYPOINT"))[0]
    for word, args, _ in instructions:
        if word == "COPY" and not args.startswith("--"):
            _, sources, dest = copy_sources(args)
            if dest == target:
                return REPO / sources[0]
    raise AssertionError(f"no COPY puts the entrypoint {target} into the image")


@pytest.mark.parametrize("name", sorted(DOCKERFILES))
def test_dockerfile_entrypoint_and_ports_match_compose(name, dockerfiles):
    instructions = dockerfiles[name]
    script = entrypoint_of(instructions)
    assert script.stat().st_mode & stat.S_IXUSR, f"{script} is not executable"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0, f"{script}: syntax"

    exposed = set()
    for word, args, _ in instructions:
        if word == "EXPOSE":
            exposed |= {int(p.split("/")[0]) for p in args.split()}
    services = compose_config()["services"]
    svc = services[name]
    assert svc["build"]["dockerfile"] == f"docker/{name}/Dockerfile"
    assert Path(svc["build"]["context"]) == REPO
    tcp_targets = {t for _, t, proto in published(svc) if proto == "tcp"}
    assert tcp_targets <= exposed, f"{name}: compose publishes {tcp_targets}, EXPOSE {exposed}"
    # The compose health check is the image's own.
    image_check = next(a for w, a, _ in instructions if w == "HEALTHCHECK")
    compose_check = svc["healthcheck"]["test"]
    probe = compose_check[1] if compose_check[0] == "CMD-SHELL" else " ".join(compose_check[1:])
    assert probe.split("|")[0].split()[-1] in image_check, (probe, image_check)


def test_ports_agree_across_files():
    """The ports the processes listen on (templates, entrypoint defaults) are the ones compose
    publishes and the other containers call."""
    services = compose_config()["services"]
    ws = (REPO / "janus-config" / "janus.transport.websockets.jcfg").read_text()
    ws_port = int(re.search(r"(?m)^\s*ws_port = (\d+)", ws).group(1))
    assert (8188, ws_port, "tcp") in published(services["janus"])
    nginx = (REPO / "docker" / "web" / "nginx.conf").read_text()
    listen = int(re.search(r"(?m)^\s*listen (\d+);", nginx).group(1))
    assert published(services["web"]) == [(8080, listen, "tcp")]
    http = (REPO / "janus-config" / "janus.transport.http.jcfg").read_text()
    assert re.search(r"(?m)^\s*port = 8088\b", http) and "127.0.0.1:8088" in \
        str(services["janus"]["healthcheck"]["test"])
    service_entry = (REPO / "docker" / "service" / "entrypoint.sh").read_text()
    assert "INTERVIEW_LISTEN:-0.0.0.0:8090" in service_entry
    assert services["janus"]["environment"]["INTERVIEW_SERVICE_URL"] == "http://service:8090"
    web_entry = WEB_ENTRYPOINT.read_text()
    assert "WEB_SERVICE_UPSTREAM:-service:8090" in web_entry
    assert f"WEB_JANUS_UPSTREAM:-janus:{ws_port}" in web_entry


def service_csp() -> str:
    """The service's Content-Security-Policy, joined from its C++ string literals."""
    header = (REPO / "service" / "src" / "static_site.h").read_text()
    body = re.search(r"kContentSecurityPolicy =(.*?);\n", header, re.S).group(1)
    return "".join(re.findall(r'"([^"]*)"', body))


def nginx_blocks(text: str):
    """(name, body) of each `server { ... }` and `location ... { ... }`, body without nested
    blocks, comments dropped."""
    text = re.sub(r"#[^\n]*", "", text)
    out, stack = [], []
    for m in re.finditer(r"([^{};]*)\{|\}|[^{};]*;", text):
        token = m.group(0)
        if token.endswith("{"):
            stack.append([m.group(1).strip(), ""])
        elif token == "}":
            out.append(tuple(stack.pop()))
        elif stack:
            stack[-1][1] += token.strip() + "\n"
    return out


def test_nginx_sends_the_services_security_headers_on_every_answer():
    nginx = (REPO / "docker" / "web" / "nginx.conf").read_text()
    csp = re.search(r'map \$uri \$interview_csp \{\s*default "([^"]*)";', nginx).group(1)
    assert csp == service_csp()
    wanted = ["add_header Content-Security-Policy $interview_csp always;",
              'add_header X-Frame-Options "DENY" always;',
              'add_header X-Content-Type-Options "nosniff" always;',
              'add_header Referrer-Policy "no-referrer" always;']
    blocks = nginx_blocks(nginx)
    server = next(body for name, body in blocks if name == "server")
    for line in wanted:
        assert line in server, line
    # nginx inherits add_header only into locations without one of their own.
    for name, body in blocks:
        if name.startswith("location") and "add_header" in body:
            for line in wanted:
                assert line in body, (name, line)
    # Slow clients are held by nginx (docs/DEPLOYMENT.md, "Slow clients").
    for directive in ("client_header_timeout 10s;", "client_body_timeout 30s;",
                      "limit_conn per_client 32;"):
        assert directive in nginx, directive


def test_build_stages_configure_what_cmake_needs(dockerfiles):
    """The build stages copy every folder the top-level CMakeLists.txt adds, and build against
    Debian's janus-dev on debian:bookworm."""
    top = (REPO / "CMakeLists.txt").read_text()
    folders = set(re.findall(r"^\s*add_subdirectory\((\w+)\)", top, re.M))
    assert {"plugin", "tests"} <= folders
    for name in ("janus", "service"):
        instructions = dockerfiles[name]
        assert instructions[0][1].split()[0] == "debian:bookworm"
        copied = set()
        for word, args, _ in instructions:
            if word == "COPY" and not args.startswith("--from"):
                copied |= {s.rstrip("/") for s in copy_sources(args)[1]}
        missing = (folders | {"CMakeLists.txt", "janus-config"}) - copied
        assert not missing, f"{name}: the build stage does not copy {missing}"
        build_runs = " ".join(a for w, a, _ in instructions[:next(
            i for i, ins in enumerate(instructions[1:], 1) if ins[0] == "FROM")] if w == "RUN")
        assert "janus-dev" in build_runs


def runtime_packages(instructions) -> set[str]:
    last = max(i for i, ins in enumerate(instructions) if ins[0] == "FROM")
    text = " ".join(a for w, a, _ in instructions[last:] if w == "RUN")
    packages = set()
    for chunk in re.findall(r"apt-get install ([^&;]+)", text):
        packages |= {w for w in chunk.split() if not w.startswith("-")}
    return packages


def needed_packages(binary: Path) -> set[str]:
    """Debian packages that provide the shared libraries `binary` links."""
    dynamic = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True,
                             check=True).stdout
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    packages = set()
    for soname in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic):
        path = re.search(rf"^\s*{re.escape(soname)} \(libc6,x86-64\) => (\S+)$", cache, re.M)
        assert path, f"{soname} not in the linker cache"
        real = os.path.realpath(path.group(1))
        owner = subprocess.run(["dpkg", "-S", real], capture_output=True, text=True)
        if owner.returncode != 0:
            owner = subprocess.run(["dpkg", "-S", path.group(1)], capture_output=True, text=True)
        assert owner.returncode == 0, f"no package owns {real}"
        packages.add(owner.stdout.split(":")[0].strip())
    return packages


# In debian:bookworm-slim already (apt itself needs them).
BASE_PACKAGES = {"libc6", "libstdc++6", "libgcc-s1"}


@pytest.mark.parametrize("name,binary", [
    ("janus", "plugin/janus/libjanus_interview.so"),
    ("service", "service/interview-service"),
])
def test_runtime_image_has_every_library_the_binary_links(name, binary, dockerfiles):
    path = BUILD / binary
    require(path, binary)
    missing = needed_packages(path) - runtime_packages(dockerfiles[name]) - BASE_PACKAGES
    assert not missing, f"docker/{name}/Dockerfile: the runtime stage lacks {missing}"


def test_janus_runtime_gets_only_the_plugin_and_configs(dockerfiles):
    instructions = dockerfiles["janus"]
    last = max(i for i, ins in enumerate(instructions) if ins[0] == "FROM")
    assert "janus" in runtime_packages(instructions)
    for word, args, line in instructions[last:]:
        if word == "COPY":
            flags, sources, _ = copy_sources(args)
            if "from" in flags:
                assert sources == ["/src/build/plugin/janus/libjanus_interview.so"], line
            else:
                assert all(s.startswith(("janus-config", "docker/janus/")) for s in sources), line


# --------------------------------------------------------------------------------------------
# Secrets and the entrypoints' rendered configs

def test_make_secrets_creates_private_random_keys_once(tmp_path):
    folder = tmp_path / "secrets"
    subprocess.run([str(REPO / "docker" / "make-secrets.sh"), str(folder)], check=True,
                   capture_output=True)
    values = {}
    for name in ("admin_key", "service_key", "janus_admin_secret", "redis_password"):
        path = folder / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        values[name] = path.read_text()
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", values[name]), name
    assert len(set(values.values())) == 4
    subprocess.run([str(REPO / "docker" / "make-secrets.sh"), str(folder)], check=True,
                   capture_output=True)
    assert {n: (folder / n).read_text() for n in values} == values, "existing keys are kept"


def render_janus(out: Path, secrets_dir: Path, env: dict | None = None,
                 template: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(JANUS_ENTRYPOINT), "render"], capture_output=True, text=True,
        env={"PATH": os.environ["PATH"],
             "JANUS_TEMPLATE_DIR": str(template or REPO / "janus-config"),
             "JANUS_RENDER_DIR": str(out),
             "JANUS_ADMIN_SECRET_FILE": str(secrets_dir / "janus_admin_secret"),
             "INTERVIEW_SERVICE_KEY_FILE": str(secrets_dir / "service_key"), **(env or {})})


class RenderedJanus(Janus):
    """Janus configured exactly as the container's entrypoint renders it (plus ICE restricted
    to the namespace's address), loading the plugin from the build tree."""

    def __init__(self, workdir: Path, env: dict):
        self._env = env
        self._workdir = workdir
        super().__init__(workdir, name="rendered-janus")

    def _write_configs(self, plugin_settings, service_url, ws_port, http_port, admin_port):
        secrets_dir = self._workdir / "rendered-secrets"
        secrets_dir.mkdir(exist_ok=True)
        (secrets_dir / "janus_admin_secret").write_text(self.admin_secret + "\n")
        (secrets_dir / "service_key").write_text(self.service_key + "\n")
        result = render_janus(self.config_dir, secrets_dir,
                              {"JANUS_ICE_ENFORCE_LIST": "127.0.0.2", **self._env})
        assert result.returncode == 0, result.stderr


def reachable(host: str, port: int) -> bool:
    import socket
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def test_container_janus_config_loads_the_plugin(tmp_path):
    janus = RenderedJanus(tmp_path, {"INTERVIEW_SERVICE_URL": "http://127.0.0.1:8090",
                                     "JANUS_PUBLIC_IP": "203.0.113.7",
                                     "JANUS_RTP_PORT_RANGE": "20000-20099",
                                     "JANUS_LOG_LEVEL": "4"})
    rendered = (janus.config_dir / "janus.jcfg").read_text()
    assert 'nat_1_1_mapping = "203.0.113.7"' in rendered
    assert 'rtp_port_range = "20000-20099"' in rendered
    assert "CHANGE-ME" not in rendered
    key_file = janus.config_dir / "interview-service.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    janus.start()
    try:
        assert "janus.plugin.interview" in janus.info()["plugins"]
        # The admin secret is the one from the secret file, and only it.
        assert janus.admin({"janus": "list_sessions"})["janus"] == "success"
        assert janus.admin({"janus": "list_sessions"}, secret="wrong")["janus"] == "error"
        # WebSocket on every address of the container; HTTP and admin API on loopback only.
        assert reachable("127.0.0.2", 8188)
        assert not reachable("127.0.0.2", 8088) and not reachable("127.0.0.2", 7088)
        assert reachable("127.0.0.1", 7088)
    finally:
        assert janus.stop() == 0, janus.log()[-3000:]


def test_janus_entrypoint_derives_its_turn_credential_from_the_shared_secret(tmp_path):
    """JANUS_TURN_SECRET_FILE: coturn's use-auth-secret scheme, computed in the shell (the
    secret on no command line): user "<expiry>:janus", password base64(HMAC-SHA1)."""
    import base64
    import hashlib
    import hmac
    secrets_dir = tmp_path / "s"
    subprocess.run([str(REPO / "docker" / "make-secrets.sh"), str(secrets_dir)], check=True,
                   capture_output=True)
    before = int(time.time())
    result = render_janus(tmp_path / "out", secrets_dir, {
        "JANUS_TURN_SERVER": "turn", "JANUS_TURN_SECRET_FILE": str(secrets_dir / "turn_secret"),
        "JANUS_TURN_CREDENTIAL_DAYS": "30"})
    assert result.returncode == 0, result.stderr
    rendered = (tmp_path / "out" / "janus.jcfg").read_text()
    user = re.search(r'turn_user = "([^"]+)"', rendered).group(1)
    pwd = re.search(r'turn_pwd = "([^"]+)"', rendered).group(1)
    expiry, name = user.split(":")
    assert name == "janus"
    assert before + 30 * 86400 <= int(expiry) <= int(time.time()) + 30 * 86400
    secret = (secrets_dir / "turn_secret").read_text().strip()
    assert pwd == base64.b64encode(
        hmac.new(secret.encode(), user.encode(), hashlib.sha1).digest()).decode()
    assert 'turn_server = "turn"' in rendered and secret not in rendered
    both = render_janus(tmp_path / "out2", secrets_dir, {
        "JANUS_TURN_SERVER": "turn", "JANUS_TURN_SECRET_FILE": str(secrets_dir / "turn_secret"),
        "JANUS_TURN_USER": "u"})
    assert both.returncode != 0 and "exclude each other" in both.stderr


@pytest.mark.parametrize("env,complaint", [
    ({"JANUS_RTP_PORT_RANGE": "20000"}, "JANUS_RTP_PORT_RANGE"),
    ({"JANUS_RTP_PORT_RANGE": "30000-20000"}, "JANUS_RTP_PORT_RANGE"),
    ({"JANUS_LOG_LEVEL": "9"}, "JANUS_LOG_LEVEL"),
    ({"JANUS_PUBLIC_IP": '1.2.3.4" evil = "x'}, "JANUS_PUBLIC_IP"),
    ({"INTERVIEW_SERVICE_URL": "ftp://x"}, "INTERVIEW_SERVICE_URL"),
    ({"JANUS_TURN_SERVER": "turn.example.org", "JANUS_TURN_USER": "u"},
     "JANUS_TURN_PASSWORD_FILE"),
])
def test_janus_entrypoint_refuses_bad_settings(tmp_path, env, complaint):
    secrets_dir = tmp_path / "s"
    subprocess.run([str(REPO / "docker" / "make-secrets.sh"), str(secrets_dir)], check=True,
                   capture_output=True)
    result = render_janus(tmp_path / "out", secrets_dir, env)
    assert result.returncode != 0 and complaint in result.stderr, result.stderr


def test_janus_entrypoint_needs_its_secrets_and_a_known_template(tmp_path):
    result = render_janus(tmp_path / "out", tmp_path / "nowhere")
    assert result.returncode != 0 and "janus_admin_secret" in result.stderr
    secrets_dir = tmp_path / "s"
    subprocess.run([str(REPO / "docker" / "make-secrets.sh"), str(secrets_dir)], check=True,
                   capture_output=True)
    template = tmp_path / "template"
    shutil.copytree(REPO / "janus-config", template)
    text = (template / "janus.jcfg").read_text()
    (template / "janus.jcfg").write_text(re.sub(r"(?m)^\s*admin_secret = .*$", "", text))
    result = render_janus(tmp_path / "out", secrets_dir, template=template)
    assert result.returncode != 0 and "admin_secret" in result.stderr, result.stderr


def test_web_entrypoint_renders_config_json_and_nginx_conf(tmp_path):
    env = {"PATH": os.environ["PATH"], "WEB_RUN_DIR": str(tmp_path),
           "WEB_TEMPLATE": str(REPO / "docker" / "web" / "nginx.conf"),
           "WEB_JANUS_URL": "wss://interview.example.org/janus-ws",
           "WEB_ICE_SERVERS": '[{"urls": "turn:turn.example.org:3478"}]',
           "WEB_RESOLVER": "127.0.0.11"}
    result = subprocess.run([str(WEB_ENTRYPOINT), "render"], env=env, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    config = json.loads((tmp_path / "config.json").read_text())
    assert config == {"serviceUrl": "", "janusUrl": "wss://interview.example.org/janus-ws",
                      "media": True, "iceServers": [{"urls": "turn:turn.example.org:3478"}]}
    nginx = (tmp_path / "nginx.conf").read_text()
    assert "@" not in re.sub(r"#.*", "", nginx), "an unreplaced placeholder"
    assert "http://service:8090" in nginx and "http://janus:8188" in nginx
    assert "resolver 127.0.0.11" in nginx
    assert nginx.count("{") == nginx.count("}")
    result = subprocess.run([str(WEB_ENTRYPOINT), "render"], capture_output=True, text=True,
                            env={**env, "WEB_JANUS_URL": 'ws://x", "demoAdminKey": "y'})
    assert result.returncode != 0 and "WEB_JANUS_URL" in result.stderr
