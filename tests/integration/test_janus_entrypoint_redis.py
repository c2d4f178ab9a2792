"""The Janus image's entrypoint (docker/janus/entrypoint.sh) and Redis behind Sentinel: the
INTERVIEW_REDIS_SENTINELS / _SENTINEL_MASTER / _WAIT_REPLICAS variables become the plugin's
settings, which the real Janus loads and the plugin reports; bad values stop the container with
the variable's name. The Sentinel behaviour itself is in test_redis_sentinel.py. And Redis's
password: the compose secret redis_password, which make-secrets.sh creates, reaches the plugin
(INTERVIEW_REDIS_PASSWORD_FILE), whose AUTH a real redis-server with requirepass accepts."""

import re
import subprocess

import pytest

from test_deployment import RenderedJanus, render_janus
from stack import REPO, Redis, wait_until

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


def redis_up(janus) -> bool:
    reply = janus.plugin_admin({"request": "info"})
    assert reply["janus"] == "success", reply
    return reply["response"]["redis_up"]


def password_env(port: int, password_file) -> dict:
    return {"INTERVIEW_SERVICE_URL": "http://127.0.0.1:8090", "INTERVIEW_REDIS_HOST": "127.0.0.1",
            "INTERVIEW_REDIS_PORT": str(port), "INTERVIEW_REDIS_PASSWORD_FILE": str(password_file)}


def test_the_redis_password_secret_reaches_the_plugin_and_redis_accepts_it(tmp_path):
    password_file = secrets(tmp_path) / "redis_password"
    password = password_file.read_text().strip()
    redis = Redis(tmp_path, port=6391, name="redis-auth", password=password).start()
    try:
        # Redis refuses everyone without the password.
        anonymous = subprocess.run(["redis-cli", "-p", "6391", "PING"], capture_output=True,
                                   text=True, timeout=10)
        assert "NOAUTH" in anonymous.stdout + anonymous.stderr
        refusals = redis.cli("INFO", "errorstats")  # that one NOAUTH, nothing else
        janus = RenderedJanus(tmp_path, password_env(6391, password_file))
        plugin = (janus.config_dir / "janus.plugin.interview.jcfg").read_text()
        assert 'redis_password_file = "redis.password"' in plugin
        assert password not in plugin, "the password itself stays out of the config"
        assert (janus.config_dir / "redis.password").stat().st_mode & 0o077 == 0
        janus.start()
        try:
            wait_until(lambda: redis_up(janus), 10, "the plugin's Redis connection (AUTH)")
            # Connected and authenticated: no refused AUTH, no command refused for want of one.
            assert redis.cli("INFO", "errorstats") == refusals
            clients = redis.cli("CLIENT", "LIST")
            assert len(clients.splitlines()) >= 2, clients  # the plugin's and redis-cli's
            settings = janus.plugin_admin({"request": "info"})["response"]["settings"]
            assert password not in str(settings)
        finally:
            assert janus.stop() == 0, janus.log()[-3000:]
    finally:
        redis.stop()


def test_a_wrong_redis_password_keeps_the_plugin_off_redis(tmp_path):
    secrets_dir = secrets(tmp_path)
    redis = Redis(tmp_path, port=6392, name="redis-auth-wrong",
                  password=(secrets_dir / "admin_key").read_text().strip()).start()
    try:
        janus = RenderedJanus(tmp_path, password_env(6392, secrets_dir / "redis_password"))
        janus.start()
        try:
            # Redis counts each refused AUTH; after the plugin's second try (it retries with
            # backoff) it is still not connected.
            def refused_twice():
                m = re.search(r"errorstat_WRONGPASS:count=(\d+)", redis.cli("INFO", "errorstats"))
                return m and int(m.group(1)) >= 2
            wait_until(refused_twice, 20, "two refused AUTH attempts of the plugin")
            assert not redis_up(janus)
        finally:
            assert janus.stop() == 0, janus.log()[-3000:]
    finally:
        redis.stop()


def test_a_named_redis_password_file_must_exist(tmp_path):
    result = render_janus(tmp_path / "out", secrets(tmp_path),
                          {"INTERVIEW_REDIS_PASSWORD_FILE": str(tmp_path / "missing")})
    assert result.returncode != 0 and "INTERVIEW_REDIS_PASSWORD_FILE" in result.stderr
