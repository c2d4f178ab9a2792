"""The foundation, end to end: the Debian-packaged Janus loads libjanus_interview.so from
janus-config/, answers over the WebSocket API and the admin API, refuses malformed input, and
stops cleanly."""

import json
import signal
import urllib.error

import pytest

from conftest import run
from stack import Janus, JanusClient, JanusError, plugin_data


def test_plugin_is_listed_by_janus(janus):
    plugins = janus.info()["plugins"]
    assert "janus.plugin.interview" in plugins
    assert plugins["janus.plugin.interview"]["version_string"] == "0.1.0"
    # only our plugin is loaded
    assert list(plugins) == ["janus.plugin.interview"]


def test_info_over_websocket(janus):
    async def body():
        async with JanusClient(janus.ws_url) as c:
            await c.create_session()
            handle = await c.attach()
            reply = await c.message(handle, {"request": "info"})
            data = plugin_data(reply)
            assert reply["plugindata"]["plugin"] == "janus.plugin.interview"
            assert data["interview"] == "info"
            assert data["version"] == "0.1.0"
            settings = data["settings"]
            assert settings["early_join_minutes"] == 15
            assert settings["service_url"] == "http://127.0.0.1:8090"
            assert janus.service_key not in json.dumps(reply)
    run(body())


def test_malformed_requests_get_errors_and_the_plugin_keeps_serving(janus):
    async def body():
        async with JanusClient(janus.ws_url) as c:
            await c.create_session()
            handle = await c.attach()
            cases = [
                ({"request": 42}, 462, "invalid_field"),
                ({}, 461, "missing_field"),
                ({"request": "teleport"}, 463, "unknown_request"),
                ({"request": "join", "interview_id": "../../etc", "token": "x" * 20}, 462,
                 "invalid_field"),
                ({"request": "leave"}, 464, "not_joined"),
            ]
            for request, code, name in cases:
                data = plugin_data(await c.message(handle, request))
                assert (data["error_code"], data["error"]) == (code, name), data
                assert data["message"]
            # Janus itself refuses a body that is not an object, Janus-style
            with pytest.raises(JanusError) as err:
                await c.message(handle, [1, 2])
            assert err.value.reply["error"]["code"] == 467  # JANUS_ERROR_INVALID_ELEMENT_TYPE
            # and text that is not JSON at all
            reply = await c.send_raw("{not json")
            assert reply["janus"] == "error" and reply["error"]["code"] == 454
            # still serving
            data = plugin_data(await c.message(handle, {"request": "info"}))
            assert data["interview"] == "info"
    run(body())


def test_admin_api_lists_plugin_and_answers_plugin_requests(janus):
    async def body():
        async with JanusClient(janus.ws_url) as c:
            session = await c.create_session()
            handle = await c.attach()
            reply = janus.plugin_admin({"request": "info"})
            assert reply["janus"] == "success", reply
            info = reply["response"]
            assert info["interview"] == "info"
            assert info["sessions"] >= 1
            assert "uptime_seconds" in info
            # handle_info carries our query_session state
            reply = janus.admin({"janus": "handle_info", "session_id": session,
                                 "handle_id": handle})
            assert reply["janus"] == "success", reply
            assert reply["info"]["plugin"] == "janus.plugin.interview"
            assert reply["info"]["plugin_specific"]["state"] == "attached"
            # a wrong admin secret is refused
            reply = janus.admin({"janus": "list_sessions"}, secret="wrong")
            assert reply["janus"] == "error"
    run(body())


def test_bad_plugin_config_stops_loading_with_one_clear_line(workdir):
    j = Janus(workdir, name="janus-badcfg", ws_port=8288, http_port=8188 + 900,
              admin_port=7288, plugin_settings={"max_participants": 99})
    j.start(expect_plugin=False)
    try:
        assert "janus.plugin.interview" not in j.info()["plugins"]
    finally:
        assert j.stop() == 0
    lines = [l for l in j.log().splitlines() if "[interview] not loaded" in l]
    assert len(lines) == 1, j.log()[-2000:]
    assert "general.max_participants" in lines[0]
    assert "between 2 and 16" in lines[0]


def test_janus_stops_cleanly_with_sessions_attached(workdir):
    j = Janus(workdir, name="janus-stop", ws_port=8388, http_port=8488, admin_port=7388).start()

    async def body():
        async with JanusClient(j.ws_url) as c:
            await c.create_session()
            handle = await c.attach()
            assert plugin_data(await c.message(handle, {"request": "info"}))["interview"] == "info"
            assert j.stop(signal.SIGTERM) == 0
    run(body())
    log = j.log()
    assert "[interview] janus.plugin.interview destroyed" in log
    for bad in ("Segmentation", "AddressSanitizer", "Aborted", "core dumped"):
        assert bad not in log
