"""A join (and a connect) racing the destruction of its Janus session must never leave a ghost
member in the room: the plugin answers the join on its worker while Janus destroys the session
on another thread. Each round sends a join and destroys the session at once, without waiting for
the answer; afterwards nobody may be listed in the interview, and a real join sees an empty room."""

import asyncio
import json
import time

import pytest

from conftest import run
from stack import Janus, JanusClient, plugin_data


@pytest.fixture(scope="module")
def racing(workdir, service, service_key, redis):
    j = Janus(workdir, name="janus-races", service_key=service_key, ws_port=8792,
              http_port=8793, admin_port=7793)
    j.start()
    yield j
    assert j.stop() == 0


def listed(janus: Janus, interview_id: str) -> list:
    reply = janus.plugin_admin({"request": "list_interviews"})
    assert reply["janus"] == "success", reply
    for entry in reply["response"]["interviews"]:
        if entry["interview_id"] == interview_id:
            return [p["id"] for p in entry["participants"]]
    return []


def wait_until_empty(janus: Janus, interview_id: str, timeout: float = 15) -> list:
    deadline = time.monotonic() + timeout
    while True:
        left = listed(janus, interview_id)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)  # nothing to await: the admin API is polled until the room empties


def test_joins_racing_destroyed_sessions_leave_no_ghost(racing, service):
    iv = service.schedule(start_in_minutes=0)
    token = iv["tokens"]["applicant"][0]

    async def race(delay_s: float):
        async with JanusClient(racing.ws_url) as c:
            await c.create_session()
            handle = await c.attach()
            await c.ws.send(json.dumps({
                "janus": "message", "session_id": c.session_id, "handle_id": handle,
                "transaction": "race", "body": {"request": "join", "interview_id": iv["id"],
                                                "token": token}}))
            if delay_s:
                await asyncio.sleep(delay_s)  # the race window itself is what is varied
            await c.ws.send(json.dumps({"janus": "destroy", "session_id": c.session_id,
                                        "transaction": "gone"}))

    async def body():
        # Spread over the join's stages: before the verify, during it, around its answer.
        for i in range(60):
            await race((i % 12) * 0.002)
        ghosts = wait_until_empty(racing, iv["id"])
        assert ghosts == [], f"ghost members left behind: {ghosts}"
        # The room is really empty: a join is answered with nobody else in it.
        async with JanusClient(racing.ws_url) as c:
            await c.create_session()
            h = await c.attach()
            joined = plugin_data(await c.message(h, {"request": "join", "interview_id": iv["id"],
                                                     "token": token}))
            assert joined["interview"] == "joined", joined
            assert joined["participants"] == []
            assert listed(racing, iv["id"]) != []
    run(body())
