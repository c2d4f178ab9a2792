"""Installing into an existing Janus: `cmake --install` puts the plugin and a commented config
where Janus expects them (or under a prefix), never overwriting an edited config, and the real
Janus loads the installed plugin. Runs inside scripts/netns.sh like the other integration tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import stack
from stack import BUILD, REPO, Janus, require

SAMPLE = "janus.plugin.interview.jcfg.sample"
PLUGIN_JCFG = "janus.plugin.interview.jcfg"

def multiarch() -> str:
    """Debian's multiarch folder name, e.g. x86_64-linux-gnu."""
    return subprocess.run(["gcc", "-print-multiarch"], capture_output=True, text=True,
                          check=True).stdout.strip()


def cmake_cache() -> dict:
    cache = {}
    for line in (BUILD / "CMakeCache.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_]+):[A-Z]+=(.*)$", line)
        if m:
            cache[m.group(1)] = m.group(2)
    return cache


def cmake_install(prefix: Path | None = None, destdir: Path | None = None) -> str:
    require(BUILD / "plugin" / "janus" / "libjanus_interview.so", "the plugin")
    argv = ["cmake", "--install", str(BUILD)] + (["--prefix", str(prefix)] if prefix else [])
    env = {**os.environ, **({"DESTDIR": str(destdir)} if destdir else {})}
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def install_dirs(prefix: Path) -> tuple[Path, Path]:
    cache = cmake_cache()
    plugin_dir, config_dir = cache["JANUS_PLUGIN_DIR"], cache["JANUS_CONFIG_DIR"]
    assert not os.path.isabs(plugin_dir) and not os.path.isabs(config_dir), \
        f"{BUILD}: JANUS_PLUGIN_DIR/JANUS_CONFIG_DIR are absolute, --prefix cannot apply"
    return prefix / plugin_dir, prefix / config_dir


def test_install_puts_everything_under_the_prefix(tmp_path):
    prefix = tmp_path / "prefix"
    cmake_install(prefix)
    plugin_dir, config_dir = install_dirs(prefix)
    assert plugin_dir == prefix / "lib" / multiarch() / "janus/plugins", "Debian's layout"
    assert config_dir == prefix / "etc" / "janus"
    assert (plugin_dir / "libjanus_interview.so").is_file()
    source = (REPO / "janus-config" / PLUGIN_JCFG).read_text()
    assert (config_dir / SAMPLE).read_text() == source
    assert (config_dir / PLUGIN_JCFG).read_text() == source
    manifest = (BUILD / "install_manifest.txt").read_text().split()
    assert manifest and all(Path(p).is_relative_to(prefix) for p in manifest), manifest


def test_install_without_prefix_goes_where_janus_looks(tmp_path):
    """No prefix chosen (CMake's default /usr/local): into the Janus of JANUS_PREFIX, for
    Debian's /usr/lib/<arch>/janus/plugins and /etc/janus. Checked under DESTDIR so that the
    machine's own Janus is left alone."""
    cache = cmake_cache()
    assert cache.get("CMAKE_INSTALL_PREFIX") == "/usr/local" and \
        cache.get("JANUS_PREFIX") == "/usr", \
        f"{BUILD} is configured with another prefix; this test checks the defaults"
    debian_plugins = Path("/usr/lib") / multiarch() / "janus/plugins"
    assert (debian_plugins / "libjanus_echotest.so").is_file(), "Debian's Janus loads from here"
    cmake_install(destdir=tmp_path)
    assert (tmp_path / debian_plugins.relative_to("/") / "libjanus_interview.so").is_file()
    assert (tmp_path / "etc/janus" / SAMPLE).is_file()
    assert (tmp_path / "etc/janus" / PLUGIN_JCFG).is_file()


class InstalledJanus(Janus):
    """Janus run on an installed tree: `janus -F <prefix>/etc/janus -P <prefix>/<plugin dir>`,
    the plugin's config being the installed sample with a service_url and a key file."""

    def __init__(self, workdir: Path, config_dir: Path, plugin_dir: Path):
        self._installed_config_dir = config_dir
        self.plugin_dir = plugin_dir
        super().__init__(workdir, name="installed-janus")

    def _write_configs(self, plugin_settings, service_url, ws_port, http_port, admin_port):
        self.config_dir = self._installed_config_dir
        super()._write_configs(plugin_settings, service_url, ws_port, http_port, admin_port)

    def write_plugin_config(self, settings: dict) -> None:
        url = json.dumps(settings["service_url"])
        text, count = re.subn(r'(?m)^(\s*)service_url = ".*"$',
                              lambda m: f"{m.group(1)}service_url = {url}",
                              (self.config_dir / SAMPLE).read_text())
        assert count == 1, "the sample config has one service_url line"
        assert re.search(r'(?m)^\s*service_key_file = "interview-service.key"$', text)
        (self.config_dir / PLUGIN_JCFG).write_text(text)

    def start(self, expect_plugin: bool = True) -> "InstalledJanus":
        saved = stack.PLUGIN_DIR
        stack.PLUGIN_DIR = self.plugin_dir  # the folder Janus.start passes to janus -P
        try:
            return super().start(expect_plugin)
        finally:
            stack.PLUGIN_DIR = saved


def test_janus_loads_the_installed_plugin_with_the_sample_config(tmp_path):
    prefix = tmp_path / "prefix"
    cmake_install(prefix)
    plugin_dir, config_dir = install_dirs(prefix)
    janus = InstalledJanus(tmp_path, config_dir, plugin_dir)
    assert janus.config_dir == config_dir
    assert (config_dir / "interview-service.key").is_file()
    janus.start()
    try:
        assert "janus.plugin.interview" in janus.info()["plugins"]
        cmdline = Path(f"/proc/{janus.process.proc.pid}/cmdline").read_bytes().split(b"\0")
        assert str(plugin_dir).encode() in cmdline and str(config_dir).encode() in cmdline
    finally:
        assert janus.stop() == 0, janus.log()[-3000:]


def test_second_install_keeps_an_edited_config(tmp_path):
    prefix = tmp_path / "prefix"
    cmake_install(prefix)
    _, config_dir = install_dirs(prefix)
    edited = (config_dir / PLUGIN_JCFG).read_text().replace(
        'service_url = "http://127.0.0.1:8090"', 'service_url = "https://interviews.example.org"')
    assert "interviews.example.org" in edited
    (config_dir / PLUGIN_JCFG).write_text(edited)
    (config_dir / SAMPLE).write_text("stale sample\n")
    output = cmake_install(prefix)
    assert (config_dir / PLUGIN_JCFG).read_text() == edited
    assert "Keeping" in output
    assert (config_dir / SAMPLE).read_text() == \
        (REPO / "janus-config" / PLUGIN_JCFG).read_text(), "the sample is always refreshed"
