"""Operating a live Janus: the admin API's interview list, document statistics, kick and end
(behind Janus's admin_secret), plugin events reaching Janus's event handlers, and two Janus
instances sharing one Redis, the second taking over an interview after the first was killed."""

import asyncio
import http.server
import json
import random
import signal
import threading

import pytest

from conftest import run
from peers import Peer, joined_peers
from stack import Janus, plugin_data
from test_relay import redis_text, settle, type_concurrently


class EventSink:
    """An HTTP endpoint for Janus's sample event handler: collects what it posts."""

    def __init__(self):
        self.events = []
        self.changed = threading.Condition()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                items = json.loads(body)
                with sink.changed:
                    sink.events.extend(items if isinstance(items, list) else [items])
                    sink.changed.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def plugin_events(self):
        return [e["event"]["data"] for e in self.events
                if e.get("type") == 64 and e.get("event", {}).get("plugin") ==
                "janus.plugin.interview"]

    def wait_for(self, predicate, timeout=10):
        with self.changed:
            assert self.changed.wait_for(lambda: predicate(self.plugin_events()), timeout), \
                self.plugin_events()

    def close(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def events():
    sink = EventSink()
    yield sink
    sink.close()


@pytest.fixture(scope="module")
def operated(workdir, service, service_key, redis, events):
    j = Janus(workdir, name="janus-admin", service_key=service_key, ws_port=8788,
              http_port=8789, admin_port=7789,
              plugin_settings={"max_ops_per_second": 100000})
    (j.config_dir / "janus.eventhandler.sampleevh.jcfg").write_text(
        'general: {\n\tenabled = true\n\tevents = "plugins"\n\tgrouping = false\n'
        f'\tjson = "compact"\n\tbackend = "{events.url}"\n}}\n')
    j.start()
    yield j
    assert j.stop() == 0


async def event_named(client, handle, name):
    """The next plugin event of this name for the handle (earlier room events are passed)."""
    while True:
        data = plugin_data(await client.next_plugin_event(handle))
        if data.get("event") == name:
            return data


def test_list_kick_and_end_through_the_admin_api(operated, service, events):
    iv = service.schedule(start_in_minutes=0)
    rng = random.Random(7)

    async def body():
        async with joined_peers(operated.ws_url, iv) as (a, r):
            await type_concurrently([a, r], rng, 10)
            await settle([a, r])
            reply = operated.plugin_admin({"request": "list_interviews"})
            assert reply["janus"] == "success", reply
            listing = reply["response"]
            assert listing["redis_up"] is True
            [entry] = [e for e in listing["interviews"] if e["interview_id"] == iv["id"]]
            assert sorted(p["role"] for p in entry["participants"]) == ["applicant", "recruiter"]
            assert entry["document"]["revision"] == a.client.revision
            assert entry["title"] == "Backend interview"

            # info counts the commits and times them: Redis's confirmation, the whole edit
            reply = operated.plugin_admin({"request": "info"})
            assert reply["janus"] == "success", reply
            documents = reply["response"]["documents"]
            assert documents["commits"] >= a.client.revision > 0, documents
            assert documents["commit_failures"] == 0, documents
            for name in ("redis_commit_ms", "edit_ms"):
                latency = documents[name]
                assert 0 < latency["samples"] <= documents["commits"], documents
                assert 0 < latency["p50"] <= latency["p99"] <= latency["max"] < 10000, documents

            # kick the applicant: it is told, the recruiter sees it leave
            pid = a.joined["you"]["id"]
            reply = operated.plugin_admin({"request": "kick", "interview_id": iv["id"],
                                           "participant_id": pid})
            assert reply["response"]["interview"] == "kicked", reply
            kicked = await event_named(a.janus, a.handle, "kicked")
            assert kicked["participant"]["id"] == pid
            left = await event_named(r.janus, r.handle, "participant_left")
            assert left["reason"] == "kicked"
            listing = operated.plugin_admin({"request": "list_interviews"})["response"]
            [entry] = [e for e in listing["interviews"] if e["interview_id"] == iv["id"]]
            assert [p["role"] for p in entry["participants"]] == ["recruiter"]

            # end it: the remaining editor goes read-only
            reply = operated.plugin_admin({"request": "end_interview", "interview_id": iv["id"]})
            assert reply["response"]["interview"] == "ended", reply
            await r.wait_for(lambda q: any(m.get("type") == "read_only" for m in q.events))
            # bad admin requests are refused with the error table's codes
            for request, name in [({"request": "kick", "interview_id": iv["id"]},
                                   "missing_field"),
                                  ({"request": "kick", "interview_id": "../x",
                                    "participant_id": "p"}, "invalid_field"),
                                  ({"request": "end_interview", "interview_id": "nope"},
                                   "unknown_interview"),
                                  ({"request": "shutdown"}, "unknown_request")]:
                assert operated.plugin_admin(request)["response"]["error"] == name
            # a wrong admin secret is refused by Janus before the plugin sees anything
            reply = operated.plugin_admin({"request": "list_interviews"}, secret="wrong")
            assert reply["janus"] == "error"
    run(body())
    # the plugin's events reached the event handler, without any token
    events.wait_for(lambda evs: {"participant_joined", "participant_left",
                                 "interview_ended"} <= {e.get("event") for e in evs})
    dump = json.dumps(events.events)
    for token in iv["tokens"]["applicant"] + iv["tokens"]["recruiter"]:
        assert token not in dump


def test_refused_joins_reach_the_event_handler(operated, service, events):
    later = service.schedule(start_in_minutes=30)

    async def body():
        p = Peer(operated.ws_url, later["id"], later["tokens"]["applicant"][0])
        try:
            joined = await p.connect()
            assert joined["error"] == "too_early"
        finally:
            await p.close()
    run(body())
    events.wait_for(lambda evs: any(e.get("event") == "join_refused" and
                                    e.get("reason") == "too_early" and
                                    e.get("interview_id") == later["id"] for e in evs))


def test_a_second_janus_takes_over_after_the_first_is_killed(workdir, service, service_key,
                                                             redis):
    iv = service.schedule(start_in_minutes=0)
    rng = random.Random(11)
    first = Janus(workdir, name="janus-first", service_key=service_key, ws_port=8888,
                  http_port=8889, admin_port=7889,
                  plugin_settings={"max_ops_per_second": 100000}).start()
    second = Janus(workdir, name="janus-second", service_key=service_key, ws_port=8988,
                   http_port=8989, admin_port=7989,
                   plugin_settings={"max_ops_per_second": 100000}).start()

    async def body():
        async with joined_peers(first.ws_url, iv) as (a, r):
            await type_concurrently([a, r], rng, 60)
            await settle([a, r])
            revision, text = a.client.revision, a.client.text
            first.stop(signal.SIGKILL)
            for p in (a, r):
                p.janus_url = second.ws_url
                joined = await p.reconnect()
                assert joined["interview"] == "joined", joined
            # the second instance continues from the same revision and text
            assert (a.client.revision, a.client.text) == (revision, text)
            await type_concurrently([a, r], rng, 40)
            await settle([a, r])
            assert a.client.revision > revision
            assert a.client.text == r.client.text == redis_text(redis, iv["id"])[0]
    try:
        run(body())
    finally:
        assert second.stop() == 0
