"""End-to-end tests in a real browser: Debian's headless Chromium, driven by playwright-core from
Node's built-in test runner (tests/e2e/*.test.mjs), against the real stack started here: Redis,
the interview service serving the built web demo (`--static-dir`), and Janus with the plugin.

Run inside the network namespace (WebRTC on one machine needs it):

    INTERVIEW_BUILD_DIR=$PWD/build scripts/netns.sh run -- /usr/bin/python3 -m pytest tests/e2e

Environment:
  E2E_JUNIT        JUnit report of the browser tests (default build/test-reports/e2e-browser.xml)
  E2E_SCREENSHOTS  folder for screenshots (default build/screenshots)
  E2E_TEST_TIMEOUT_S  bound on the whole Node run (default 240)
  E2E_ONLY         run only tests/e2e/<E2E_ONLY>.test.mjs (a glob; default: all)

Nothing here is skipped: a missing Chromium, Node, playwright-core or web-demo/dist fails."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))

from stack import BUILD, LOG_DIR, REPO, Janus, Redis, Service, require  # noqa: E402

WEB_DEMO = REPO / "web-demo"
DIST = WEB_DEMO / "dist"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
NODE = shutil.which("node") or "/usr/bin/node"
JUNIT = Path(os.environ.get("E2E_JUNIT", BUILD / "test-reports" / "e2e-browser.xml"))
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", BUILD / "screenshots"))
NODE_TIMEOUT_S = float(os.environ.get("E2E_TEST_TIMEOUT_S", "240"))


def _require_tools() -> None:
    require(CHROMIUM, "Chromium (Debian package `chromium`)")
    require(NODE, "node")
    require(WEB_DEMO / "node_modules" / "playwright-core" / "package.json",
            "playwright-core (cd web-demo && npm ci)")
    require(DIST / "index.html", "the built web demo (cd web-demo && npm ci && npm run build)")
    require(DIST / "vendor" / "janus.js", "janus.js in the built web demo")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Redis, the service serving a copy of web-demo/dist with a config.json pointing at this
    Janus, and Janus with the plugin. Everything is stopped at the end; Janus and the service
    must exit cleanly."""
    _require_tools()
    workdir = tmp_path_factory.mktemp("e2e")
    service_key = secrets.token_urlsafe(32)
    redis = Redis(workdir).start()
    started = [redis]
    try:
        site = workdir / "site"
        shutil.copytree(DIST, site)
        service = Service(workdir, service_key, extra_args=["--static-dir", str(site)])
        janus = Janus(workdir, name="janus-e2e", service_key=service_key,
                      service_url=service.url,
                      plugin_settings={"redis_host": "127.0.0.1", "redis_port": redis.port})
        (site / "config.json").write_text(json.dumps({
            "serviceUrl": "", "janusUrl": janus.ws_url, "demoAdminKey": service.admin_key}))
        service.start()
        started.append(service)
        janus.start()
        started.append(janus)
        yield {"service": service, "janus": janus, "redis": redis, "workdir": workdir}
    finally:
        problems = []
        for proc in reversed(started):
            rc = proc.stop()
            if proc is not redis and rc != 0:
                problems.append(f"{proc.name} exited with {rc}")
        assert not problems, "; ".join(problems)


def test_browser_suite(stack):
    """Runs every tests/e2e/*.test.mjs with node:test; passes only if all of them pass."""
    files = sorted(str(p) for p in HERE.glob(os.environ.get("E2E_ONLY", "*") + ".test.mjs"))
    assert files, "no tests/e2e/*.test.mjs found"
    JUNIT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    service = stack["service"]
    env = {
        **os.environ,
        "E2E_BASE_URL": service.url,
        "E2E_ADMIN_KEY_FILE": str(service.dir / "admin.key"),
        "E2E_REDIS_PORT": str(stack["redis"].port),
        "E2E_SCREENSHOTS": str(SCREENSHOTS),
        "CHROMIUM": CHROMIUM,
    }
    argv = [NODE, "--test", "--test-concurrency=1", "--test-timeout=150000",
            "--test-reporter=spec", "--test-reporter=junit",
            "--test-reporter-destination=stdout",
            f"--test-reporter-destination={JUNIT}", *files]
    try:
        run = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True,
                             timeout=NODE_TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) \
            else (e.stdout or "")
        pytest.fail(f"the browser tests did not finish within {NODE_TIMEOUT_S}s:\n{out[-20000:]}")
    print(run.stdout)
    print(run.stderr, file=sys.stderr)
    assert run.returncode == 0, (
        f"browser tests failed (exit {run.returncode}); report {JUNIT}, screenshots "
        f"{SCREENSHOTS}, logs {LOG_DIR}\n--- stdout ---\n{run.stdout[-20000:]}\n"
        f"--- stderr ---\n{run.stderr[-5000:]}")
