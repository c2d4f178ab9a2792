"""The OT conformance vectors (tests/data/ot-vectors/, see its README): the test client's copy of
the algorithm (ot_client.py) gives every answer the C++ engine gave. Plain Python: no stack, no
fixture; it runs with the integration layer and alone with
`/usr/bin/python3 -m pytest -q tests/integration/test_ot_vectors.py`. ot_client.py has no cursor
transform, so cursor.json is not run here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ot_client

VECTORS = Path(__file__).resolve().parents[1] / "data" / "ot-vectors"


def load(kind: str) -> list[dict]:
    cases = json.loads((VECTORS / f"{kind}.json").read_text(encoding="utf-8"))["cases"]
    assert cases
    return cases


def utf16(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def run(kind: str, compute) -> None:
    failures = []
    for c in load(kind):
        try:
            got = compute(c)
        except AssertionError as e:  # how ot_client reports a length mismatch
            if "error" not in c:
                failures.append(f"{c['name']}: unexpected error {e}")
            continue
        if "error" in c:
            failures.append(f"{c['name']}: expected {c['error']}, got {got!r}")
            continue
        want = {k: c.get(k) for k in got}
        if got != want:
            failures.append(f"{c['name']}: expected {want!r}, got {got!r}")
    assert not failures, f"{len(failures)} {kind} case(s) disagree:\n" + "\n".join(failures)


def test_apply():
    run("apply", lambda c: {"result": ot_client.apply(c["op"], utf16(c["doc"]))
                            .decode("utf-16-le", "surrogatepass")})


def test_compose():
    run("compose", lambda c: {"ab": ot_client.compose(c["a"], c["b"])})


def test_transform():
    def compute(c):
        a_prime, b_prime = ot_client.transform(c["a"], c["b"])
        return {"a_prime": a_prime, "b_prime": b_prime}
    run("transform", compute)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
