"""What the benchmarks share (tests/bench/relay and tests/bench/media): a Janus that loads our
plugin next to one stock plugin (the baseline) from a folder of symlinks, a load-generator
process spoken to in JSON lines, and reading a process's CPU time, memory and children from
/proc. Import it after setting
INTERVIEW_TEST_LOGS and putting tests/integration on sys.path (it builds on stack.Janus)."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

import stack
from stack import Janus, Process, wait_until

STOCK_PLUGINS = Path("/usr/lib/x86_64-linux-gnu/janus/plugins")


class BaselineJanus(Janus):
    """stack.Janus with the stock plugin `stock` (e.g. "textroom", "videoroom") enabled next to
    ours, configured by `stock_config` (jcfg text: no rooms, the load generator creates them)."""

    def __init__(self, workdir: Path, stock: str, stock_config: str,
                 plugin_so: Path | None = None, **kw):
        super().__init__(workdir, **kw)
        self.stock = stock
        library = f"libjanus_{stock}.so"
        cfg = self.config_dir / "janus.jcfg"
        text = cfg.read_text()
        cfg.write_text(text.replace(f"{library},", "").replace(f",{library}", ""))
        (self.config_dir / f"janus.plugin.{stock}.jcfg").write_text(stock_config)
        self.plugins_dir = workdir / f"{self.name}-plugins"
        self.plugins_dir.mkdir(exist_ok=True)
        for src in (plugin_so or stack.PLUGIN_DIR / "libjanus_interview.so",
                    STOCK_PLUGINS / library):
            stack.require(src, src.name)
            link = self.plugins_dir / src.name
            if not link.exists():
                link.symlink_to(src)

    def start(self, expect_plugin: bool = True) -> "BaselineJanus":
        self.log_path = stack.LOG_DIR / f"{self.name}-{os.getpid()}-{next(stack._starts)}.janus.log"
        self.process = Process(self.name, [stack.JANUS_BIN, "-F", str(self.config_dir), "-P",
                                           str(self.plugins_dir), "-L", str(self.log_path),
                                           "-o", "-N"], cwd=str(self.config_dir))
        wait_until(lambda: self._answers() or not self.process.alive(), 15, "Janus to answer")
        if not self.process.alive():
            raise RuntimeError(f"Janus exited at start:\n{self.process.log()[-3000:]}")
        plugins = self.info().get("plugins", {})
        for name in ("janus.plugin.interview", f"janus.plugin.{self.stock}"):
            if name not in plugins:
                raise RuntimeError(f"{name} not loaded:\n{self.log()[-3000:]}")
        return self


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def run_ns(pid: int) -> int:
    """Time on CPU of the process's live threads in ns (schedstat): a finer cross-check of the
    utime+stime ticks (threads that ended are not counted; none does in steady state)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def tree(pid: int) -> list[int]:
    """pid and all its descendants (a browser's renderer, GPU and utility processes)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def tree_ticks(pid: int) -> dict[int, int]:
    ticks = {}
    for p in tree(pid):
        try:
            ticks[p] = cpu_ticks(p)
        except OSError:
            pass
    return ticks


def proc_status(pid: int) -> dict:
    """VmRSS, VmHWM (KiB) and Threads of a process."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:", "Threads:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    return out


def machine_ticks() -> int:
    """Busy ticks of the whole machine, all CPUs (user nice system irq softirq steal)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]


def run_header(args) -> dict:
    """What a run's raw results start with: when, on what machine, with which arguments."""
    import platform
    import subprocess
    import time

    cpu_model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                      if line.startswith("model name")), platform.processor())
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "nproc": os.cpu_count(),
            "cpu": cpu_model, "node": node,
            "loadavg_before": open("/proc/loadavg").read().split()[:3], "args": vars(args)}


def print_run_footer(header: dict, started: float, raw_path: Path, repo: Path,
                     command: str | None, extra: dict | None = None) -> None:
    """The lines printed under a run's table: machine, load before and after, time, raw file,
    command, niceness (and `extra` items, e.g. the plugin build)."""
    import time

    header["loadavg_after"] = open("/proc/loadavg").read().split()[:3]
    header["elapsed_s"] = round(time.monotonic() - started)
    print()
    print(f"Measured {header['date']} on {header['nproc']} cores, {header['cpu']}, Node "
          f"{header['node']}; load average before {' '.join(header['loadavg_before'])}, after "
          f"{' '.join(header['loadavg_after'])}; {header['elapsed_s']} s; raw: "
          f"{os.path.relpath(raw_path, repo)}")
    if command:
        print(f"Command: {command}")
    for key, value in (extra or {}).items():
        print(f"{key}: {value}")
    print(f"Niceness: {os.nice(0)}")
    print()


class LoadGen:
    """One load-generator process (`argv`, then the path of its JSON config): commands go to
    its stdin and its events come back on stdout, one JSON object a line, queued by a reader
    thread; its stderr goes to a log file. LOADGEN_NODE_ARGS (e.g. --cpu-prof) is passed to
    node."""

    def __init__(self, tag: str, config: dict, workdir: Path, script: Path,
                 prefix: list[str] | None = None):
        path = workdir / f"loadgen-{tag}.json"
        path.write_text(json.dumps({**config, "tag": tag}))
        stack.LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.tag = tag
        self.err = open(stack.LOG_DIR / f"loadgen-{tag}.err.log", "ab")
        node_args = os.environ.get("LOADGEN_NODE_ARGS", "").split()
        self.proc = subprocess.Popen([*(prefix or []), "node", *node_args, str(script), str(path)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err, text=True, bufsize=1)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                self.lines.put(json.loads(line))
            except json.JSONDecodeError:
                self.lines.put({"event": "noise", "line": line})
        self.lines.put({"event": "eof"})

    def expect(self, event: str, timeout: float, **match) -> dict:
        """The next line with this event (and these field values); fails on fatal or eof."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"load generator {self.tag}: no {event} within {timeout}s")
            try:
                m = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if m.get("event") == event and all(m.get(k) == v for k, v in match.items()):
                return m
            if m.get("event") in ("fatal", "eof"):
                tail = ""
                try:
                    tail = Path(self.err.name).read_text(errors="replace")[-2000:]
                except OSError:
                    pass
                raise RuntimeError(f"load generator {self.tag} failed waiting for {event}: "
                                   f"{m}\n{tail}")

    def send(self, obj: dict):
        self.proc.stdin.write(json.dumps(obj) + "\n")
        self.proc.stdin.flush()

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.send({"cmd": "quit"})
                self.proc.wait(20)
            except (BrokenPipeError, subprocess.TimeoutExpired, OSError):
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self.err.close()
