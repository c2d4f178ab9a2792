"""The compose layer, part two: the stack of docker-compose.yml, up and used as people would,
inside a network namespace of its own (scripts/compose-test.sh makes it and runs this file
there, after test_build.py built the images).

Two aiortc peers and two Chromiums (browser.test.mjs) reach it only as a user's would: the web
container's published port (the page, /config.json and the proxied /v1/ API) and Janus's
published WebSocket and media ports. Janus advertises 127.0.0.1 (JANUS_PUBLIC_IP), the clients'
only address, so media goes through the published UDP range (checked: the pair ICE selected).
Redis is read (never written) over its container address, to check the document independently
of the plugin.

The tests run in order and share one stack; the module's fixture takes it down with its volumes
and removes what it made, whatever happened."""

from __future__ import annotations

import asyncio
import calendar
import os
import random
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import aioice.ice
import pytest

from compose import COMPOSE_LOGS, PROJECT, REPO, SECRETS, SERVICES, WORK, Compose, \
    ContainerRedis, PodmanService, make_secrets, require_tools, secret
from ot_client import units
from peers import Peer, joined_peers
from stack import _http

# tests/integration's checks of convergence and of acknowledged edits, reused as they are.
from test_relay import assert_acked_exactly_once, redis_text, settle, typing_through

# The plugin's default limit (max_ops_per_second 50, a burst of as many): the compose stack runs
# with the defaults, so the typists keep under it, at 40 edits a second each (a fast typist
# types about 10).
PACE_S = 0.025

SEED = random.randrange(1 << 30)

# The peers stand for browsers reaching the stack only through its published ports, as from
# another machine: their one address is 127.0.0.1, the address Janus advertises
# (JANUS_PUBLIC_IP). Left to itself aioice would skip 127.0.0.1 and offer the namespace's bridge
# address instead, from which the containers are reachable directly, and ICE would take that
# path around the published ports. (Not 127.0.0.2: podman's port forwarding masquerades
# forwarded loopback traffic only from 127.0.0.1, so a container could not answer another.)
PEER_ADDRESS = "127.0.0.1"
SUBNET = "172.28.57.0/24"
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [PEER_ADDRESS] if use_ipv4 else []
WEB = "http://127.0.0.1:8080"
JANUS_WS = "ws://127.0.0.1:8188"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ISSUED_TOKENS: list[str] = []
TIMINGS: dict[str, float] = {}
STATE: dict = {}


def run(coro):
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def stack():
    require_tools()
    # The firewall rule below belongs in the test's namespace, never in the host's.
    here = subprocess.run(["ip", "netns", "identify"], capture_output=True, text=True).stdout
    assert here.strip() == os.environ.get("COMPOSE_TEST_NETNS", "-"), \
        "run through scripts/compose-test.sh: it makes the network namespace this needs"
    make_secrets()  # test_build.py made them; kept if so
    # A browser on another machine cannot be reached from inside the containers: only answers
    # to what it sent pass. Here the namespace's side of the project's bridge would let Janus
    # reach a browser's bridge candidate directly (Chromium offers it), and ICE would take that
    # path around the published ports. So new UDP from the containers to this namespace is
    # dropped, but for DNS (aardvark-dns answers the containers on the bridge). The rule lives
    # in the test's namespace and goes with it.
    subprocess.run(["iptables", "-I", "INPUT", "-s", SUBNET, "-p", "udp", "!", "--dport", "53",
                    "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP"], check=True)
    podman = PodmanService("stack")
    try:
        podman.start()
        # Only settings a user would set in .env: the public address browsers reach Janus at
        # (and the network's default subnet, stated so that the rule above matches it).
        # Janus wired to the stack's coturn as a user would (docs/DEPLOYMENT.md, TURN): its
        # own credential derived from the shared secret at start.
        compose = Compose(podman, env={"JANUS_PUBLIC_IP": PEER_ADDRESS,
                                       "INTERVIEW_SUBNET": SUBNET,
                                       "JANUS_TURN_SERVER": "turn",
                                       "JANUS_TURN_SECRET_FILE": "/run/secrets/turn_secret"})
        try:
            yield compose
        finally:
            if compose.containers(all_=True):
                compose.save_logs("final")
            compose.run("down", "-v", "--remove-orphans", timeout=120)
            leftover = subprocess.run(
                ["podman", "volume", "ls", "-q", "--filter",
                 f"label=com.docker.compose.project={PROJECT}"],
                capture_output=True, text=True).stdout.split()
            assert not leftover, f"volumes left after down -v: {leftover}"
    finally:
        # scripts/compose-test.sh removes whatever a failed `down` left.
        podman.stop()
        with open(COMPOSE_LOGS / "timings.txt", "a") as f:
            f.write(f"{time.strftime('%Y-%m-%d %H:%M')} "
                    + " ".join(f"{k}={v:.1f}s" for k, v in TIMINGS.items()) + "\n")


async def typing(peers, rng, edits_each: int):
    """tests/integration's typists (typing_through) at PACE_S between edits: a peer whose
    connection is down keeps typing locally; its edits wait in its client until it reconnects."""
    await typing_through(peers, rng, edits_each, pace_s=PACE_S, ack_timeout=10)


def schedule(start_in_minutes: float = 0) -> dict:
    """An interview scheduled as the start page does: through the web container's /v1/ proxy,
    with the admin key from the secret (in a header, never in the URL)."""
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + start_in_minutes * 60))
    body = {"title": "Compose interview", "start": start, "duration_minutes": 60,
            "applicant": {"name": "Ada Applicant"},
            "recruiters": [{"name": "Rita Recruiter"}], "observers": []}
    status, answer = _http("POST", f"{WEB}/v1/interviews", body, secret("admin_key"))
    assert status == 201, (status, answer)
    answer["tokens"] = {}
    for p in answer["participants"]:
        answer["tokens"].setdefault(p["role"], []).append(p["token"])
        ISSUED_TOKENS.append(p["token"])
    return answer


def test_up_runs_every_container_until_healthy(stack):
    TIMINGS["up"] = stack.up()
    assert set(stack.containers()) == set(SERVICES)
    for svc in SERVICES:
        assert stack.health(svc) == "healthy", svc


def test_the_web_container_serves_the_page_config_and_the_api(stack):
    with urllib.request.urlopen(f"{WEB}/", timeout=10) as r:
        page = r.read().decode()
        assert r.status == 200 and "<div id=\"root\"" in page
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    with urllib.request.urlopen(f"{WEB}/config.json", timeout=10) as r:
        assert r.headers["Cache-Control"] == "no-store"
        config = r.read().decode()
        assert '"serviceUrl": ""' in config and "demoAdminKey" not in config
    status, health = _http("GET", f"{WEB}/v1/health")
    assert status == 200, health
    status, _ = _http("GET", f"{WEB}/v1/interviews")
    assert status == 401, "the admin API answered without the admin key"
    STATE["interview"] = schedule()


def test_turn_answers_on_its_published_port_with_the_credentials_the_service_issues(stack):
    """The TURN server is wired: /me (through the web container) hands a participant of an open
    interview coturn credentials for the published port, coturn allocates a relay with them,
    and refuses the same username with a wrong credential."""
    iv = STATE["interview"]
    token = iv["tokens"]["applicant"][0]
    status, me = _http("GET", f"{WEB}/v1/interviews/{iv['id']}/me", None, token)
    assert status == 200, me
    [server] = me["ice_servers"]
    assert server["urls"] == ["turn:127.0.0.1:3478?transport=udp",
                              "turn:127.0.0.1:3478?transport=tcp"], server
    expiry, participant = server["username"].split(":")
    assert participant == me["participant"]["id"]
    end = calendar.timegm(time.strptime(me["interview"]["end"], "%Y-%m-%dT%H:%M:%SZ"))
    assert int(expiry) == end + 3600  # the interview's end + INTERVIEW_TURN_TTL_SECONDS
    STATE["turn_credentials"] = [server["credential"]]

    async def allocate(username, password, transport):
        import aioice.turn
        relay, _ = await aioice.turn.create_turn_endpoint(
            asyncio.DatagramProtocol, ("127.0.0.1", 3478), username, password,
            transport=transport)
        try:
            return relay.get_extra_info("sockname")
        finally:
            relay.close()

    for transport in ("udp", "tcp"):
        host, port = run(asyncio.wait_for(
            allocate(server["username"], server["credential"], transport), 15))
        assert 49160 <= port <= 49199, (transport, host, port)
    with pytest.raises(Exception) as refused:
        run(asyncio.wait_for(allocate(server["username"], "not-the-credential", "udp"), 15))
    assert "401" in str(refused.value) or "Unauthorized" in str(refused.value), refused.value


def test_two_peers_join_through_published_ports_edit_concurrently_and_converge(stack):
    iv = STATE["interview"]
    rng = random.Random(SEED)
    redis = ContainerRedis(stack)

    async def body():
        async with joined_peers(JANUS_WS, iv) as (a, b):
            start = time.monotonic()
            await typing([a, b], rng, 60)
            await settle([a, b])
            TIMINGS["type-120-edits"] = time.monotonic() - start
            assert a.client.text == b.client.text
            assert redis_text(redis, iv["id"])[0] == a.client.text
            assert_acked_exactly_once([a, b], redis, iv["id"])
            for p in (a, b):
                assert media_address(p) == (PEER_ADDRESS, True), media_address(p)
    run(body())


def media_address(peer) -> tuple[str, bool]:
    """The Janus address the peer's ICE nominated, and whether its port is in the published
    range: the published UDP ports, not the container's own address (aioice's pair, read from
    aiortc's transport; they have no public accessor for it)."""
    ice = peer.pc.sctp.transport.transport
    pair = next(iter(ice._connection._nominated.values()))
    host, port = pair.remote_candidate.host, pair.remote_candidate.port
    return host, 20000 <= port <= 20099


def test_chromium_loads_the_page_from_the_web_container_and_joins(stack):
    """tests/compose/browser.test.mjs: two Chromiums (Debian's, driven by playwright-core as in
    tests/e2e) join and edit together through the published ports."""
    node = shutil.which("node") or "/usr/bin/node"
    for path, what in ((CHROMIUM, "Chromium (Debian package chromium)"),
                       (REPO / "web-demo" / "node_modules" / "playwright-core" / "package.json",
                        "playwright-core (scripts/setup.sh: npm ci in web-demo)")):
        assert Path(path).exists(), f"{what} not found at {path}"
    tokens = WORK / "browser-tokens.txt"
    screenshots = COMPOSE_LOGS.parent / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "E2E_BASE_URL": WEB, "E2E_ADMIN_KEY_FILE": str(SECRETS / "admin_key"),
           # lib.mjs wants it; its Redis helpers, which would use it, are not called here
           "E2E_REDIS_PORT": "6379",
           "E2E_SCREENSHOTS": str(screenshots), "CHROMIUM": CHROMIUM,
           "COMPOSE_TOKENS_FILE": str(tokens)}
    result = subprocess.run([node, "--test", "--test-timeout=120000", "--test-reporter=spec",
                             str(REPO / "tests" / "compose" / "browser.test.mjs")],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    if tokens.exists():
        ISSUED_TOKENS.extend(t for t in tokens.read_text().split() if t)
    assert result.returncode == 0, f"{result.stdout[-8000:]}\n{result.stderr[-3000:]}"
    assert ISSUED_TOKENS, "the browser test scheduled nothing?"


def janus_outage_while_typing(stack, outage: str):
    """Two peers type; `outage` happens to the Janus container in the middle; both reconnect
    and finish. Every edit acknowledged before it must survive, exactly once."""
    iv = STATE["interview"]
    rng = random.Random(SEED + (1 if outage == "restart" else 2))
    redis = ContainerRedis(stack)
    stack.save_logs(f"before-{outage}")

    async def body():
        async with joined_peers(JANUS_WS, iv) as (a, b):
            typing_done = asyncio.ensure_future(typing([a, b], rng, 150))
            base = len(a.client.acked)
            await a.wait_for(lambda q: len(q.client.acked) >= base + 40, 60)
            start = time.monotonic()
            loop = asyncio.get_running_loop()
            if outage == "restart":
                await loop.run_in_executor(None, lambda: stack.run("restart", "janus"))
            else:
                await loop.run_in_executor(None, lambda: stack.run("kill", "janus"))
            await a.wait_for(lambda q: not q.connected, 30)
            await b.wait_for(lambda q: not q.connected, 30)
            acked_before = {p.name: list(p.client.acked) for p in (a, b)}
            if outage == "kill":
                # A killed container stays down (as with Docker): the user starts it again.
                # `start`, not `up -d janus`: against podman, docker-compose 1.29 takes the
                # IPAM options podman reports for the existing network for a changed network
                # and refuses ("needs to be recreated"); with Docker either works.
                await loop.run_in_executor(None, lambda: stack.run("start", "janus"))
            await loop.run_in_executor(None, lambda: stack.wait_healthy(["janus"]))
            TIMINGS[f"janus-{outage}"] = time.monotonic() - start
            for p in (a, b):
                joined = await p.reconnect()
                assert joined["interview"] == "joined", joined
            await typing_done
            await settle([a, b])
            assert a.client.text == b.client.text
            assert redis_text(redis, iv["id"])[0] == a.client.text
            for p in (a, b):
                assert p.client.acked[:len(acked_before[p.name])] == acked_before[p.name]
            STATE["text"] = a.client.text
    run(body())


def test_restart_of_the_janus_container_while_typing_loses_no_acknowledged_edit(stack):
    janus_outage_while_typing(stack, "restart")


def test_kill_of_the_janus_container_while_typing_loses_no_acknowledged_edit(stack):
    janus_outage_while_typing(stack, "kill")


def test_down_then_up_keeps_interviews_and_the_running_interviews_document(stack):
    iv = STATE["interview"]
    text = STATE["text"]
    stack.save_logs("before-down")
    start = time.monotonic()
    stack.run("down", timeout=120)
    assert stack.containers(all_=True) == {}
    stack.up()
    TIMINGS["down-up"] = time.monotonic() - start
    status, got = _http("GET", f"{WEB}/v1/interviews/{iv['id']}", bearer=secret("admin_key"))
    assert status == 200 and got["id"] == iv["id"], (status, got)

    async def body():
        p = Peer(JANUS_WS, iv["id"], iv["tokens"]["recruiter"][0], name="after-up")
        try:
            joined = await p.connect()
            assert joined["interview"] == "joined", joined
            assert p.client.text == text
            n = units(p.client.text)
            p.edit([n, "!"] if n else ["!"])
            await p.wait_for(lambda q: q.client.outstanding is None, 15)
        finally:
            await p.close()
    run(body())


def test_no_container_log_holds_a_token_or_secret(stack):
    saved = stack.save_logs("end")
    logs = sorted(COMPOSE_LOGS.glob("*.log"))
    assert len(saved) == len(SERVICES) and ISSUED_TOKENS
    values = [secret(n) for n in ("admin_key", "service_key", "janus_admin_secret",
                                  "redis_password", "turn_secret")]
    values += STATE.get("turn_credentials", [])
    found = []
    for log in logs:
        content = log.read_text(errors="replace")
        found += [(log.name, t[:6] + "...") for t in ISSUED_TOKENS + values if t in content]
    assert not found, f"tokens or secrets in logs: {found}"
    # The logs are really there: Janus loaded the plugin, nginx served the proxied API.
    janus = (COMPOSE_LOGS / "end-janus.container.log").read_text(errors="replace")
    assert "interview" in janus.lower()
    web = (COMPOSE_LOGS / "end-web.container.log").read_text(errors="replace")
    assert "/v1/interviews" in web


def test_the_only_override_names_the_secrets():
    """The user's file is the one tested: the test's override file sets no service."""
    from compose import OVERRIDE
    text = OVERRIDE.read_text()
    assert "services:" not in text and "podman" not in text.lower()
