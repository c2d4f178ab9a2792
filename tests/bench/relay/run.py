"""The relay benchmark's orchestrator (run by scripts/bench-relay.sh inside the network namespace).

For each room count N (a step), it starts a fresh Janus with both plugins, connects N rooms of
2 peers to our janus.plugin.interview (interviews scheduled in the service) and N rooms of 2 peers
to Janus's stock janus.plugin.textroom (the baseline), each population in its own load-generator
process (tests/bench/relay/loadgen.js: werift; or loadgen-browser.js: Chromium), and then runs
short measured phases, one population typing at a time while the other stays connected and idle,
alternating ours / textroom in ABBA order over the repeats and rates. On a machine shared with
other work this spreads the neighbours' load over both systems alike, which separate runs
minutes apart did not. During each phase's measured window it samples

  - Janus's CPU (utime+stime of /proc/<pid>/stat, all threads) and RSS (VmRSS at the end; the
    RSS each population added when it connected is reported per system),
  - the active load generator's CPU (its whole process tree) and Redis's CPU,
  - Redis's total_commands_processed and INFO commandstats (deltas over the window),

while the load generator records, from each author's send, the time to its acknowledgement (its
own message coming back) and to the other peer seeing it. Every phase goes as one JSON line to
results/; the table at the end gives the median over the repeats of each phase's p50/p99/max,
our p99 over textroom's, and the largest N whose median p99 (ack and remote) stays within the
limit at each rate. A rate leaves the steps once our p99 is over the limit or the load generator
could not keep its typing rate (it is saturated).

With `--systems interview,hocuspocus` (scripts/bench-peer.sh) the peer benchmark runs instead of
textroom: a Hocuspocus server (tests/bench/peer/server.js, a fresh Node process per step, with its
own Redis, AOF on as ours) and its load generator (tests/bench/peer/loadgen.js: Y.Text typists
over HocuspocusProvider, the same cadence and measurement), the server's CPU and RSS and its
Redis's CPU sampled as Janus's and ours are; a second table puts the systems side by side.

Redis and the interview service stay up for the whole benchmark; every process is stopped at
the end, also on failure (stack.Process.stop, and netns.sh kills what is left in the namespace).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
os.environ.setdefault("INTERVIEW_TEST_LOGS", str(REPO / "build" / "bench-relay-logs"))
sys.path.insert(0, str(REPO / "tests" / "integration"))

import stack  # noqa: E402  (after the log directory is chosen)
from stack import Redis, Service  # noqa: E402

sys.path.insert(0, str(HERE.parent / "common"))
from benchjanus import (BaselineJanus, cpu_ticks, machine_ticks, proc_status,  # noqa: E402
                        LoadGen, print_run_footer, run_header, tree_ticks)

CLK_TCK = os.sysconf("SC_CLK_TCK")
TEXTROOM_CONFIG = 'general: {\n\tjson = "compact"\n}\n'
SCRIPTS = {"werift": "loadgen.js", "datachannel": "loadgen.js", "chromium": "loadgen-browser.js"}
PEER_DIR = HERE.parent / "peer"  # the peer benchmark's Hocuspocus server and load generator
HOCUSPOCUS_PORT, HOCUSPOCUS_REDIS_PORT = 1234, 6380
SYSTEMS = ("interview", "textroom", "hocuspocus")
ALIASES = {"ours": "interview"}


def redis_info(redis: Redis) -> dict:
    raw = redis.command("INFO", "all").decode()
    info = {"commands": {}}
    for line in raw.splitlines():
        if line.startswith("total_commands_processed:"):
            info["total"] = int(line.split(":")[1])
        elif line.startswith("cmdstat_"):
            name, rest = line[len("cmdstat_"):].split(":", 1)
            calls = int(rest.split(",")[0].split("=")[1])
            info["commands"][name] = calls
    return info


class Sampler:
    """`janus_pid` is the active system's server: Janus, or the Hocuspocus server (its figures
    go under server_* keys; janus_* too when it is Janus); `redis` that system's Redis."""

    def __init__(self, janus_pid: int, client_pids: list[int], redis: Redis,
                 idle_pids: list[int] = (), is_janus: bool = True):
        self.janus_pid, self.client_pids, self.redis = janus_pid, client_pids, redis
        # the other, idle populations' load generators (and servers, Redis)
        self.idle_pids = list(idle_pids)
        self.redis_pid = redis.process.proc.pid
        self.is_janus = is_janus

    def sample(self) -> dict:
        return {"t": time.monotonic(), "janus": cpu_ticks(self.janus_pid),
                "client": {p: t for c in self.client_pids for p, t in tree_ticks(c).items()},
                "redis": cpu_ticks(self.redis_pid), "redis_info": redis_info(self.redis),
                "machine": machine_ticks(), "idle_gen": {p: t for c in self.idle_pids
                                                         for p, t in tree_ticks(c).items()},
                "loadavg": open("/proc/loadavg").read().split()[:3]}

    def window(self, a: dict, b: dict) -> dict:
        wall = b["t"] - a["t"]
        pct = lambda k: 100.0 * (b[k] - a[k]) / CLK_TCK / wall  # noqa: E731
        # client processes alive at both samples (a process of the tree that started or ended
        # inside the window is left out; none does in steady state)
        client = sum(t - a["client"][p] for p, t in b["client"].items() if p in a["client"])
        idle_gen = sum(t - a["idle_gen"][p] for p, t in b["idle_gen"].items()
                       if p in a["idle_gen"])
        ours = (b["janus"] - a["janus"]) + client + (b["redis"] - a["redis"]) + idle_gen
        # what the rest of the machine (other people's builds and tests) used meanwhile
        others = 100.0 * ((b["machine"] - a["machine"]) - ours) / CLK_TCK / wall
        cmds = {k: v - a["redis_info"]["commands"].get(k, 0)
                for k, v in b["redis_info"]["commands"].items()}
        cmds = {k: v for k, v in cmds.items() if v and k != "info"}
        mem = proc_status(self.janus_pid)
        # the two INFO calls of the sampler itself are not the plugin's
        total = b["redis_info"]["total"] - a["redis_info"]["total"] - 1
        server = {"server_cpu_pct": pct("janus"), "server_rss_kib": mem.get("VmRSS")}
        if not self.is_janus:
            return {"wall_s": wall, **server, "client_cpu_pct": 100.0 * client / CLK_TCK / wall,
                    "redis_cpu_pct": pct("redis"), "server_hwm_kib": mem.get("VmHWM"),
                    "redis_cmds_per_s": total / wall, "redis_cmds": cmds,
                    "others_cpu_pct": max(0.0, others),
                    "bench_cpu_pct": 100.0 * ours / CLK_TCK / wall, "loadavg_end": b["loadavg"]}
        return {"wall_s": wall, **server, "janus_cpu_pct": pct("janus"), "client_cpu_pct": 100.0 * client / CLK_TCK / wall,
                "redis_cpu_pct": pct("redis"), "janus_rss_kib": mem.get("VmRSS"),
                "janus_hwm_kib": mem.get("VmHWM"), "janus_threads": mem.get("Threads"),
                "redis_cmds_per_s": total / wall, "redis_cmds": cmds,
                "others_cpu_pct": max(0.0, others),
                "bench_cpu_pct": 100.0 * ours / CLK_TCK / wall, "loadavg_end": b["loadavg"]}


# ------------------------------------------------------------------------------ load generators
# With --pin: the CPUs of the load generators (the rest of the machine runs Janus, Redis and the
# service), set in main().
LOADGEN_CPUS = ""


def spawn_loadgen(tag: str, config: dict, workdir: Path, client: str) -> LoadGen:
    pin = ["taskset", "-c", LOADGEN_CPUS] if LOADGEN_CPUS else []
    # Hocuspocus's typists are WebSocket clients (no WebRTC): --client does not apply to them
    script = PEER_DIR / "loadgen.js" if config["system"] == "hocuspocus" else HERE / SCRIPTS[client]
    return LoadGen(tag, {**config, "webrtc": client}, workdir, script, pin)


def start_hocuspocus(n: int, workdir: Path) -> LoadGen:
    """A fresh Hocuspocus server (tests/bench/peer/server.js) for one step, on the other half of
    the CPUs with --pin like Janus; its stdin/stdout protocol is the load generators' (LoadGen)."""
    server = LoadGen(f"hocuspocus-server-{n}", {"port": HOCUSPOCUS_PORT,
                                                "redis_port": HOCUSPOCUS_REDIS_PORT},
                     workdir, PEER_DIR / "server.js")
    try:
        server.expect("ready", 30)
    except BaseException:
        server.stop()
        raise
    return server


def pct(xs: list[float], p: float) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, -(-int(p * len(s) * 1000) // 1000) - 1))]


def merge(results: list[dict]) -> dict:
    """Merges the phase results of several load generators (raw latencies, summed counters)."""
    out = {k: sum(r[k] for r in results) for k in
           ("peers", "sent", "edits", "composed", "ackN", "remoteN", "sentBytes", "recvBytes",
            "recvMsgs", "errors", "lost_or_late")}
    out["client_cpu_pct_self"] = sum(r["client_cpu_pct"] or 0 for r in results)
    delays = [r["event_loop_delay_ms"]["p99"] for r in results if r.get("event_loop_delay_ms")]
    out["event_loop_delay_p99_ms"] = max(delays) if delays else None
    out["error_samples"] = [e for r in results for e in r["errorSamples"]][:5]
    for kind in ("ack", "remote"):
        xs = [x for r in results for x in r[f"{kind}_raw"]]
        out[kind] = {"n": len(xs), "p50": pct(xs, 0.5), "p90": pct(xs, 0.9),
                     "p99": pct(xs, 0.99), "max": max(xs) if xs else None}
    # keystrokes typed in the window over those due (peers x rate x window): below ~0.95 the
    # load generator could not keep its own cadence (its timers ran late: it is saturated)
    due = sum(r["peers"] * r["rate"] * r["wall_s"] for r in results)
    out["typing_ratio"] = out["edits"] / due if due else None
    out["msg_bytes_sent"] = out["sentBytes"] / out["sent"] if out["sent"] else None
    out["msg_bytes_recv"] = out["recvBytes"] / out["recvMsgs"] if out["recvMsgs"] else None
    return out


def plugin_latencies(janus) -> dict:
    """The plugin's own view (admin API `info`, over its last 4,096 commits): an edit's whole
    time inside the plugin and its Redis commit's, to tell them from Janus's and the client's."""
    documents = janus.plugin_admin({"request": "info"})["response"]["documents"]
    return {"plugin_edit_p50_ms": documents["edit_ms"]["p50"],
            "plugin_edit_p99_ms": documents["edit_ms"]["p99"],
            "plugin_commit_p50_ms": documents["redis_commit_ms"]["p50"],
            "plugin_commit_p99_ms": documents["redis_commit_ms"]["p99"]}


# ------------------------------------------------------------------------------ one step
def run_step(n: int, rates: list[int], args, workdir: Path, service: Service, redis: Redis,
             service_key: str, records: list, raw_path: Path, header: dict,
             hp_redis: Redis | None = None) -> list[dict]:
    """N rooms of each system in one fresh Janus: both populations connected at once, then
    short measured phases alternating ours / textroom (ABBA order per repeat, so drift and the
    neighbours' load hit both alike), only one population typing at a time."""
    janus = BaselineJanus(workdir, "textroom", TEXTROOM_CONFIG, name=f"janus-{n}", service_key=service_key,
                       service_url=service.url,
                       plugin_settings={"max_ops_per_second": 100000,
                                        "max_participants": 4,
                                        "verify_cache_seconds": 600,
                                        # a burst of /verify calls every minute, on our side
                                        # only, is not what this measures (tokens rechecked)
                                        "recheck_seconds": 0,
                                        "service_timeout_ms": 10000})
    gens: dict[str, list[LoadGen]] = {}
    hp_server: LoadGen | None = None
    first = len(records)
    try:
        janus.start()
        jpid = janus.process.proc.pid
        mem = {"empty": proc_status(jpid)["VmRSS"]}
        procs = max(1, min(args.procs, n))

        def spawn(system: str, rooms: list, pad: int) -> list[LoadGen]:
            out = [spawn_loadgen(f"{system}-{n}-{k}", {
                "system": system, "rooms": rooms[k::procs],
                **({"url": f"ws://127.0.0.1:{HOCUSPOCUS_PORT}"} if system == "hocuspocus"
                   else {"janus_ws": janus.ws_url}),
                "first_index": 100000 * k + (0 if system == "interview" else 50000),
                "pad_bytes": pad, "connect_concurrency": args.connect_concurrency},
                workdir, args.client) for k in range(procs)]
            ready = [g.expect("ready", 60 + 1.0 * n) for g in out]
            print(f"  {system}: {2 * n} peers connected in "
                  f"{max(r['connect_s'] for r in ready):.1f} s", flush=True)
            return out

        # RSS each population added when it connected (KiB): Janus's before and after, and
        # the Hocuspocus server's (started empty for this step)
        rss_added = {}
        before = mem["empty"]
        if "interview" in args.systems:
            rooms = []
            for _ in range(n):
                iv = service.schedule(start_in_minutes=0, duration_minutes=120)
                rooms.append({"id": iv["id"], "tokens": [iv["tokens"]["applicant"][0],
                                                          iv["tokens"]["recruiter"][0]]})
            gens["interview"] = spawn("interview", rooms, 0)
            mem["interview"] = proc_status(jpid)["VmRSS"]
            rss_added["interview"], before = mem["interview"] - before, mem["interview"]
        if "textroom" in args.systems:
            pad = args.pad_bytes or OUR_OP_BYTES
            gens["textroom"] = spawn("textroom", [{"textroom": 1000 * n + i} for i in range(n)],
                                     pad)
            mem["textroom"] = proc_status(jpid)["VmRSS"]
            rss_added["textroom"] = mem["textroom"] - before
        if "hocuspocus" in args.systems:
            hp_server = start_hocuspocus(n, workdir)
            hpid = hp_server.proc.pid
            mem["hocuspocus_empty"] = proc_status(hpid)["VmRSS"]
            gens["hocuspocus"] = spawn("hocuspocus", [{"name": f"interview-{n}-{i}"}
                                                      for i in range(n)], 0)
            mem["hocuspocus"] = proc_status(hpid)["VmRSS"]
            rss_added["hocuspocus"] = mem["hocuspocus"] - mem["hocuspocus_empty"]
        servers = {s: (hpid, hp_redis) if s == "hocuspocus" else (jpid, redis) for s in gens}

        def phase(system: str, rate: int, rep: int, settle: bool = False) -> dict:
            g = gens[system]
            spid, sredis = servers[system]
            idle = [x.proc.pid for k, v in gens.items() if k != system for x in v]
            # the idle system's server and Redis count as the benchmark's, not the neighbours'
            for sp, r in {(sp, r.process.proc.pid) for sp, r in servers.values() if sp != spid}:
                idle += [sp, r]
            sampler = Sampler(spid, [x.proc.pid for x in g], sredis, idle,
                              is_janus=system != "hocuspocus")
            cmd = {"cmd": "phase", "name": f"{system}-N{n}-r{rate}-{rep}", "rate": rate,
                   "warmup_s": args.warmup, "measure_s": args.measure}
            for x in g:
                x.send(cmd)
            for x in g:
                x.expect("measure_start", args.warmup + 30)
            a = sampler.sample()
            if system == "hocuspocus":  # the stores so far; resets its event-loop histogram
                hp_server.send({"cmd": "stats"})
                hp0 = hp_server.expect("stats", 10)
            for x in g:
                x.expect("measure_end", args.measure + 30)
            b = sampler.sample()
            if system == "hocuspocus":
                hp_server.send({"cmd": "stats"})
                hp1 = hp_server.expect("stats", 10)
            results = [x.expect("phase_result", 60) for x in g]
            rec = {"system": system, "rooms": n, "rate": rate, "repeat": rep,
                   "procs": procs, **sampler.window(a, b), **merge(results)}
            if system == "hocuspocus":
                rec.update({"server_rss_empty_kib": mem["hocuspocus_empty"],
                            "server_rss_added_kib": rss_added[system],
                            "server_stores": hp1["stores"] - hp0["stores"],
                            "server_loop_p50_ms": hp1["loop"]["p50"],
                            "server_loop_p99_ms": hp1["loop"]["p99"],
                            "server_loop_max_ms": hp1["loop"]["max"]})
            else:
                rec.update({"janus_rss_empty_kib": mem["empty"],
                            "janus_rss_added_kib": rss_added[system],
                            "server_rss_empty_kib": mem["empty"],
                            "server_rss_added_kib": rss_added[system]})
            if system == "interview":
                rec.update(plugin_latencies(janus))
            # Starved from outside: the load generator could not keep its typing cadence
            # although it used under half a core per process and the benchmark's own processes
            # left most of the machine unused (the CPU went to other processes). Such a window
            # measures the neighbours, not the relay. (A generator that falls behind while busy
            # is saturated: that window counts, and the rate leaves the steps.)
            rec["disturbed"] = disturbed(rec)
            if not settle:
                records.append(rec)
                with open(raw_path, "a") as f:
                    f.write(json.dumps({**header, **rec}) + "\n")
            label = "settle" if settle else f"#{rep}"
            print(f"  {system:9s} N={n:3d} rate={rate:2d}/s {label}: ack p50/p99/max "
                  f"{fmt(rec['ack']['p50'])}/{fmt(rec['ack']['p99'])}/"
                  f"{fmt(rec['ack']['max'])} ms, remote {fmt(rec['remote']['p50'])}/"
                  f"{fmt(rec['remote']['p99'])}/{fmt(rec['remote']['max'])} ms, "
                  f"{'server' if system == 'hocuspocus' else 'janus'} "
                  f"{rec['server_cpu_pct']:.0f}% {rec['server_rss_kib'] / 1024:.0f} "
                  f"MiB, redis {rec['redis_cpu_pct']:.0f}%, client {rec['client_cpu_pct']:.0f}%, redis "
                  f"{rec['redis_cmds_per_s']:.0f} cmd/s, sent {rec['sent']} "
                  f"({rec['msg_bytes_sent'] or 0:.0f} B), typed "
                  f"{100 * (rec['typing_ratio'] or 0):.0f}% of due, lost "
                  f"{rec['lost_or_late']}, errors {rec['errors']}, others' CPU "
                  f"{rec['others_cpu_pct']:.0f}%" + (
                      f", inside the plugin p99 edit {fmt(rec['plugin_edit_p99_ms'])} ms, "
                      f"Redis commit {fmt(rec['plugin_commit_p99_ms'])} ms"
                      if "plugin_edit_p99_ms" in rec else "") + (
                      f", server's event loop delay p99 {fmt(rec['server_loop_p99_ms'])} ms, "
                      f"{rec['server_stores']} stores" if "server_stores" in rec else ""),
                  flush=True)
            return rec

        order = [s for s in args.systems if s in gens]
        # Right after both populations connected, the first window a population types in is an
        # outlier (the load generator's warm-up; see the README): before this settle round our
        # first window at 50 rooms had a p99 1.6-15x the median of our later ones. Each
        # population types once, unrecorded (printed as "settle"), before the measured rounds.
        if not args.no_settle:
            for system in order[::-1]:
                phase(system, rates[0], -1, settle=True)
        retries = args.retries
        for rep in range(args.repeat):
            for rate in rates:
                for system in (order if rep % 2 == 0 else order[::-1]):
                    while True:
                        rec = phase(system, rate, rep)
                        if not rec["disturbed"] or retries <= 0:
                            break
                        retries -= 1
                        print(f"  (disturbed: the load generator was starved while the "
                              f"benchmark itself used {rec['bench_cpu_pct']:.0f}% CPU and "
                              f"other processes {rec['others_cpu_pct']:.0f}%: phase repeated)",
                              flush=True)
    finally:
        for g in gens.values():
            for x in g:
                x.stop()
        if hp_server is not None:
            hp_server.stop()
        rc = janus.stop()
        if rc not in (0, None):
            print(f"  (Janus exited with {rc}; log: {janus.log_path})", flush=True)
    return records[first:]


# the mean size of our `op` messages as sent by peers.js (measured: 69-73 bytes, growing with
# the document's length and revision); textroom's smallest message here is 78 bytes
OUR_OP_BYTES = 72


def fmt(x) -> str:
    return "-" if x is None else (f"{x:.1f}" if x >= 10 else f"{x:.2f}")


# ------------------------------------------------------------------------------ report
AGG_KEYS = ("janus_us_per_op", "redis_us_per_op", "client_us_per_op", "others_cpu_pct", "janus_cpu_pct", "janus_rss_kib", "janus_rss_added_kib", "janus_rss_empty_kib", "client_cpu_pct", "redis_cpu_pct",
            "redis_cmds_per_s", "typing_ratio", "msg_bytes_sent", "msg_bytes_recv",
            "plugin_edit_p50_ms", "plugin_edit_p99_ms", "plugin_commit_p50_ms",
            "plugin_commit_p99_ms", "server_cpu_pct", "server_rss_added_kib",
            "server_redis_cpu_pct", "server_redis_us_per_op", "loadavg1",
            "event_loop_delay_p99_ms", "server_loop_p99_ms", "server_stores")


def disturbed(r: dict) -> bool:
    return ((r["typing_ratio"] or 0) < 0.95 and r["client_cpu_pct"] < 50 * r["procs"]
            and r["bench_cpu_pct"] < 0.75 * 100 * (r.get("nproc") or os.cpu_count() or 1))


def aggregate(records: list[dict]) -> dict:
    """Per (system, rooms, rate): the median over the runs of each figure (each run's own
    p50 / p99 / max first, then the median of those), plus the number of runs."""
    groups: dict = {}
    for r in records:
        groups.setdefault((r["system"], r["rooms"], r["rate"]), []).append(r)
    agg = {}
    for rs_ in groups.values():
        for r in rs_:
            r["disturbed"] = disturbed(r)  # the current rule, also for older raw files
            ops = r["sent"] / r["wall_s"] if r.get("sent") else None
            r.setdefault("server_cpu_pct", r.get("janus_cpu_pct"))  # raw files before the peer bench
            r.setdefault("server_rss_added_kib", r.get("janus_rss_added_kib"))
            r["server_redis_cpu_pct"] = r["server_cpu_pct"] + r["redis_cpu_pct"]
            r["loadavg1"] = float(r["loadavg_end"][0]) if r.get("loadavg_end") else None
            for k in ("janus", "redis", "client", "server_redis"):
                # CPU time per message sent (one edit in, two out), in microseconds
                r[f"{k}_us_per_op"] = (r[f"{k}_cpu_pct"] / 100 * 1e6 / ops) \
                    if ops and r.get(f"{k}_cpu_pct") is not None else None
    for key, all_rs in groups.items():
        # windows disturbed from outside are left out, unless every one was
        rs = [r for r in all_rs if not r.get("disturbed")] or all_rs
        m = {"runs": len(rs), "discarded": len(all_rs) - len(rs),
             "lost_or_late": sum(r["lost_or_late"] for r in rs),
             "errors": sum(r["errors"] for r in rs)}
        for kind in ("ack", "remote"):
            m[kind] = {q: med([r[kind][q] for r in rs]) for q in ("p50", "p99", "max")}
        for k in AGG_KEYS:
            m[k] = med([r.get(k) for r in rs])
        agg[key] = m
    return agg


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def table(records: list[dict], limit_ms: float) -> str:
    by = aggregate(records)
    lines = ["| rooms | ops/s per typist | windows (discarded) | ours ack p50 / p99 / max (ms) "
             "| textroom ack p50 / p99 / max | ours remote p50 / p99 / max "
             "| textroom remote p50 / p99 / max | p99 ours/textroom ack / remote "
             "| inside our plugin p50 / p99 (ms): edit, Redis commit "
             "| Janus CPU ours / textroom | Janus RSS added by N rooms, MiB, ours / textroom | Redis cmd/s (per op) "
             "| client CPU ours / textroom | CPU µs per edit, Janus / Redis / client: ours "
             "| textroom | typing rate kept ours / textroom "
             "| other processes' CPU ours / textroom |",
             "|---:|---:|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    keys = sorted({(r["rooms"], r["rate"]) for r in records}, key=lambda k: (k[1], k[0]))
    for n, rate in keys:
        o, t = by.get(("interview", n, rate)), by.get(("textroom", n, rate))
        trip = lambda r, k: ("-" if r is None else  # noqa: E731
                             f"{fmt(r[k]['p50'])} / {fmt(r[k]['p99'])} / {fmt(r[k]['max'])}")

        def ratio(k):
            if o is None or t is None or not t[k]["p99"] or o[k]["p99"] is None:
                return "-"
            return f"{o[k]['p99'] / t[k]['p99']:.2f}x"
        pc = lambda r, k: "-" if r is None or r[k] is None else f"{r[k]:.0f}%"  # noqa: E731
        rss = lambda r: "-" if r is None else f"+{r['janus_rss_added_kib'] / 1024:.1f}"  # noqa: E731
        kept = lambda r: "-" if r is None or r["typing_ratio"] is None else \
            f"{100 * r['typing_ratio']:.0f}%"  # noqa: E731
        us = lambda r: "-" if r is None or r["janus_us_per_op"] is None else (  # noqa: E731
            f"{r['janus_us_per_op']:.0f} / {r['redis_us_per_op']:.0f} / "
            f"{r['client_us_per_op']:.0f}")
        inside = lambda r: "-" if r is None or r["plugin_edit_p99_ms"] is None else (  # noqa: E731
            f"{fmt(r['plugin_edit_p50_ms'])} / {fmt(r['plugin_edit_p99_ms'])}, "
            f"{fmt(r['plugin_commit_p50_ms'])} / {fmt(r['plugin_commit_p99_ms'])}")
        runs = " / ".join(f"{x['runs']} ({x['discarded']})" for x in (o, t) if x)
        redis_col = "-" if o is None else \
            f"{o['redis_cmds_per_s']:.0f} ({o['redis_cmds_per_s'] / (2 * n * rate):.1f})"
        lines.append(
            f"| {n} | {rate} | {runs} | {trip(o, 'ack')} | {trip(t, 'ack')} | {trip(o, 'remote')} | "
            f"{trip(t, 'remote')} | {ratio('ack')} / {ratio('remote')} | {inside(o)} | "
            f"{pc(o, 'janus_cpu_pct')} / {pc(t, 'janus_cpu_pct')} | {rss(o)} / {rss(t)} | "
            f"{redis_col} | {pc(o, 'client_cpu_pct')} / {pc(t, 'client_cpu_pct')} | "
            f"{us(o)} | {us(t)} | "
            f"{kept(o)} / {kept(t)} | {pc(o, 'others_cpu_pct')} / {pc(t, 'others_cpu_pct')} |")
    lines.append("")
    for rate in sorted({r["rate"] for r in records}):
        ns = sorted(n for (s_, n, r_) in by if s_ == "interview" and r_ == rate)
        good = lambda n: (worst_p99(by[("interview", n, rate)]) is not None  # noqa: E731
                          and worst_p99(by[("interview", n, rate)]) <= limit_ms
                          and by[("interview", n, rate)]["lost_or_late"] == 0)
        first_bad = next((n for n in ns if not good(n)), None)
        under = max([n for n in ns if good(n) and (first_bad is None or n < first_bad)],
                    default=None)
        lines.append(f"- {rate} ops/s per typist: largest N with our median p99 (ack and remote) "
                     f"<= {limit_ms:g} ms: {under if under is not None else 'none'}"
                     + (f"; first N over: {first_bad}" if first_bad else
                        "; no step went over (the largest N measured is a lower bound)"))
    return "\n".join(lines)


NAMES = {"interview": "ours", "textroom": "textroom", "hocuspocus": "Hocuspocus"}


def peer_table(records: list[dict], limit_ms: float) -> str:
    """The systems side by side (the peer benchmark): one row per (rooms, rate, system), medians
    over its windows as in table(); ack for Hocuspocus is its server's SyncStatus reply (applied
    in memory), for ours the op back after the Redis commit."""
    by = aggregate(records)
    systems = [s for s in SYSTEMS if any(r["system"] == s for r in records)]
    lines = ["| rooms | edits/s per typist | system | windows (discarded) "
             "| remote p50 / p99 / max (ms) | ack p50 / p99 (ms) | server CPU | Redis CPU "
             "| server + Redis CPU | server + Redis CPU µs per edit | RSS added per room (MiB) "
             "| the server's own p99 (ms) "
             "| load-generator CPU, event-loop delay p99 (ms) | typing rate kept | lost "
             "| other processes' CPU "
             "| load average (1 min, at the windows' end) |",
             "|---:|---:|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    keys = sorted({(r["rooms"], r["rate"]) for r in records}, key=lambda k: (k[1], k[0]))
    pc = lambda x: "-" if x is None else f"{x:.1f}%"  # noqa: E731
    # ours: an edit's whole time inside the plugin, its Redis commit included (admin API);
    # Hocuspocus: the delay of its server's event loop (one thread does all its work)
    own = lambda m: (f"edit {fmt(m['plugin_edit_p99_ms'])}" if m["plugin_edit_p99_ms"]  # noqa: E731
                     is not None else f"loop {fmt(m['server_loop_p99_ms'])}"
                     if m["server_loop_p99_ms"] is not None else "-")
    for n, rate in keys:
        for system in systems:
            m = by.get((system, n, rate))
            if m is None:
                continue
            rss, us, kept, load, loop = (m["server_rss_added_kib"], m["server_redis_us_per_op"],
                                         m["typing_ratio"], m["loadavg1"],
                                         m["event_loop_delay_p99_ms"])
            lines.append(
                f"| {n} | {rate} | {NAMES[system]} | {m['runs']} ({m['discarded']}) | "
                f"{fmt(m['remote']['p50'])} / {fmt(m['remote']['p99'])} / "
                f"{fmt(m['remote']['max'])} | {fmt(m['ack']['p50'])} / {fmt(m['ack']['p99'])} | "
                f"{pc(m['server_cpu_pct'])} | {pc(m['redis_cpu_pct'])} | "
                f"{pc(m['server_redis_cpu_pct'])} | "
                f"{'-' if us is None else round(us)} | "
                f"{'-' if rss is None else format(rss / 1024 / n, '.2f')} | "
                f"{own(m)} | "
                f"{pc(m['client_cpu_pct'])}, {fmt(loop)} | "
                f"{'-' if kept is None else format(100 * kept, '.0f') + '%'} | "
                f"{m['lost_or_late']} | {pc(m['others_cpu_pct'])} | "
                f"{'-' if load is None else format(load, '.2f')} |")
    lines.append("")
    for rate in sorted({r["rate"] for r in records}):
        for system in systems:
            ns = sorted(n for (s_, n, r_) in by if s_ == system and r_ == rate)
            good = lambda n: (by[(system, n, rate)]["remote"]["p99"] is not None  # noqa: E731
                              and by[(system, n, rate)]["remote"]["p99"] <= limit_ms
                              and by[(system, n, rate)]["lost_or_late"] == 0)
            first_bad = next((n for n in ns if not good(n)), None)
            under = max([n for n in ns if good(n) and (first_bad is None or n < first_bad)],
                        default=None)
            lines.append(f"- {rate} edits/s per typist, {NAMES[system]}: most rooms measured "
                         f"with the median remote p99 <= {limit_ms:g} ms: "
                         f"{under if under is not None else 'none'}"
                         + (f"; first N over: {first_bad}" if first_bad else
                            "; no step went over (the largest N measured is a lower bound)"))
    return "\n".join(lines)


def worst_p99(r: dict):
    a, b = r["ack"]["p99"], r["remote"]["p99"]
    return None if a is None or b is None else max(a, b)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rooms", default="5,10,25,50,75,100")
    ap.add_argument("--rates", default="10,50")
    ap.add_argument("--warmup", type=float, default=1.5)
    ap.add_argument("--no-settle", action="store_true",
                    help="measure from the first window on (no unrecorded settle round)")
    ap.add_argument("--measure", type=float, default=6)
    ap.add_argument("--client", choices=sorted(SCRIPTS), default="datachannel",
                    help="the peers: libdatachannel (Node, node-datachannel), werift (Node, "
                         "pure TypeScript) or Chromium's native WebRTC (one page)")
    ap.add_argument("--systems", default="interview,textroom",
                    help="the systems measured, in this order (ABBA over the repeats): "
                         "interview (alias ours), textroom, hocuspocus (the peer benchmark, "
                         "scripts/bench-peer.sh: --systems ours,hocuspocus)")
    ap.add_argument("--procs", type=int, default=2,
                    help="load-generator processes per system (one Node process saturates "
                         "near 50 rooms)")
    ap.add_argument("--pin", action="store_true",
                    help="load generators on one half of the CPUs, everything else on the "
                         "other (as if the clients ran on a machine of their own)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="measured phases per (N, rate, system), alternating ours and textroom "
                         "(ABBA); medians reported")
    ap.add_argument("--retries", type=int, default=6,
                    help="per step: phases repeated because other processes starved the "
                         "load generator (see `disturbed`)")
    ap.add_argument("--connect-concurrency", type=int, default=8)
    ap.add_argument("--limit-ms", type=float, default=50)
    ap.add_argument("--budget-s", type=float, default=540,
                    help="no new room step starts after this many seconds")
    ap.add_argument("--pad-bytes", type=int, default=0,
                    help="textroom message size; 0 = the mean size of our op messages at the "
                         "same N (measured just before)")
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--command", default="", help="the command line to print with the results")
    ap.add_argument("--report", metavar="JSONL", nargs="+",
                    help="print the table of earlier raw results instead of measuring")
    args = ap.parse_args()
    if args.pin:
        global LOADGEN_CPUS
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            print("bench-relay: --pin needs at least 2 CPUs", file=sys.stderr)
            return 2
        half = len(cpus) // 2
        LOADGEN_CPUS = ",".join(map(str, cpus[half:]))
        # Janus, Redis and the service are started from here: they inherit the other half.
        os.sched_setaffinity(0, cpus[:half])
    args.systems = [ALIASES.get(x, x) for x in args.systems.split(",") if x]
    if not args.systems or any(x not in SYSTEMS for x in args.systems) or \
            len(set(args.systems)) != len(args.systems):
        print(f"bench-relay: --systems takes some of {', '.join(SYSTEMS)} (or ours)",
              file=sys.stderr)
        return 2
    if args.report:
        recs = [json.loads(line) for path in args.report for line in open(path) if line.strip()]
        print(report(recs, args.limit_ms))
        return 0
    args.rooms = [int(x) for x in args.rooms.split(",")]
    args.rates = [int(x) for x in args.rates.split(",")]

    started = time.monotonic()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    peer = "hocuspocus" in args.systems
    raw_path = out_dir / f"{'peer' if peer else 'relay'}-{stamp}.jsonl"
    header = run_header(args)
    print(f"relay benchmark: {header}", flush=True)
    records: list[dict] = []
    import secrets
    service_key = secrets.token_urlsafe(32)
    redis = service = hp_redis = None
    with tempfile.TemporaryDirectory(prefix="bench-relay-") as tmp:
        workdir = Path(tmp)
        try:
            redis = Redis(workdir).start()
            if peer:
                # Hocuspocus's own Redis, configured as ours (AOF on, appendfsync everysec), so
                # that each system's Redis CPU is its own
                hp_redis = Redis(workdir, port=HOCUSPOCUS_REDIS_PORT,
                                 name="redis-hocuspocus").start()
            service = Service(workdir, service_key).start()
            rates = list(args.rates)  # a rate leaves the steps once it is over the limit
            for n in args.rooms:
                if time.monotonic() - started > args.budget_s:
                    print(f"time budget reached: skipping N={n} and beyond", flush=True)
                    break
                print(f"== {n} rooms of each system ({4 * n} peers), rates {rates}", flush=True)
                # The systems judged for the next step: ours, and the peer when it runs
                # (textroom is the baseline). A rate leaves the steps once every judged system
                # is over the limit or its load generator saturated.
                judged = [s for s in args.systems if s != "textroom"]
                at_n = [r for r in run_step(n, rates, args, workdir, service, redis,
                                            service_key, records, raw_path, header, hp_redis)
                        if r["system"] in judged]
                agg = aggregate(at_n)
                for rate in list(rates):
                    out = []
                    for system in judged:
                        m = agg.get((system, n, rate))
                        if m is None:
                            continue
                        behind = med([r["typing_ratio"] for r in at_n
                                      if r["rate"] == rate and r["system"] == system])
                        # ours: ack and remote; the peer: remote (its ack is not after storage)
                        p99 = worst_p99(m) if system == "interview" else m["remote"]["p99"]
                        if p99 is None or p99 > args.limit_ms:
                            print(f"{rate} ops/s: {NAMES[system]}'s median p99 is over "
                                  f"{args.limit_ms:g} ms at N={n}", flush=True)
                            out.append(system)
                        elif behind is not None and behind < 0.9:
                            print(f"{rate} ops/s: {NAMES[system]}'s load generator fell behind "
                                  f"its typing rate at N={n} (median {100 * behind:.0f}% of the "
                                  f"keystrokes due were typed: saturated)", flush=True)
                            out.append(system)
                    if out and len(out) == len(judged):
                        print(f"{rate} ops/s: no larger N at this rate", flush=True)
                        rates.remove(rate)
                if not rates:
                    break
        finally:
            if service:
                service.stop()
            if hp_redis:
                hp_redis.stop()
            if redis:
                redis.stop()
    print_run_footer(header, started, raw_path, REPO, args.command, versions(peer))
    print(report(records, args.limit_ms))
    return 0 if records else 1


def versions(peer: bool) -> dict:
    """The commit measured and, in the peer benchmark, the npm packages of the peer."""
    import subprocess
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--",
                            "plugin", "service", "contract"],
                           capture_output=True, text=True).stdout.strip()
    out = {"Commit": commit + (" (plugin/service/contract modified)" if dirty else "")}
    if peer:
        pkgs = []
        for name in ("@hocuspocus/server", "@hocuspocus/extension-redis",
                     "@hocuspocus/provider", "yjs", "ws"):
            try:
                v = json.loads((PEER_DIR / "node_modules" / name / "package.json").read_text())
                pkgs.append(f"{name} {v['version']}")
            except OSError:
                pkgs.append(f"{name} (not installed)")
        out["Peer"] = ", ".join(pkgs)
    return out


def report(records: list[dict], limit_ms: float) -> str:
    """The table of ours against textroom when textroom ran, the side-by-side table of the
    systems when Hocuspocus did (or both)."""
    systems = {r["system"] for r in records}
    parts = []
    if "textroom" in systems or "hocuspocus" not in systems:
        parts.append(table(records, limit_ms))
    if "hocuspocus" in systems:
        parts.append(peer_table(records, limit_ms))
    return "\n\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
