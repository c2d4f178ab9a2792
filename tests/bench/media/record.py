"""Records the media that every load-generator peer of the media benchmark sends: a loop of VP8
video and Opus audio already cut into RTP payloads, so that the load generator never encodes
anything (on a 2-core machine the encoders would dominate the measurement).

It uses the encoders and packetizers of Debian's python3-aiortc (libvpx and libopus, the same
as WebRTC endpoints), run once per benchmark: VP8 in real-time CBR mode at the target bitrate,
payloads of at most 1,300 bytes with the VP8 payload descriptor (RFC 7741); and PyAV's libopus
(python3-av, a dependency of python3-aiortc): one Opus packet per 20 ms, 48 kHz mono, VoIP mode,
32 kbps, which is what browsers send by default. The picture is a moving gradient
with noise, so the encoder really has to spend its bitrate (a still test pattern compresses to
almost nothing). The first frame is a keyframe; more keyframes every --keyframe-s seconds.

Output (JSON): {"video": {"fps", "width", "height", "frames": [{"key": bool, "payloads":
[base64...]}]}, "audio": {"ptime_ms": 20, "frames": [base64...]}, "stats": {...}}.
The load generator loops it, with RTP timestamps and sequence numbers continuing across loops.

usage: /usr/bin/python3 record.py OUT.json [--seconds 10] [--fps 30] [--size 640x360]
                                            [--kbps 500] [--audio-kbps 32] [--keyframe-s 0]
"""

from __future__ import annotations

import argparse
import base64
import fractions
import json
import statistics
import sys
import time

import numpy as np

try:
    import av
    from aiortc.codecs.vpx import Vp8Encoder
except ImportError as e:  # a missing dependency fails loudly
    sys.exit(f"record.py: {e}: needs Debian's python3-aiortc (scripts/setup.sh), run with "
             f"/usr/bin/python3")


def video_frames(seconds: float, fps: int, width: int, height: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    for i in range(int(round(seconds * fps))):
        t = i / fps
        # a gradient sliding diagonally, a bright square moving across, and sensor-like noise
        y = (96 + 64 * np.sin((xx + yy) / 40.0 + 3 * t)).astype(np.int16)
        sx = int((width - 80) * (0.5 + 0.5 * np.sin(t)))
        sy = int((height - 80) * (0.5 + 0.5 * np.cos(0.7 * t)))
        y[sy:sy + 80, sx:sx + 80] = 220
        y += rng.integers(-12, 13, size=y.shape, dtype=np.int16)
        u = np.full((height // 2, width // 2), 128 + int(20 * np.sin(t)), dtype=np.uint8)
        v = np.full((height // 2, width // 2), 128 + int(20 * np.cos(t)), dtype=np.uint8)
        buf = np.concatenate([np.clip(y, 0, 255).astype(np.uint8).reshape(-1),
                              u.reshape(-1), v.reshape(-1)])
        frame = av.VideoFrame.from_ndarray(buf.reshape(height * 3 // 2, width), format="yuv420p")
        frame.pts = i * (90000 // fps)
        frame.time_base = fractions.Fraction(1, 90000)
        yield frame


def audio_frames(seconds: float, seed: int = 2):
    """20 ms frames of 48 kHz mono s16."""
    rng = np.random.default_rng(seed)
    n = 960  # 20 ms at 48 kHz
    for i in range(int(round(seconds * 50))):
        t = (np.arange(n) + i * n) / 48000.0
        # a voice-like signal: a few harmonics with a slow tremolo, plus a little noise
        s = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((180, 360, 540, 900), 1))
        s = s * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)) * 6000 + rng.normal(0, 300, n)
        mono = np.clip(s, -32767, 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(mono.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = 48000
        frame.pts = i * n
        frame.time_base = fractions.Fraction(1, 48000)
        yield frame


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--kbps", type=int, default=500)
    ap.add_argument("--audio-kbps", type=int, default=32)
    ap.add_argument("--keyframe-s", type=float, default=0,
                    help="a keyframe every this many seconds (0: only the loop's first frame)")
    args = ap.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    started = time.monotonic()

    venc = Vp8Encoder()
    venc.target_bitrate = args.kbps * 1000
    vframes = []
    key_every = int(round(args.keyframe_s * args.fps)) if args.keyframe_s > 0 else 0
    for i, frame in enumerate(video_frames(args.seconds, args.fps, width, height)):
        force = i == 0 or (key_every and i % key_every == 0)
        payloads, _ = venc.encode(frame, force_keyframe=bool(force))
        # VP8 payload descriptor (1 byte here, or more with a picture id), then the VP8 frame
        # header of the first partition: its bit 0 is 0 for a keyframe
        first = payloads[0]
        desc_len = 1
        if first[0] & 0x80:  # X: extension byte
            desc_len += 1
            if first[1] & 0x80:  # I: picture id
                desc_len += 2 if first[2] & 0x80 else 1
        key = (first[0] & 0x10) != 0 and (first[desc_len] & 0x01) == 0
        vframes.append({"key": key, "payloads": [base64.b64encode(p).decode() for p in payloads]})

    aenc = av.CodecContext.create("libopus", "w")
    aenc.sample_rate = 48000
    aenc.layout = "mono"
    aenc.format = "s16"
    aenc.bit_rate = args.audio_kbps * 1000
    aenc.options = {"application": "voip", "frame_duration": "20"}
    aenc.open()
    aframes = []
    for frame in [*audio_frames(args.seconds), None]:  # None flushes the encoder
        aframes.extend(base64.b64encode(bytes(p)).decode() for p in aenc.encode(frame))
    aframes = aframes[:int(round(args.seconds * 50))]

    vbytes = [sum(len(base64.b64decode(p)) for p in f["payloads"]) for f in vframes]
    abytes = [len(base64.b64decode(p)) for p in aframes]
    vpackets = sum(len(f["payloads"]) for f in vframes)
    stats = {
        "video_kbps": 8 * sum(vbytes) / args.seconds / 1000,
        "video_pps": vpackets / args.seconds,
        "video_payload_bytes_mean": sum(vbytes) / vpackets,
        "video_frame_bytes_median": statistics.median(vbytes),
        "video_keyframes": sum(1 for f in vframes if f["key"]),
        "video_keyframe_bytes": max(vbytes[0], 0),
        "audio_kbps": 8 * sum(abytes) / args.seconds / 1000,
        "audio_pps": len(aframes) / args.seconds,
        "audio_payload_bytes_mean": sum(abytes) / len(abytes),
        "encode_s": round(time.monotonic() - started, 1),
    }
    with open(args.out, "w") as f:
        json.dump({"video": {"fps": args.fps, "width": width, "height": height,
                             "frames": vframes},
                   "audio": {"ptime_ms": 20, "frames": aframes}, "stats": stats}, f)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
