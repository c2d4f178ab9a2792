"""Redis behind Sentinel (redis_sentinels, redis_sentinel_master, redis_wait_replicas): the plugin
asks a Sentinel where the master is; each commit is confirmed only once a replica has it too;
and when the master is killed in the middle of typing, Sentinel promotes a replica and the
plugin follows it: edits pause, then resume on the new master, nothing acknowledged lost or
doubled. Two replicas, so that one is left to confirm commits after a failover. Real
redis-server processes (a master, two replicas, one in Sentinel mode), the real Janus, service
and aiortc peers, in the network namespace."""

import asyncio
import random
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import run
from peers import joined_peers
from stack import REDIS_BIN, Janus, Process, Redis, wait_until
from test_relay import assert_acked_exactly_once, redis_text, settle, typing_through

SEED = random.randrange(1 << 30)
MASTER_PORT, REPLICA_PORTS, SENTINEL_PORT = 6391, (6392, 6393), 26391
MASTER_NAME = "interview"


class Sentinel:
    """redis-server in Sentinel mode watching one master, quick to act: the master counts as
    down after 500 ms without an answer, and one Sentinel is a quorum."""

    def __init__(self, workdir: Path, port: int, master_port: int):
        self.port = port
        self.dir = workdir / "sentinel"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / "sentinel.conf"  # Sentinel rewrites it: it must be writable
        self.conf.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {self.dir}\n"
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {master_port} 1\n"
            f"sentinel down-after-milliseconds {MASTER_NAME} 500\n"
            f"sentinel failover-timeout {MASTER_NAME} 5000\n")
        self.process: Process | None = None

    def start(self) -> "Sentinel":
        self.process = Process("sentinel", [REDIS_BIN, str(self.conf), "--sentinel"])
        wait_until(lambda: self.cli("PING") == "PONG" or not self.process.alive(), 10,
                   "sentinel")
        return self

    def cli(self, *args: str) -> str:
        try:
            return subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True,
                                  text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    def master_port(self) -> int:
        answer = self.cli("SENTINEL", "get-master-addr-by-name", MASTER_NAME).split()
        return int(answer[1]) if len(answer) == 2 else 0

    def knows_the_replicas(self) -> bool:
        replicas = f"\n{self.cli('SENTINEL', 'replicas', MASTER_NAME)}\n"
        return all(f"\n{port}\n" in replicas for port in REPLICA_PORTS) and \
            "disconnected" not in replicas

    def stop(self) -> int:
        return self.process.stop() if self.process else 0


@pytest.fixture(scope="module")
def ha(workdir):
    master = Redis(workdir, port=MASTER_PORT, name="redis-master").start()
    replicas = []
    for port in REPLICA_PORTS:
        replica = Redis(workdir, port=port, name=f"redis-replica-{port}")
        replica.conf.write_text(replica.conf.read_text() + f"replicaof 127.0.0.1 {MASTER_PORT}\n")
        replicas.append(replica.start())
    sentinel = Sentinel(workdir, SENTINEL_PORT, MASTER_PORT).start()
    try:
        for replica in replicas:
            wait_until(lambda: "master_link_status:up" in replica.cli("INFO", "replication"), 20,
                       "the replicas in sync")
        wait_until(sentinel.knows_the_replicas, 30, "Sentinel to find the replicas")
        yield master, replicas, sentinel
    finally:
        sentinel.stop()
        for replica in replicas:
            replica.stop()
        master.stop()


@pytest.fixture(scope="module")
def janus_ha(workdir, service, service_key, ha):
    j = Janus(workdir, name="janus-sentinel", service_key=service_key, ws_port=8888,
              http_port=8889, admin_port=7889,
              plugin_settings={"redis_sentinels": f"127.0.0.1:{SENTINEL_PORT}",
                               "redis_sentinel_master": MASTER_NAME, "redis_wait_replicas": 1,
                               "redis_timeout_ms": 1000, "max_ops_per_second": 100000,
                               "snapshot_every": 50}).start()
    yield j
    assert j.stop() == 0, j.log()[-3000:]


def test_a_commit_is_confirmed_only_once_a_replica_has_it(janus_ha, service, ha):
    master, replicas, _ = ha
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(janus_ha.ws_url, iv) as (a, b):
            a.edit(["typed before "])
            await a.wait_for(lambda q: q.client.idle(), 10)
            for replica in replicas:
                replica.freeze()  # no replica acknowledges what the master sends it
            try:
                a.edit([len("typed before "), "the replica froze"])
                for p in (a, b):
                    await p.wait_for(lambda q: q.paused, 10)
                assert a.client.outstanding is not None, "acknowledged without a replica"
            finally:
                for replica in replicas:
                    replica.thaw()
            for p in (a, b):
                await p.wait_for(lambda q: not q.paused, 20)
            await settle([a, b])
            assert a.client.text == b.client.text == "typed before the replica froze"
            for replica in replicas:
                wait_until(lambda: redis_text(replica, iv["id"])[0] == a.client.text, 10,
                           "the replica to have the text")
            assert_acked_exactly_once([a, b], master, iv["id"])
    run(body())


def test_a_failover_loses_no_acknowledged_edit(janus_ha, service, ha):
    master, replicas, sentinel = ha
    assert sentinel.master_port() == MASTER_PORT
    rng = random.Random(SEED)
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with joined_peers(janus_ha.ws_url, iv) as (a, b):
            typing = asyncio.ensure_future(typing_through([a, b], rng, 300))
            await a.wait_for(lambda q: len(q.client.acked) >= 60, 30)
            master.stop(signal.SIGKILL)
            for p in (a, b):
                await p.wait_for(lambda q: q.paused, 10)
            paused_at = a.client.revision
            # Sentinel notices (500 ms), promotes the replica, the plugin asks it again.
            for p in (a, b):
                await p.wait_for(lambda q: not q.paused, 30)
            await typing
            await settle([a, b])
            promoted = next(r for r in replicas if r.port == sentinel.master_port())
            assert a.client.revision > paused_at
            assert a.client.text == b.client.text
            assert redis_text(promoted, iv["id"])[0] == a.client.text
            assert_acked_exactly_once([a, b], promoted, iv["id"])
            refused = [e for p in (a, b) for e in p.errors]
            assert all(e["error"] == "storage_unavailable" for e in refused), refused
    run(body())
