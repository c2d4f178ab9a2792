#!/usr/bin/python3
"""Writes the OT conformance vectors (apply.json, compose.json, transform.json, cursor.json next
to this file; README.md says what they hold). The cases' inputs are the hand-written ones below
and seeded random ones (same seed, same files); every expected result is the C++ engine's, asked
through ot_vectors_tool (tests/unit/ot/ot_vectors_tool.cpp). Before writing, the answers are
checked for what must hold whatever the engine: transform converges and compose equals applying
both.

    cmake --build build -j2 --target ot_vectors_tool
    /usr/bin/python3 tests/data/ot-vectors/generate.py [--tool build/tests/unit/ot/ot_vectors_tool]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SEED = 20261203
KINDS = ("apply", "compose", "transform", "cursor")

# Text pieces of random documents and inserts: ASCII, LF, Latin, CJK, a combining mark and
# astral characters (surrogate pairs, one of them with a skin-tone modifier, two pairs).
PIECES = ["a", "b", "z", " ", "\n", "é", "ß", "中", "文", "e\u0301", "\U0001F600",
          "\U0001F44D\U0001F3FD", "\U00020000", "\U0001D11E", "x", "{", "}"]


def units(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def norm(op: list) -> list:
    """ot.js's normal form: no zero-length component, neighbours of one kind merged, an insert
    next to a delete goes first."""
    out: list = []
    for c in op:
        if c == 0 or c == "":
            continue
        if isinstance(c, str):
            if out and isinstance(out[-1], str):
                out[-1] += c
            elif out and isinstance(out[-1], int) and out[-1] < 0:
                if len(out) >= 2 and isinstance(out[-2], str):
                    out[-2] += c
                else:
                    out.insert(len(out) - 1, c)
            else:
                out.append(c)
        elif out and isinstance(out[-1], int) and (out[-1] > 0) == (c > 0):
            out[-1] += c
        else:
            out.append(c)
    return out


def random_text(rng: random.Random, max_pieces: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, max_pieces)))


def random_doc(rng: random.Random, max_pieces: int) -> list[str]:
    """A document as a list of pieces, so that no random boundary splits a surrogate pair."""
    return [rng.choice(PIECES) for _ in range(rng.randint(0, max_pieces))]


def random_op(rng: random.Random, doc: list[str], max_components: int) -> tuple[list, str]:
    """A random valid operation on `doc` (boundaries between pieces only) and its result."""
    op: list = []
    out: list[str] = []
    i = 0
    for _ in range(rng.randint(1, max_components)):
        r = rng.random()
        if r < 0.35 and i < len(doc):
            k = rng.randint(1, min(4, len(doc) - i))
            op.append(units("".join(doc[i:i + k])))
            out.extend(doc[i:i + k])
            i += k
        elif r < 0.65 and i < len(doc):
            k = rng.randint(1, min(4, len(doc) - i))
            op.append(-units("".join(doc[i:i + k])))
            i += k
        else:
            text = random_text(rng, 3)
            op.append(text)
            out.append(text)
    op.append(units("".join(doc[i:])))
    out.extend(doc[i:])
    return norm(op), "".join(out)


def pieces_of(text: str) -> list[str]:
    """A result text as pieces again: code points, with a combining mark kept on its base."""
    out: list[str] = []
    for ch in text:
        if ch == "\u0301" and out:
            out[-1] += ch
        else:
            out.append(ch)
    return out


def hand_cases() -> dict[str, list[dict]]:
    e = "\U0001F600"  # one astral character: 2 UTF-16 code units
    t = "\U0001F44D\U0001F3FD"  # two astral characters: 4 units
    apply = [
        ("empty op on the empty document", "", []),
        ("retain only: a no-op", "abc", [3]),
        ("insert into the empty document", "", ["hello"]),
        ("insert at the start", "abc", ["X", 3]),
        ("insert in the middle", "abc", [1, "X", 2]),
        ("insert at the end", "abc", [3, "X"]),
        ("delete everything", "abc", [-3]),
        ("replace: insert before delete", "abcdef", [2, "XY", -2, 2]),
        ("several components", "hello world", [1, -4, "i", 1, "big ", 5, "!"]),
        ("astral: delete one emoji (2 units)", f"a{e}b", [1, -2, 1]),
        ("astral: retain counts units", f"{e}{e}x", [4, "y", 1]),
        ("astral: insert an emoji between two", f"{e}{e}", [2, t, 2]),
        ("combining mark and CJK", "e\u0301中文", [2, -1, "日", 1]),
        ("newlines", "a\nb\n", [2, "\n", 2]),
        ("error: op shorter than the document", "abc", [2]),
        ("error: op longer than the document", "abc", [4]),
        ("error: empty op on a non-empty document", "abc", []),
        ("error: retain on the empty document", "", [1]),
        ("error: delete past the end", "ab", [1, -2]),
        ("error: astral counted as one unit", f"a{e}", [2]),
        ("error: insert only on a non-empty document", "a", ["b"]),
    ]
    compose = [
        ("empty and empty", [], []),
        ("insert then no-op", ["abc"], [3]),
        ("no-op then insert", [3], [3, "d"]),
        ("insert then delete it: nothing", ["abc"], [-3]),
        ("insert then delete part of it", ["abc"], [1, -1, 1]),
        ("delete then insert at the same place: insert first", [-2, 1], ["x", 1]),
        ("delete then delete", [1, -1, 2], [-1, 1]),
        ("two inserts at the same place", [1, "b", 1], [1, "a", 2]),
        ("retain boundaries that do not line up", [2, "xyz", 3], [1, -3, 4]),
        ("astral: insert an emoji then keep it", ["a"], [1, e]),
        ("astral: insert two emoji then delete the first", [f"{e}{e}"], [-2, 2]),
        ("astral: delete an emoji inserted inside a document", [1, e, 1], [1, -2, 1]),
        ("b inserts inside a's insert", ["abcd"], [2, "XY", 2]),
        ("a deletes, b deletes everything left", [-2, 3], [-3]),
        ("empty a, b inserts into the empty document", [], ["xy"]),
        ("a deletes everything, b inserts", [-3], ["xy"]),
        ("a inserts and deletes, b deletes the insert", [1, "XY", -1, 1], [1, -2, 1]),
        ("error: b's base shorter than a's target", [3, "x"], [3]),
        ("error: b's base longer than a's target", [2], [3]),
        ("error: empty a, non-empty b", [], [1]),
        ("error: a inserts, b is empty", ["a"], []),
        ("error: b's base shorter, a boundary of b inside a's astral insert", [e, 1], [1, 1]),
    ]
    transform = [
        ("same-position inserts in the empty document: a's first", "", ["a"], ["b"]),
        ("same-position inserts mid-document: a's first", "xy", [1, "A", 1], [1, "B", 1]),
        ("same-position inserts at the end", "xy", [2, "A"], [2, "B"]),
        ("inserts at different places", "abcd", [1, "X", 3], [3, "Y", 1]),
        ("identical deletes", "abcdef", [1, -2, 3], [1, -2, 3]),
        ("overlapping deletes", "abcdef", [1, -3, 2], [2, -3, 1]),
        ("one delete inside the other", "abcdef", [-6], [2, -2, 2]),
        ("adjacent deletes", "abcdef", [-3, 3], [3, -3]),
        ("insert inside a deleted range", "abcdef", [1, -4, 1], [3, "X", 3]),
        ("insert at the start of a deleted range", "abcdef", [1, -4, 1], [1, "X", 5]),
        ("insert at the end of a deleted range", "abcdef", [1, -4, 1], [5, "X", 1]),
        ("replace against insert at the same place", "abc", [1, "X", -1, 1], [1, "Y", 2]),
        ("replace against replace", "abc", [1, "X", -1, 1], [1, "Y", -1, 1]),
        ("delete everything against an insert", "abc", [-3], [1, "X", 2]),
        ("replace against a delete over it", "abcd", [1, "X", -2, 1], [-3, 1]),
        ("insert against an insert and delete at the same place", "abc", [1, "X", 2],
         [1, "Y", -1, 1]),
        ("a's delete then insert against b's insert", "abc", ["X", -1, 2], ["Y", 3]),
        ("empty ops on the empty document", "", [], []),
        ("no-op against an edit", "abc", [3], [1, -1, "Z", 1]),
        ("edit against a no-op", "abc", [1, -1, "Z", 1], [3]),
        ("astral: same-position emoji inserts", f"a{e}", [1, e, 2], [1, t, 2]),
        ("astral: delete an emoji against an insert after it", f"{e}b", [-2, 1], [2, e, 1]),
        ("astral: overlapping deletes of emoji", f"{e}{e}{e}", [-4, 2], [2, -4]),
        ("error: different base lengths", "abc", [3], [2]),
        ("error: empty against non-empty", "a", [], [1]),
        ("error: astral counted as one unit", f"{e}", [2], [1]),
    ]
    cursor = [
        ("no-op", [5], 3, False),
        ("insert before the cursor", [1, "XY", 4], 3, False),
        ("insert after the cursor", [4, "XY", 1], 3, False),
        ("insert at someone else's cursor: stays", [3, "XY", 2], 3, False),
        ("insert at one's own cursor: pushed", [3, "XY", 2], 3, True),
        ("insert at the start, cursor at 0, not own", ["XY", 5], 0, False),
        ("insert at the start, cursor at 0, own", ["XY", 5], 0, True),
        ("insert at the end, cursor at the end, not own", [5, "XY"], 5, False),
        ("insert at the end, cursor at the end, own", [5, "XY"], 5, True),
        ("delete before the cursor", [-2, 3], 4, False),
        ("cursor inside a deleted range", [1, -3, 1], 3, False),
        ("cursor at the start of a deleted range", [1, -3, 1], 1, False),
        ("cursor at the end of a deleted range", [1, -3, 1], 4, False),
        ("replace around one's own cursor", [1, "XY", -3, 1], 2, True),
        ("replace around someone else's cursor", [1, "XY", -3, 1], 2, False),
        ("delete everything", [-5], 5, False),
        ("cursor beyond the document: clamped", [2, "X", 3], 9, False),
        ("astral insert before the cursor: 2 units", [e, 5], 2, False),
        ("astral: own cursor after an inserted pair", [2, t, 3], 2, True),
        ("empty op, cursor 0", [], 0, True),
    ]
    return {
        "apply": [{"name": n, "doc": d, "op": o} for n, d, o in apply],
        "compose": [{"name": n, "a": a, "b": b} for n, a, b in compose],
        "transform": [{"name": n, "doc": d, "a": a, "b": b} for n, d, a, b in transform],
        "cursor": [{"name": n, "op": o, "pos": p, "own": own} for n, o, p, own in cursor],
    }


def random_cases(rng: random.Random) -> dict[str, list[dict]]:
    cases: dict[str, list[dict]] = {k: [] for k in KINDS}

    def size(i: int) -> tuple[int, int]:
        # (document pieces, components): mostly small, every tenth long
        return (300, 120) if i % 10 == 9 else (12, 6)

    for i in range(60):
        pieces, comps = size(i)
        doc = random_doc(rng, pieces)
        op, _ = random_op(rng, doc, comps)
        if i % 15 == 7:  # a base-length mismatch: the op of another document
            other = random_doc(rng, pieces)
            if units("".join(other)) != units("".join(doc)):
                doc = other
        cases["apply"].append({"name": f"random {i}", "doc": "".join(doc), "op": op})
    for i in range(80):
        pieces, comps = size(i)
        doc = random_doc(rng, pieces)
        a, mid = random_op(rng, doc, comps)
        b, _ = random_op(rng, pieces_of(mid), comps)
        if i % 20 == 11:  # b made on a's base document, not on its result
            other, _ = random_op(rng, doc, comps)
            if units(mid) != units("".join(doc)):
                b = other
        cases["compose"].append({"name": f"random {i}", "doc": "".join(doc), "a": a, "b": b})
    for i in range(100):
        pieces, comps = size(i)
        doc = random_doc(rng, pieces)
        a, _ = random_op(rng, doc, comps)
        b, _ = random_op(rng, doc, comps)
        if i % 25 == 13:  # b made on another document
            other = random_doc(rng, pieces)
            if units("".join(other)) != units("".join(doc)):
                b, _ = random_op(rng, other, comps)
        cases["transform"].append({"name": f"random {i}", "doc": "".join(doc), "a": a, "b": b})
    for i in range(80):
        pieces, comps = size(i)
        doc = random_doc(rng, pieces)
        op, _ = random_op(rng, doc, comps)
        k = rng.randint(0, len(doc))
        pos = units("".join(doc[:k])) + (3 if i % 16 == 5 else 0)  # sometimes past the end
        cases["cursor"].append({"name": f"random {i}", "doc": "".join(doc), "op": op, "pos": pos,
                                "own": rng.random() < 0.5})
    return cases


def ask(tool: Path, cases: dict[str, list[dict]]) -> dict[str, list[dict]]:
    r = subprocess.run([str(tool)], input=json.dumps(cases), capture_output=True, text=True,
                       check=False)
    if r.returncode != 0:
        sys.exit(f"{tool} failed: {r.stderr}")
    return json.loads(r.stdout)


def check(tool: Path, cases: dict[str, list[dict]]) -> None:
    """transform converges; compose is apply-then-apply (both through the engine's apply)."""
    probes: list[dict] = []
    for c in cases["transform"]:
        if "error" not in c:
            probes.append({"doc": c["doc"], "op": c["a"]})
            probes.append({"doc": c["doc"], "op": c["b"]})
    for c in cases["compose"]:
        if "error" not in c and "doc" in c:
            probes.append({"doc": c["doc"], "op": c["a"]})
            probes.append({"doc": c["doc"], "op": c["ab"]})
    first = ask(tool, {"apply": probes})["apply"]
    second: list[dict] = []
    it = iter(first)
    for c in cases["transform"]:
        if "error" not in c:
            after_a, after_b = next(it)["result"], next(it)["result"]
            second.append({"doc": after_a, "op": c["b_prime"]})
            second.append({"doc": after_b, "op": c["a_prime"]})
    for c in cases["compose"]:
        if "error" not in c and "doc" in c:
            after_a, after_ab = next(it)["result"], next(it)["result"]
            second.append({"doc": after_a, "op": c["b"], "want": after_ab})
    results = ask(tool, {"apply": [{"doc": p["doc"], "op": p["op"]} for p in second]})["apply"]
    it2 = iter(zip(second, results))
    for c in cases["transform"]:
        if "error" not in c:
            (_, x), (_, y) = next(it2), next(it2)
            if x != y:
                sys.exit(f"transform {c['name']}: does not converge ({x} != {y})")
    for c in cases["compose"]:
        if "error" not in c and "doc" in c:
            p, x = next(it2)
            if x.get("result") != p["want"]:
                sys.exit(f"compose {c['name']}: apply(ab) != apply(b, apply(a))")


DESCRIPTIONS = {
    "apply": "apply(doc, op) -> result (text), or error",
    "compose": "compose(a, b) -> ab, or error (b must be made on a's result)",
    "transform": "transform(a, b) -> a_prime, b_prime (a's insert first on a tie), or error",
    "cursor": "transform_position(pos, op, own) -> result (an insert at the cursor moves it "
              "only when own)",
}


def write(kind: str, cases: list[dict]) -> None:
    lines = [json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases]
    head = {"kind": kind, "description": DESCRIPTIONS[kind], "seed": SEED,
            "generated_by": "tests/data/ot-vectors/generate.py (expected results: the C++ engine)"}
    text = (json.dumps(head, ensure_ascii=False)[:-1] + ', "cases": [\n' + ",\n".join(lines)
            + "\n]}\n")
    (HERE / f"{kind}.json").write_text(text, encoding="utf-8")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tool", type=Path, default=ROOT / "build/tests/unit/ot/ot_vectors_tool")
    args = p.parse_args()
    rng = random.Random(SEED)
    cases = hand_cases()
    for kind, more in random_cases(rng).items():
        cases[kind].extend(more)
    answers = ask(args.tool, cases)
    for kind in KINDS:
        for c, a in zip(cases[kind], answers[kind], strict=True):
            c.update(a)
    check(args.tool, cases)
    for kind in KINDS:
        write(kind, cases[kind])
        errors = sum("error" in c for c in cases[kind])
        print(f"{kind}.json: {len(cases[kind])} cases ({errors} errors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
