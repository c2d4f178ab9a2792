"""Fixtures shared by the integration tests: a work directory per test module and a Janus with
the plugin, stopped (and checked for a clean exit) at the end."""

import asyncio
import os

import pytest

from stack import Janus, LOG_DIR


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="module")
def janus(workdir, service_key):
    j = Janus(workdir, service_key=service_key).start()
    yield j
    rc = j.stop()
    assert rc == 0, f"Janus exited with {rc}:\n{j.log()[-3000:]}"


def run(coro):
    """Runs one async test body to completion (no pytest-asyncio dependency)."""
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def service_key():
    import secrets
    return secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
def redis(workdir):
    from stack import Redis
    r = Redis(workdir).start()
    yield r
    r.stop()


@pytest.fixture(scope="module")
def service(workdir, service_key):
    from stack import Service
    s = Service(workdir, service_key).start()
    yield s
    assert s.stop() == 0, s.process.log()[-2000:]
