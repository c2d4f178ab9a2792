"""Hostile clients against the real service process: slowloris (hundreds of connections that
send part of a request's headers and stall) must not starve the API, neither for browsers nor
for the plugin's POST /v1/verify, which shares the port and, on one host, the address.

The service runs with its default limits (docs/REST.md, "Connections and timeouts"): at most 32
connections per client, 512 in all, request headers within 10 s. The waits below are generous
bounds that say "answered", not measurements of speed."""

import socket
import time

import pytest

from stack import Service, _http

HEADER_TIMEOUT = 10  # the service's default --header-timeout-seconds
ANSWER_BOUND = 5.0   # seconds: far above a normal answer, far below a stall


@pytest.fixture
def hostile_service(tmp_path, service_key):
    s = Service(tmp_path, service_key, port=8094, name="service-hostile").start()
    yield s
    assert s.stop() == 0, s.process.log()[-2000:]


def half_open(port: int, source: str) -> socket.socket:
    """A connection that sends the start of a request's headers and then nothing."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: service\r\nX-Slow: ")
    return s


def closed_by_server(s: socket.socket, timeout: float) -> bool:
    """Waits up to `timeout` for the server to close the connection (EOF or reset)."""
    s.settimeout(timeout)
    try:
        return s.recv(4096) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def timed(fn):
    started = time.monotonic()
    result = fn()
    return result, time.monotonic() - started


def normal_requests_answer(service: Service, verify_body: dict) -> dict:
    """A browser's GET /v1/health and the plugin's POST /v1/verify, each with a bounded wait."""
    figures = {}
    for name, call in (
            ("health", lambda: _http("GET", service.url + "/v1/health")),
            ("verify", lambda: _http("POST", service.url + "/v1/verify", verify_body,
                                     service.service_key)),
            ("admin", lambda: service.admin("GET", "/v1/interviews"))):
        try:
            (status, answer), took = timed(call)
        except OSError as e:  # the client's own 10 s timeout, a refused or reset connection
            pytest.fail(f"{name} got no answer during the attack: {e!r}")
        assert took < ANSWER_BOUND, f"{name} took {took:.1f}s during the attack"
        assert status == 200, (name, status, answer)
        figures[name] = took
    return figures


def attack_and_check(service: Service, sources: list[str], count: int) -> None:
    iv = service.schedule(start_in_minutes=5)
    verify_body = {"interview_id": iv["id"], "token": iv["tokens"]["applicant"][0]}
    port = int(service.url.rsplit(":", 1)[1])
    stalled = [half_open(port, sources[i % len(sources)]) for i in range(count)]
    opened = time.monotonic()
    try:
        figures = normal_requests_answer(service, verify_body)
        print(f"\n{count} half-open connections from {len(sources)} address(es): "
              + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in figures.items()))
        # Every stalled connection is closed by the header timeout (or earlier, to make room);
        # none is left to the 30 s inactivity timeout or kept forever.
        for i, s in enumerate(stalled):
            left = opened + HEADER_TIMEOUT + ANSWER_BOUND - time.monotonic()
            assert closed_by_server(s, max(left, 0.01)), \
                f"stalled connection {i} still open {HEADER_TIMEOUT + ANSWER_BOUND}s on"
        print(f"all closed {time.monotonic() - opened:.1f}s after they were opened")
        # And the service is as good as new.
        normal_requests_answer(service, verify_body)
    finally:
        for s in stalled:
            s.close()


def test_slowloris_from_the_plugins_own_address_starves_nobody(hostile_service):
    # 300 from 127.0.0.1: the address of the test's requests and, on one host, of the plugin.
    attack_and_check(hostile_service, ["127.0.0.1"], 300)


def test_slowloris_spread_over_many_addresses_starves_nobody(hostile_service):
    # 30 from each of 10 addresses: under the per-client cap, so only the global limit and the
    # header timeout protect the service.
    attack_and_check(hostile_service, [f"127.0.1.{i}" for i in range(1, 11)], 300)


def test_a_stall_that_trickles_bytes_is_still_closed_at_the_header_timeout(hostile_service):
    port = int(hostile_service.url.rsplit(":", 1)[1])
    s = half_open(port, "127.0.0.1")
    opened = time.monotonic()
    s.settimeout(1.0)
    closed = False
    # One byte a second: enough to reset any inactivity timer, never a whole header.
    while time.monotonic() - opened < HEADER_TIMEOUT + ANSWER_BOUND:
        try:
            s.sendall(b"x")
            if s.recv(4096) == b"":
                closed = True
                break
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            closed = True
            break
    took = time.monotonic() - opened
    s.close()
    assert closed, f"a trickling connection was still open after {took:.1f}s"
    assert took >= HEADER_TIMEOUT - 1, f"closed after {took:.1f}s, before the header timeout"
