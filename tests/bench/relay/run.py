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
    def __init__(self, janus_pid: int, client_pids: list[int], redis: Redis,
                 idle_pids: list[int] = ()):
        self.janus_pid, self.client_pids, self.redis = janus_pid, client_pids, redis
        self.idle_pids = list(idle_pids)  # the other, idle population's load generator
        self.redis_pid = redis.process.proc.pid

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
        return {"wall_s": wall, "janus_cpu_pct": pct("janus"), "client_cpu_pct": 100.0 * client / CLK_TCK / wall,
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
    return LoadGen(tag, {**config, "webrtc": client}, workdir, HERE / SCRIPTS[client], pin)


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
             service_key: str, records: list, raw_path: Path, header: dict) -> list[dict]:
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
    first = len(records)
    try:
        janus.start()
        jpid = janus.process.proc.pid
        mem = {"empty": proc_status(jpid)["VmRSS"]}
        procs = max(1, min(args.procs, n))

        def spawn(system: str, rooms: list, pad: int) -> list[LoadGen]:
            out = [spawn_loadgen(f"{system}-{n}-{k}", {
                "system": system, "janus_ws": janus.ws_url, "rooms": rooms[k::procs],
                "first_index": 100000 * k + (0 if system == "interview" else 50000),
                "pad_bytes": pad, "connect_concurrency": args.connect_concurrency},
                workdir, args.client) for k in range(procs)]
            ready = [g.expect("ready", 60 + 1.0 * n) for g in out]
            print(f"  {system}: {2 * n} peers connected in "
                  f"{max(r['connect_s'] for r in ready):.1f} s", flush=True)
            return out

        rooms = []
        for _ in range(n):
            iv = service.schedule(start_in_minutes=0, duration_minutes=120)
            rooms.append({"id": iv["id"], "tokens": [iv["tokens"]["applicant"][0],
                                                      iv["tokens"]["recruiter"][0]]})
        gens["interview"] = spawn("interview", rooms, 0)
        mem["interview"] = proc_status(jpid)["VmRSS"]
        pad = args.pad_bytes or OUR_OP_BYTES
        gens["textroom"] = spawn("textroom", [{"textroom": 1000 * n + i} for i in range(n)],
                                 pad)
        mem["textroom"] = proc_status(jpid)["VmRSS"]
        # RSS each population added when it connected (KiB); Janus empty before
        rss_added = {"interview": mem["interview"] - mem["empty"],
                     "textroom": mem["textroom"] - mem["interview"]}
        def phase(system: str, rate: int, rep: int, settle: bool = False) -> dict:
            g = gens[system]
            idle = [x.proc.pid for k, v in gens.items() if k != system for x in v]
            sampler = Sampler(jpid, [x.proc.pid for x in g], redis, idle)
            cmd = {"cmd": "phase", "name": f"{system}-N{n}-r{rate}-{rep}", "rate": rate,
                   "warmup_s": args.warmup, "measure_s": args.measure}
            for x in g:
                x.send(cmd)
            for x in g:
                x.expect("measure_start", args.warmup + 30)
            a = sampler.sample()
            for x in g:
                x.expect("measure_end", args.measure + 30)
            b = sampler.sample()
            results = [x.expect("phase_result", 60) for x in g]
            rec = {"system": system, "rooms": n, "rate": rate, "repeat": rep,
                   "procs": procs, "janus_rss_empty_kib": mem["empty"],
                   "janus_rss_added_kib": rss_added[system],
                   **sampler.window(a, b), **merge(results)}
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
                  f"janus {rec['janus_cpu_pct']:.0f}% {rec['janus_rss_kib'] / 1024:.0f} "
                  f"MiB, client {rec['client_cpu_pct']:.0f}%, redis "
                  f"{rec['redis_cmds_per_s']:.0f} cmd/s, sent {rec['sent']} "
                  f"({rec['msg_bytes_sent']:.0f} B), typed "
                  f"{100 * (rec['typing_ratio'] or 0):.0f}% of due, lost "
                  f"{rec['lost_or_late']}, errors {rec['errors']}, others' CPU "
                  f"{rec['others_cpu_pct']:.0f}%" + (
                      f", inside the plugin p99 edit {fmt(rec['plugin_edit_p99_ms'])} ms, "
                      f"Redis commit {fmt(rec['plugin_commit_p99_ms'])} ms"
                      if "plugin_edit_p99_ms" in rec else ""), flush=True)
            return rec

        order = ["interview", "textroom"]
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
            "plugin_commit_p99_ms")


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
            for k in ("janus", "redis", "client"):
                # CPU time per message sent (one edit in, two out), in microseconds
                r[f"{k}_us_per_op"] = (r[f"{k}_cpu_pct"] / 100 * 1e6 / ops) if ops else None
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
    if args.report:
        recs = [json.loads(line) for path in args.report for line in open(path) if line.strip()]
        print(table(recs, args.limit_ms))
        return 0
    args.rooms = [int(x) for x in args.rooms.split(",")]
    args.rates = [int(x) for x in args.rates.split(",")]

    started = time.monotonic()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    raw_path = out_dir / f"relay-{stamp}.jsonl"
    header = run_header(args)
    print(f"relay benchmark: {header}", flush=True)
    records: list[dict] = []
    import secrets
    service_key = secrets.token_urlsafe(32)
    redis = service = None
    with tempfile.TemporaryDirectory(prefix="bench-relay-") as tmp:
        workdir = Path(tmp)
        try:
            redis = Redis(workdir).start()
            service = Service(workdir, service_key).start()
            rates = list(args.rates)  # a rate leaves the steps once it is over the limit
            for n in args.rooms:
                if time.monotonic() - started > args.budget_s:
                    print(f"time budget reached: skipping N={n} and beyond", flush=True)
                    break
                print(f"== {n} rooms of each system ({4 * n} peers), rates {rates}", flush=True)
                at_n = [r for r in run_step(n, rates, args, workdir, service, redis,
                                            service_key, records, raw_path, header)
                        if r["system"] == "interview"]
                agg = aggregate(at_n)
                for (_, _, rate), m in sorted(agg.items()):
                    behind = med([r["typing_ratio"] for r in at_n if r["rate"] == rate])
                    if worst_p99(m) is None or worst_p99(m) > args.limit_ms:
                        print(f"{rate} ops/s: our median p99 is over {args.limit_ms:g} ms at "
                              f"N={n}: no larger N at this rate", flush=True)
                        rates.remove(rate)
                    elif behind is not None and behind < 0.9:
                        print(f"{rate} ops/s: the load generator fell behind its typing rate "
                              f"at N={n} (median {100 * behind:.0f}% of the keystrokes due were "
                              f"typed: saturated): no larger N at this rate", flush=True)
                        rates.remove(rate)
                if not rates:
                    break
        finally:
            if service:
                service.stop()
            if redis:
                redis.stop()
    print_run_footer(header, started, raw_path, REPO, args.command)
    print(table(records, args.limit_ms))
    return 0 if records else 1


if __name__ == "__main__":
    sys.exit(main())
