"""The Janus image's entrypoint (docker/janus/entrypoint.sh) and Redis behind Sentinel: the
INTERVIEW_REDIS_SENTINELS / _SENTINEL_MASTER / _WAIT_REPLICAS variables become the plugin's
settings, which the real Janus loads and the plugin reports; bad values stop the container with
the variable's name. The Sentinel behaviour itself is in test_redis_sentinel.py."""

import re
import subprocess

import pytest

from test_deployment import RenderedJanus, render_janus
from stack import REPO

SENTINEL_ENV = {"INTERVIEW_SERVICE_URL": "http://127.0.0.1:8090",
                "INTERVIEW_REDIS_HOST": "redis",  # as compose sets it: not used with Sentinels
                "INTERVIEW_REDIS_SENTINELS": "10.0.0.11:26379, sentinel-b:26379,[fd00::7]:26379",
                "INTERVIEW_REDIS_SENTINEL_MASTER": "interview",
                "INTERVIEW_REDIS_WAIT_REPLICAS": "1"}


def secrets(tmp_path):
    secrets_dir = tmp_path / "s"
    subprocess.run([str(REPO / "docker" / "make-secrets.sh"), str(secrets_dir)], check=True,
                   capture_output=True)
    return secrets_dir


def test_sentinel_settings_reach_the_plugin(tmp_path):
    janus = RenderedJanus(tmp_path, SENTINEL_ENV)
    plugin = (janus.config_dir / "janus.plugin.interview.jcfg").read_text()
    uncommented = "\n".join(line for line in plugin.splitlines()
                            if not line.lstrip().startswith("#"))
    assert not re.search(r"^\s*redis_(host|port)\s*=", uncommented, re.M), uncommented
    janus.start()
    try:
        reply = janus.plugin_admin({"request": "info"})
        assert reply["janus"] == "success", reply
        settings = reply["response"]["settings"]
        assert settings["redis_sentinels"] == ["10.0.0.11:26379", "sentinel-b:26379",
                                               "[fd00::7]:26379"]
        assert settings["redis_sentinel_master"] == "interview"
        assert settings["redis_wait_replicas"] == 1
    finally:
        assert janus.stop() == 0, janus.log()[-3000:]


@pytest.mark.parametrize("env,complaint", [
    ({"INTERVIEW_REDIS_SENTINELS": "10.0.0.11"}, "INTERVIEW_REDIS_SENTINELS"),
    ({"INTERVIEW_REDIS_SENTINELS": '10.0.0.11:26379" evil = "x'}, "INTERVIEW_REDIS_SENTINELS"),
    ({"INTERVIEW_REDIS_SENTINELS": ",".join(f"s{i}:26379" for i in range(9))},
     "INTERVIEW_REDIS_SENTINELS"),
    ({"INTERVIEW_REDIS_SENTINELS": "10.0.0.11:26379"}, "INTERVIEW_REDIS_SENTINEL_MASTER"),
    ({"INTERVIEW_REDIS_SENTINELS": "10.0.0.11:26379", "INTERVIEW_REDIS_SENTINEL_MASTER": "my master"},
     "INTERVIEW_REDIS_SENTINEL_MASTER"),
    ({"INTERVIEW_REDIS_SENTINEL_MASTER": "interview"}, "INTERVIEW_REDIS_SENTINELS"),
    ({"INTERVIEW_REDIS_WAIT_REPLICAS": "9"}, "INTERVIEW_REDIS_WAIT_REPLICAS"),
])
def test_bad_sentinel_settings_stop_the_container(tmp_path, env, complaint):
    result = render_janus(tmp_path / "out", secrets(tmp_path), env)
    assert result.returncode != 0 and complaint in result.stderr, result.stderr
