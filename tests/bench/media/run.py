"""The media benchmark's orchestrator (run by scripts/bench-media.sh inside the network namespace).

Janus forwarding the same set of streams through our janus.plugin.interview and through Janus's
stock janus.plugin.videoroom (the baseline), in the same run and the same Janus process:

  - the media is recorded once per run (record.py: VP8 ~500 kbps at 30 fps, Opus 32 kbps, as RTP
    payloads); the load generators (loadgen.js, werift) only send those packets at real-time pace
    and count what they receive, they never encode or decode;
  - for each room count R: a fresh Janus with both plugins; R interviews scheduled in the service
    and R videorooms created; both populations (R x P participants each, everyone publishing
    audio + video and receiving the P-1 others) connected at the same time, each in its own
    load-generator process; then measured windows in which only one population sends, in the
    order ours, videoroom / videoroom, ours (ABBA) over the rounds, plus an idle window per
    round in which nobody sends (what the connected PeerConnections cost by themselves);
  - each window: warm-up (the streams start flowing), then a fixed measured window over which
    it takes Janus's CPU (utime+stime of /proc/<pid>/stat, all threads), RSS, the packets that
    the publishers sent and that the receivers got (per kind, per stream), the load
    generators' CPU and the rest of the machine's CPU.

Forwarded streams per window: R x P x (P-1) audio + as many video. Reported per system: Janus
CPU in ms per second per forwarded stream and per 1,000 packets received by the receivers
(medians over the rounds), and ours over videoroom. Every window goes as one JSON line to
results/; `--report` recomputes the table from such files.

Redis and the interview service stay up for the whole benchmark (our plugin needs them to
admit participants); every process is stopped at the end, also on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
os.environ.setdefault("INTERVIEW_TEST_LOGS", str(REPO / "build" / "bench-media-logs"))
sys.path.insert(0, str(REPO / "tests" / "integration"))

import stack  # noqa: E402  (after the log directory is chosen)
from stack import Redis, Service  # noqa: E402

sys.path.insert(0, str(HERE.parent / "common"))
from benchjanus import (BaselineJanus, cpu_ticks, machine_ticks, proc_status,  # noqa: E402
                        LoadGen, print_run_footer, run_header, run_ns, tree_ticks)

CLK_TCK = os.sysconf("SC_CLK_TCK")
SYSTEMS = ("interview", "videoroom")


class MediaLoadGen(LoadGen):
    """tests/bench/media/loadgen.js: publishers that start and stop sending on command, and
    cumulative counters on request."""

    def __init__(self, tag: str, config: dict, workdir: Path):
        super().__init__(tag, config, workdir, HERE / "loadgen.js")
        self.snap_id = 0

    def snapshot(self) -> dict:
        self.snap_id += 1
        self.send({"cmd": "snapshot", "id": self.snap_id})
        return self.expect("snapshot", 10, id=self.snap_id)

    def sending(self, on: bool):
        self.send({"cmd": "send", "on": on})
        self.expect("sending", 10, on=on)


def sample(janus_pid: int, gens: dict[str, MediaLoadGen]) -> dict:
    snaps = {name: g.snapshot() for name, g in gens.items()}
    return {"t": time.monotonic(), "janus": cpu_ticks(janus_pid), "janus_ns": run_ns(janus_pid),
            "gens": {name: tree_ticks(g.proc.pid) for name, g in gens.items()},
            "snaps": snaps, "machine": machine_ticks(),
            "loadavg": open("/proc/loadavg").read().split()[:3]}


def delta_streams(a: dict, b: dict, kind: str) -> list[int]:
    before = dict((k, v) for k, v in a["streams"][kind])
    return [v - before.get(k, 0) for k, v in b["streams"][kind]]


def window(system: str, a: dict, b: dict, rooms: int, participants: int, fps: int) -> dict:
    """The figures of one measured window between samples a and b."""
    wall = b["t"] - a["t"]
    janus_ticks = b["janus"] - a["janus"]
    gens_ticks = {}
    for name in b["gens"]:
        gens_ticks[name] = sum(t - a["gens"][name].get(p, t) for p, t in b["gens"][name].items())
    ours = janus_ticks + sum(gens_ticks.values())
    others = 100.0 * ((b["machine"] - a["machine"]) - ours) / CLK_TCK / wall
    per_kind = participants * (participants - 1) * rooms  # forwarded streams of each kind
    rec = {"system": system, "rooms": rooms, "participants": participants, "wall_s": wall,
           "janus_cpu_ms": 1000.0 * janus_ticks / CLK_TCK,
           "janus_cpu_ms_schedstat": (b["janus_ns"] - a["janus_ns"]) / 1e6,
           "janus_cpu_pct": 100.0 * janus_ticks / CLK_TCK / wall,
           "others_cpu_pct": max(0.0, others), "loadavg_end": b["loadavg"],
           "streams_expected_per_kind": per_kind}
    for name in gens_ticks:
        rec[f"gen_{name}_cpu_pct"] = 100.0 * gens_ticks[name] / CLK_TCK / wall
    active = system if system in b["snaps"] else None
    recv_all = 0
    for name, sb in b["snaps"].items():
        sa = a["snaps"][name]
        got = {k: sb["recv"][k]["packets"] - sa["recv"][k]["packets"]
               for k in ("audio", "video", "other")}
        recv_all += sum(got.values())
        if name != active:
            rec[f"stray_packets_{name}"] = sum(got.values())  # a silent population's receivers
            continue
        sent = {k: sb["sent"][k]["packets"] - sa["sent"][k]["packets"] for k in ("audio", "video")}
        sent_bytes = {k: sb["sent"][k]["bytes"] - sa["sent"][k]["bytes"] for k in ("audio", "video")}
        recv_bytes = {k: sb["recv"][k]["bytes"] - sa["recv"][k]["bytes"] for k in ("audio", "video")}
        rec.update({
            "sent_packets": sent, "recv_packets": got,
            "sent_kbps_per_publisher": {k: 8 * sent_bytes[k] / wall / 1000 / (rooms * participants)
                                        for k in sent_bytes},
            "recv_kbps": {k: 8 * recv_bytes[k] / wall / 1000 for k in recv_bytes},
            # packets received over packets that should have arrived (each sent packet goes to
            # the P-1 others): 1.0 = everything forwarded once
            "delivery": {k: (got[k] / (sent[k] * (participants - 1)) if sent[k] else None)
                         for k in sent},
            "routed_packets": sb["routed"] - sa["routed"],
            "pli": sb["pli"] - sa["pli"], "keyframe_jumps": sb["keyframeJumps"] - sa["keyframeJumps"],
            "nack": sb["nack"] - sa["nack"], "rtx": sb["rtx"] - sa["rtx"],
            "late_frames": sb["lateFrames"] - sa["lateFrames"],
            "skipped_frames": sb["skippedFrames"] - sa["skippedFrames"],
            "max_lag_ms": sb["maxLagMs"], "remb_min": sb["remb_min"], "remb_max": sb["remb_max"],
            "media_events": sb["mediaEvents"] - sa["mediaEvents"],
            # packets werift really put on the wire over those the generator handed it
            "werift_sent_ratio": ((sb["werift_sent"] - sa["werift_sent"])
                                  / max(1, sent["audio"] + sent["video"])),
            "silent_publishers": sum(
                1 for x, y in zip(sa["werift_sent_by_publisher"], sb["werift_sent_by_publisher"])
                if y == x),
            "pc_states": sb["pc_states"],
            "recv_old": sb["recvOld"] - sa["recvOld"],
            "recv_gaps": sb["recvGaps"] - sa["recvGaps"],
            "remb_packets": sb["remb"] - sa["remb"],
            "remb_foreign_ssrc": sb["rembForeign"] - sa["rembForeign"],
            "remb_last_bps": sb["rembBps"],
            # video frames sent over frames due: below 1 the load generator fell behind
            "send_ratio": (sb["sent"]["video"]["frames"] - sa["sent"]["video"]["frames"])
                          / (rooms * participants * fps * wall),
        })
        frames = sb["sent"]["video"]["frames"] - sa["sent"]["video"]["frames"]
        # The load generator could not keep real-time pace (starved by other processes or
        # saturated): the window does not carry the intended load. Repeated, left out of the
        # medians (unless every window of a cell is).
        rec["disturbed"] = (rec["send_ratio"] < 0.97
                            or rec["late_frames"] > 0.10 * max(1, frames))
        # streams that carried packets in the window, and those that carried at least 90 % of
        # a publisher's packets (a stream forwarded only part of the time is not "flowing")
        pps = {k: sent[k] / (rooms * participants) for k in sent}
        full_by_peer: dict = {}
        for k in ("audio", "video"):
            d = delta_streams(sa, sb, k)
            rec[f"streams_{k}_any"] = sum(1 for x in d if x > 0)
            rec[f"streams_{k}_full"] = sum(1 for x in d if pps[k] and x >= 0.9 * pps[k])
            before = dict((key, v) for key, v in sa["streams"][k])
            for key, v in sb["streams"][k]:
                if pps[k] and v - before.get(key, 0) >= 0.9 * pps[k]:
                    peer = int(key.split(":")[0])
                    full_by_peer.setdefault(peer, {"audio": 0, "video": 0})[k] += 1
        # receivers that got fewer than P-1 full streams of a kind, with what they were told
        # they receive (our `media` event: filled slots and publishers seen; videoroom: the
        # streams of `attached`)
        rec["short_receivers"] = [
            {**t, **full_by_peer.get(t["peer"], {"audio": 0, "video": 0})}
            for t in sb.get("told", [])
            if min(full_by_peer.get(t["peer"], {"audio": 0, "video": 0}).values())
            < participants - 1]
    rec["recv_packets_total"] = recv_all
    rec["forwarded_streams"] = 2 * per_kind if active else 0
    if active:
        rec["janus_ms_per_stream_s"] = rec["janus_cpu_ms"] / wall / rec["forwarded_streams"]
        media = rec["recv_packets"]["audio"] + rec["recv_packets"]["video"]
        rec["janus_ms_per_1000_packets"] = rec["janus_cpu_ms"] / (media / 1000) if media else None
        rec["forwarded_pps"] = media / wall
    return rec


# ------------------------------------------------------------------------------ one step
def run_step(step: int, rooms: int, args, workdir: Path, service: Service, service_key: str,
             recording: Path, raw_path: Path, header: dict, records: list,
             plugin_so: Path) -> None:
    P = args.participants
    janus = BaselineJanus(workdir, "videoroom", "general: {\n}\n", plugin_so, name=f"janus-{rooms}", service_key=service_key,
                       service_url=service.url,
                       plugin_settings={"max_participants": max(4, P),
                                        "verify_cache_seconds": 600,
                                        # a burst of /verify calls every minute, on our side
                                        # only, is not what this measures (tokens rechecked)
                                        "recheck_seconds": 0,
                                        "service_timeout_ms": 10000})
    gens: dict[str, MediaLoadGen] = {}
    try:
        janus.start()
        jpid = janus.process.proc.pid
        mem = {"empty": proc_status(jpid)["VmRSS"]}
        common = {"janus_ws": janus.ws_url, "participants": P, "recording": str(recording),
                  "connect_concurrency": args.connect_concurrency}
        interviews = []
        for _ in range(rooms if "interview" in args.systems else 0):
            iv = service.schedule(start_in_minutes=0, duration_minutes=120, recruiters=P - 1)
            interviews.append({"id": iv["id"], "tokens": iv["tokens"]["applicant"]
                               + iv["tokens"]["recruiter"]})
        populations = [("interview", {"rooms": interviews, "first_index": 0}),
                       ("videoroom", {"rooms": [{"videoroom": 1000 * rooms + i}
                                                for i in range(rooms)], "first_index": 50000})]
        # The population that connects first also pays for what Janus allocates once (thread
        # pools, first DTLS and SRTP contexts): alternate which one goes first from step to step.
        if step % 2 == 1:
            populations.reverse()
        mem["order"] = [p[0] for p in populations]
        for system, cfg in populations:
            if system not in args.systems:
                mem[system] = proc_status(jpid)["VmRSS"]
                continue
            g = gens[system] = MediaLoadGen(f"{system}-{rooms}", {**common, **cfg, "system": system},
                                       workdir)
            ready = g.expect("ready", 60 + 10.0 * rooms * P)
            mem[system] = proc_status(jpid)["VmRSS"]
            print(f"  {system}: {ready['participants']} participants, "
                  f"{ready['peer_connections']} receiving PeerConnections, connected in "
                  f"{ready['connect_s']:.1f} s; receive slots per participant "
                  f"{ready['slots_min']}-{ready['slots_max']}, streams announced "
                  f"{ready['streams_told_min']}-{ready['streams_told_max']}", flush=True)
        first, second = mem["order"]
        rss_added = {first: mem[first] - mem["empty"], second: mem[second] - mem[first]}
        time.sleep(2)

        def measure(system: str, rnd: int) -> dict:
            g = gens.get(system)
            if g:
                g.sending(True)
            try:
                time.sleep(args.warmup)
                a = sample(jpid, gens)
                time.sleep(args.measure)
                b = sample(jpid, gens)
            finally:
                if g:
                    g.sending(False)
            st = proc_status(jpid)
            rec = {**window(system, a, b, rooms, P, args.fps), "round": rnd,
                   "janus_rss_kib": st.get("VmRSS"), "janus_hwm_kib": st.get("VmHWM"),
                   "janus_threads": st.get("Threads"), "janus_rss_empty_kib": mem["empty"],
                   "janus_rss_added_kib": rss_added.get(system),
                   "connected_first": mem["order"][0]}
            records.append(rec)
            with open(raw_path, "a") as f:
                f.write(json.dumps({**header, **rec}) + "\n")
            print("  " + line(rec), flush=True)
            time.sleep(args.gap)  # in-flight packets drain before the next window
            return rec

        order = [s_ for s_ in SYSTEMS if s_ in args.systems]
        retries = args.retries
        for rnd in range(args.rounds):
            if args.idle:
                measure("idle", rnd)
            for system in (order if rnd % 2 == 0 else order[::-1]):
                while measure(system, rnd).get("disturbed") and retries > 0:
                    retries -= 1
                    print("  (disturbed: the load generator fell behind real time: window "
                          "repeated)", flush=True)
    finally:
        for g in gens.values():
            g.stop()
        rc = janus.stop()
        if rc not in (0, None):
            print(f"  (Janus exited with {rc}; log: {janus.log_path})", flush=True)


def line(r: dict) -> str:
    s = (f"{r['system']:9s} R={r['rooms']} #{r['round']}: Janus {r['janus_cpu_pct']:.1f}% "
         f"({r['janus_cpu_ms']:.0f} ms in {r['wall_s']:.1f} s; schedstat "
         f"{r['janus_cpu_ms_schedstat']:.0f} ms), RSS {r['janus_rss_kib'] / 1024:.1f} MiB, "
         f"threads {r['janus_threads']}")
    if r.get("forwarded_streams"):
        s += (f"; {r['forwarded_pps']:.0f} pkt/s received, delivery audio/video "
              f"{fmt(r['delivery']['audio'], 3)}/{fmt(r['delivery']['video'], 3)}, streams "
              f"full {r['streams_audio_full']}+{r['streams_video_full']} of "
              f"2x{r['streams_expected_per_kind']}, seq gaps {r['recv_gaps']} / repeated "
              f"{r['recv_old']}, {r['janus_ms_per_stream_s']:.3f} ms/stream/s, "
              f"{fmt(r['janus_ms_per_1000_packets'], 2)} ms/1000 pkt, PLI {r['pli']}, NACK "
              f"{r['nack']}, sent {100 * r['send_ratio']:.0f}% of frames due, late frames "
              f"{r['late_frames']}, REMB {r['remb_packets']} ({r['remb_foreign_ssrc']} naming "
              f"another SSRC first, last {r['remb_last_bps']} bps)")
    if r.get("silent_publishers") or (r.get("werift_sent_ratio") or 1) < 0.99:
        s += (f"; werift sent only {100 * r['werift_sent_ratio']:.1f} % of the packets, "
              f"{r['silent_publishers']} publishers sent nothing; PeerConnections "
              f"{r['pc_states']}")
    if r.get("short_receivers"):
        s += "; receivers short of streams: " + ", ".join(
            f"[room {x['room']} peer {x['peer']}: full audio {x['audio']} video {x['video']}, "
            f"told {x['streams']} streams / {x['publishers']} publishers]"
            for x in r["short_receivers"][:6])
    gens = ", ".join(f"{k[4:-8]} {v:.0f}%" for k, v in r.items()
                     if k.startswith("gen_") and k.endswith("_cpu_pct"))
    stray = sum(v for k, v in r.items() if k.startswith("stray_packets_"))
    return s + f"; load generators {gens}; stray packets {stray}; others {r['others_cpu_pct']:.0f}%"


def fmt(x, digits=2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


# ------------------------------------------------------------------------------ report
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def table(records: list[dict]) -> str:
    groups: dict = {}
    for r in records:
        groups.setdefault((r["rooms"], r["participants"], r["system"]), []).append(r)
    discarded = {}
    for key, rs in groups.items():
        good = [r for r in rs if not r.get("disturbed")] or rs
        discarded[key] = len(rs) - len(good)
        groups[key] = good
    keys = sorted({(r["rooms"], r["participants"]) for r in records})
    lines = ["| rooms x participants | forwarded streams (audio + video) | windows (discarded) ours / videoroom "
             "| Janus CPU ours / videoroom / idle | CPU ms per forwarded stream per s: ours / "
             "videoroom | ratio | CPU ms per 1000 packets: ours / videoroom | ratio "
             "| same, idle subtracted: ms per stream per s ours / videoroom | ratio "
             "| packets/s received ours / videoroom | delivery (audio, video) ours / videoroom "
             "| streams full ours / videoroom | Janus RSS added by the population (MiB) ours / "
             "videoroom | PLI/s ours / videoroom | load generator CPU ours / videoroom "
             "| others' CPU |",
             "|---|---:|---|---|---|---:|---|---:|---|---:|---|---|---|---|---|---|---:|"]
    summary = []
    for rooms, P in keys:
        g = {s: groups.get((rooms, P, s), []) for s in (*SYSTEMS, "idle")}
        m = {s: {k: med([r.get(k) for r in rs]) for k in
                 ("janus_cpu_pct", "janus_ms_per_stream_s", "janus_ms_per_1000_packets",
                  "forwarded_pps", "janus_rss_added_kib", "others_cpu_pct", "janus_cpu_ms",
                  "wall_s")}
             for s, rs in g.items()}
        for s in SYSTEMS:
            rs = g[s]
            for k in ("audio", "video"):
                m[s][f"delivery_{k}"] = med([r["delivery"][k] for r in rs])
                m[s][f"full_{k}"] = med([r[f"streams_{k}_full"] for r in rs])
            m[s]["pli_s"] = med([r["pli"] / r["wall_s"] for r in rs])
            m[s]["gen"] = med([r.get(f"gen_{s}_cpu_pct") for r in rs])
            # net of the idle window of the same round: what forwarding itself costs
            nets = []
            for r in rs:
                idle = [i for i in g["idle"] if i["round"] == r["round"]]
                if idle:
                    net_ms_s = r["janus_cpu_ms"] / r["wall_s"] - idle[0]["janus_cpu_ms"] / idle[0]["wall_s"]
                    nets.append(net_ms_s / r["forwarded_streams"])
            m[s]["net"] = med(nets)
        o, v = m["interview"], m["videoroom"]
        ratio = lambda k: (f"{o[k] / v[k]:.2f}" if o.get(k) and v.get(k) else "-")  # noqa: E731
        per_kind = P * (P - 1) * rooms
        f2 = lambda x, d=3: fmt(x, d)  # noqa: E731
        lines.append(
            f"| {rooms} x {P} | {2 * per_kind} | {len(g['interview'])} "
            f"({discarded.get((rooms, P, 'interview'), 0)}) / {len(g['videoroom'])} "
            f"({discarded.get((rooms, P, 'videoroom'), 0)}) | "
            f"{f2(o['janus_cpu_pct'], 1)}% / {f2(v['janus_cpu_pct'], 1)}% / "
            f"{f2(m['idle']['janus_cpu_pct'], 1)}% | "
            f"{f2(o['janus_ms_per_stream_s'])} / {f2(v['janus_ms_per_stream_s'])} | "
            f"{ratio('janus_ms_per_stream_s')} | "
            f"{f2(o['janus_ms_per_1000_packets'], 2)} / {f2(v['janus_ms_per_1000_packets'], 2)} | "
            f"{ratio('janus_ms_per_1000_packets')} | {f2(o['net'])} / {f2(v['net'])} | "
            f"{ratio('net')} | {f2(o['forwarded_pps'], 0)} / {f2(v['forwarded_pps'], 0)} | "
            f"{f2(o['delivery_audio'])}, {f2(o['delivery_video'])} / "
            f"{f2(v['delivery_audio'])}, {f2(v['delivery_video'])} | "
            f"{f2(o['full_audio'], 0)}+{f2(o['full_video'], 0)} / "
            f"{f2(v['full_audio'], 0)}+{f2(v['full_video'], 0)} | "
            f"+{f2((o['janus_rss_added_kib'] or 0) / 1024, 1)} / "
            f"+{f2((v['janus_rss_added_kib'] or 0) / 1024, 1)} | "
            f"{f2(o['pli_s'], 2)} / {f2(v['pli_s'], 2)} | {f2(o['gen'], 0)}% / {f2(v['gen'], 0)}% | "
            f"{f2(med([m[s]['others_cpu_pct'] for s in SYSTEMS]), 0)}% |")
        if o.get("janus_ms_per_stream_s") and v.get("janus_ms_per_stream_s"):
            short = [f"{name} delivered {100 * min(x['delivery_audio'], x['delivery_video']):.0f} %"
                     for name, x in (("ours", o), ("videoroom", v))
                     if x.get("delivery_audio") is not None
                     and min(x["delivery_audio"], x["delivery_video"]) < 0.98]
            summary.append((rooms, P, o["janus_ms_per_stream_s"] / v["janus_ms_per_stream_s"],
                            o["janus_ms_per_1000_packets"] / v["janus_ms_per_1000_packets"],
                            ", ".join(short)))
    lines.append("")
    for rooms, P, r, r_pkt, short in summary:
        verdict = "within" if r <= 1.10 else "over"
        lines.append(f"- {rooms} x {P}: ours / videoroom CPU per forwarded stream = {r:.2f} "
                     f"({verdict} the 10 % target); per 1000 packets {r_pkt:.2f}"
                     + (f"; NOT ALL STREAMS FORWARDED ({short}): the per-stream ratio counts "
                        f"streams that carried nothing, compare per packet" if short else ""))
    return "\n".join(lines)


def plugin_build() -> dict:
    """Which plugin build is measured: the repository's commit, whether plugin/ has uncommitted
    changes, and the library's modification time (read-only git commands)."""
    so = stack.PLUGIN_DIR / "libjanus_interview.so"
    git = lambda *a: subprocess.run(["git", "-C", str(REPO), *a], capture_output=True,  # noqa: E731
                                    text=True).stdout.strip()
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "plugin_dirty": bool(git("status", "--porcelain", "--", "plugin")),
            "so_mtime": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(so.stat().st_mtime))
            if so.exists() else None}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rooms", default="1,3,5")
    ap.add_argument("--participants", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3,
                    help="measured windows per system and room count, alternating ours and "
                         "videoroom (ABBA); medians reported")
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--measure", type=float, default=15)
    ap.add_argument("--gap", type=float, default=1)
    ap.add_argument("--no-idle", dest="idle", action="store_false",
                    help="no idle window (nobody sending) per round")
    ap.add_argument("--retries", type=int, default=4,
                    help="per room count: windows repeated because the load generator fell "
                         "behind real time")
    ap.add_argument("--systems", default="interview,videoroom",
                    help="which populations to connect and measure (both by default)")
    ap.add_argument("--connect-concurrency", type=int, default=4)
    ap.add_argument("--video-kbps", type=int, default=500)
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--command", default="", help="the command line to print with the results")
    ap.add_argument("--report", metavar="JSONL", nargs="+",
                    help="print the table of earlier raw results instead of measuring")
    args = ap.parse_args()
    if args.report:
        recs = [json.loads(line) for path in args.report for line in open(path) if line.strip()]
        print(table(recs))
        return 0
    if args.participants < 2:
        ap.error("--participants must be at least 2")
    args.rooms = [int(x) for x in args.rooms.split(",")]
    args.systems = [x for x in args.systems.split(",") if x]
    if not args.systems or set(args.systems) - set(SYSTEMS):
        ap.error(f"--systems: a comma-separated subset of {','.join(SYSTEMS)}")

    started = time.monotonic()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    raw_path = out_dir / f"media-{stamp}.jsonl"
    header = {**run_header(args), "plugin": plugin_build()}
    print(f"media benchmark: {header}", flush=True)
    records: list[dict] = []
    service_key = secrets.token_urlsafe(32)
    redis = service = None
    with tempfile.TemporaryDirectory(prefix="bench-media-") as tmp:
        workdir = Path(tmp)
        # Every step loads the same copy of the plugin, taken now: a rebuild of the build
        # directory during a long run must not mix two builds in one table.
        src = stack.PLUGIN_DIR / "libjanus_interview.so"
        stack.require(src, "the plugin")
        plugin_so = workdir / "plugin" / "libjanus_interview.so"
        plugin_so.parent.mkdir()
        shutil.copy2(src, plugin_so)
        recording = workdir / "recording.json"
        rec = subprocess.run(["/usr/bin/python3", str(HERE / "record.py"), str(recording),
                              "--kbps", str(args.video_kbps), "--fps", str(args.fps)],
                             capture_output=True, text=True)
        if rec.returncode != 0:
            raise RuntimeError(f"record.py failed:\n{rec.stdout}{rec.stderr}")
        header["recording"] = json.loads(rec.stdout.strip().splitlines()[-1])
        print(f"recorded: {header['recording']}", flush=True)
        try:
            redis = Redis(workdir).start()
            service = Service(workdir, service_key).start()
            for step, rooms in enumerate(args.rooms):
                print(f"== {rooms} rooms x {args.participants} participants of each system",
                      flush=True)
                run_step(step, rooms, args, workdir, service, service_key, recording, raw_path,
                         header, records, plugin_so)
        finally:
            if service:
                service.stop()
            if redis:
                redis.stop()
    print_run_footer(header, started, raw_path, REPO, args.command,
                     {"Plugin": header["plugin"]})
    print(table(records))
    return 0 if records else 1


if __name__ == "__main__":
    sys.exit(main())
