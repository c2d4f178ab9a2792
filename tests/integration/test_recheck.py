"""Tokens checked again while their holders are in the room (`recheck_seconds`, 1 s here):
revoking a participant in the service, or issuing them a new link, takes whoever holds the old
token out of the room, and that token cannot come back in, not even from the plugin's cache of
positive answers; an unreachable service takes nobody out. The real service and Janus, clients
of the Janus API (no media needed)."""

import asyncio

import pytest

from conftest import run
from stack import TOKENS_FILE, Janus, JanusClient, plugin_data
from test_access import assert_refused, join, joined_handle


@pytest.fixture(scope="module")
def rechecking(workdir, service, service_key):
    # verify_cache_seconds longer than the test: a rejoin must not be let in from the cache.
    j = Janus(workdir, name="janus-recheck", service_key=service_key, ws_port=8988,
              http_port=8989, admin_port=7989,
              plugin_settings={"recheck_seconds": 1, "verify_cache_seconds": 600}).start()
    yield j
    assert j.stop() == 0, j.log()[-3000:]


async def event_named(client: JanusClient, handle: int, name: str) -> dict:
    """The next plugin event of this name for the handle (earlier room events are passed)."""
    while True:
        data = plugin_data(await client.next_plugin_event(handle))
        if data.get("event") == name:
            return data


def rechecks(janus: Janus) -> dict:
    reply = janus.plugin_admin({"request": "info"})
    assert reply["janus"] == "success", reply
    return reply["response"]["rechecks"]


def test_a_revoked_participant_is_taken_out_and_cannot_come_back(rechecking, service):
    iv = service.schedule(start_in_minutes=0)
    applicant_token, recruiter_token = iv["tokens"]["applicant"][0], iv["tokens"]["recruiter"][0]

    async def body():
        async with JanusClient(rechecking.ws_url) as c:
            a = await joined_handle(c)
            assert (await join(c, a, iv["id"], applicant_token))["interview"] == "joined"
            r = await joined_handle(c)
            joined = await join(c, r, iv["id"], recruiter_token)
            assert joined["interview"] == "joined", joined
            rid = joined["you"]["id"]
            status, _ = service.admin("POST", f"/v1/interviews/{iv['id']}/participants/{rid}/revoke")
            assert status == 200
            kicked = await event_named(c, r, "kicked")
            assert (kicked["participant"]["id"], kicked["reason"]) == (rid, "token_revoked")
            left = await event_named(c, a, "participant_left")
            assert (left["participant"]["id"], left["reason"]) == (rid, "kicked")
            again = await joined_handle(c)
            assert_refused(await join(c, again, iv["id"], recruiter_token), "token_revoked", 476)
            assert rechecks(rechecking)["removed"] >= 1
    run(body())


def test_a_new_link_takes_the_old_one_out(rechecking, service):
    iv = service.schedule(start_in_minutes=0)
    old_token = iv["tokens"]["applicant"][0]
    applicant_id = next(p["id"] for p in iv["participants"] if p["role"] == "applicant")

    async def body():
        async with JanusClient(rechecking.ws_url) as c:
            old = await joined_handle(c)
            assert (await join(c, old, iv["id"], old_token))["interview"] == "joined"
            status, details = service.admin(
                "POST", f"/v1/interviews/{iv['id']}/participants/{applicant_id}/token")
            assert status == 200, details
            [new_token] = [p["token"] for p in details["participants"] if "token" in p]
            with open(TOKENS_FILE, "a") as f:  # the no-token-in-any-log test looks for it too
                f.write(new_token + "\n")
            kicked = await event_named(c, old, "kicked")
            assert (kicked["participant"]["id"], kicked["reason"]) == (applicant_id,
                                                                       "invalid_token")
            again = await joined_handle(c)
            assert_refused(await join(c, again, iv["id"], old_token), "invalid_token", 471)
            new = await joined_handle(c)
            joined = await join(c, new, iv["id"], new_token)
            assert (joined["interview"], joined["you"]["id"]) == ("joined", applicant_id)
    run(body())


def test_an_unreachable_service_takes_nobody_out(rechecking, service):
    iv = service.schedule(start_in_minutes=0)

    async def body():
        async with JanusClient(rechecking.ws_url) as c:
            a = await joined_handle(c)
            assert (await join(c, a, iv["id"], iv["tokens"]["applicant"][0]))["interview"] == \
                "joined"
            before = rechecks(rechecking)["unanswered"]
            service.stop()
            try:
                # Two rounds of checks that the service could not answer ...
                await wait_for_count(rechecking, "unanswered", before + 2)
            finally:
                service.start()
            # ... and the applicant is still in the room.
            listing = rechecking.plugin_admin({"request": "list_interviews"})["response"]
            [entry] = [e for e in listing["interviews"] if e["interview_id"] == iv["id"]]
            assert [p["role"] for p in entry["participants"]] == ["applicant"]
    run(body())


async def wait_for_count(janus: Janus, name: str, at_least: int, timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while rechecks(janus)[name] < at_least:
        assert loop.time() < deadline, f"rechecks[{name}] stayed below {at_least}"
        await asyncio.sleep(0.1)
