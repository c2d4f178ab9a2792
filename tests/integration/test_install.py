"""Installing into an existing Janus: `cmake --install` puts the plugin and a commented config
where Janus expects them (or under a prefix), never overwriting an edited config, and the real
Janus loads the installed plugin; the service's systemd unit is installed next to its binary,
passes `systemd-analyze verify` and its command line starts that binary. Runs inside
scripts/netns.sh like the other integration tests."""

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


def unit_exec_start(unit: Path) -> str:
    lines = [line for line in unit.read_text().splitlines() if line.startswith("ExecStart=")]
    assert len(lines) == 1, lines
    return lines[0].removeprefix("ExecStart=")


def run_unit_command(exec_start: str, tmp_path: Path, extra_args: str) -> subprocess.Popen:
    """ExecStart as systemd would run it: %d the credentials (the key files), %S the state root
    (StateDirectory= creates interview-service/ in it), $INTERVIEW_SERVICE_ARGS split on
    whitespace, as from /etc/default/interview-service."""
    credentials = tmp_path / "credentials"
    credentials.mkdir(parents=True)
    for name, key in (("admin.key", "unit-admin-key-0123456789"),
                      ("service.key", "unit-service-key-0123456789")):
        (credentials / name).write_text(key)
        (credentials / name).chmod(0o400)
    (tmp_path / "state" / "interview-service").mkdir(parents=True)
    words = []
    for word in exec_start.split():
        if word == "$INTERVIEW_SERVICE_ARGS":
            words += extra_args.split()
        else:
            words.append(word.replace("%d", str(credentials)).replace("%S", str(tmp_path / "state")))
    return subprocess.Popen(words, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def test_install_ships_a_systemd_unit_that_starts_the_installed_service(tmp_path):
    from test_service_entrypoint import listening_port
    prefix = tmp_path / "prefix"
    cmake_install(prefix)
    unit = prefix / "lib" / "systemd" / "system" / "interview-service.service"
    exec_start = unit_exec_start(unit)
    binary = Path(exec_start.split()[0])
    assert binary == prefix / "bin" / "interview-service" and os.access(binary, os.X_OK)
    assert "--listen 127.0.0.1:" in exec_start, "loopback unless configured otherwise"
    # systemd's own reading of the file: every key known, the binary executable.
    verify = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                            text=True, timeout=60)
    assert verify.returncode == 0 and verify.stderr.strip() == "", verify.stderr

    proc = run_unit_command(exec_start, tmp_path, "--listen 127.0.0.1:0 --threads 2")
    try:
        port = listening_port(proc)
        health = subprocess.run(["curl", "-fsS", f"http://127.0.0.1:{port}/v1/health"],
                                capture_output=True, text=True, timeout=20)
        assert health.returncode == 0 and '"status":"ok"' in health.stdout, health.stderr
        assert (tmp_path / "state" / "interview-service" / "interview-service.db").is_file()
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0

    # RestartPreventExitStatus=2: the exit status of a bad configuration, never restarted.
    assert "RestartPreventExitStatus=2" in unit.read_text().splitlines()
    bad = run_unit_command(exec_start, tmp_path / "bad", "--threads 0")
    _, err = bad.communicate(timeout=20)
    assert bad.returncode == 2 and "--threads" in err, err
