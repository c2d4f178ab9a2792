"""A participant in a process of its own, for tests that stop it (SIGSTOP) so that it reads
nothing: neither its data channel nor its Janus WebSocket. Run with /usr/bin/python3 (aiortc):

    stopped_peer.py JANUS_WS_URL INTERVIEW_ID TOKEN

It joins with its own Janus session, opens the data channel, says hello, and writes one JSON
line per fact to stdout: {"ready": ...} with its session and handle ids once synced, then every
plugin event ({"event": ...}) and Janus's hangup ({"hangup": ...}) on its handle. After a
hangup it connects again on the same handle (the plugin keeps it in the room) and writes
{"reconnected": ...} with its revision and text once synced. It ends when stdin closes."""

import asyncio
import hashlib
import json
import sys
import traceback

from peers import Peer
from stack import plugin_data


def say(**fact) -> None:
    print(json.dumps(fact), flush=True)


async def main(url: str, interview_id: str, token: str) -> None:
    peer = Peer(url, interview_id, token, name="stopped")
    joined = await peer.connect()
    assert joined["interview"] == "joined", joined
    say(ready=True, session_id=peer.janus.session_id, handle_id=peer.handle,
        revision=peer.client.revision)

    async def events():
        try:
            await pump_events()
        except Exception as e:  # said, so that the test fails with it rather than a timeout
            say(error=repr(e), where=[l for l in traceback.format_exc().splitlines() if "line" in l][-4:])

    async def pump_events():
        while True:
            event = await peer.janus.next_event(peer.handle, timeout=3600)
            if "plugindata" in event:
                say(event=plugin_data(event))
            elif event.get("janus") == "hangup":
                say(hangup=event.get("reason", ""))
                # It stays in the room: a new PeerConnection on the same handle, and hello with
                # the last revision it has (what was cut off mid-snapshot is thrown away).
                await peer.pc.close()
                peer.client.snapshot_parts = []
                await peer.open_channel(peer.client.revision)
                say(reconnected=True, revision=peer.client.revision,
                    sha=hashlib.sha256(peer.client.text.encode("utf-8", "surrogatepass"))
                    .hexdigest())

    pump = asyncio.ensure_future(events())
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the test closes stdin
    pump.cancel()
    await peer.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
