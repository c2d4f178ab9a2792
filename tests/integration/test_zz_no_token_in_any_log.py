"""Runs last (files run in name order): every log the suite's processes wrote (Janus, the
service, and whatever later layers add) is searched for every join token the service issued
during the suite. None may appear."""

from stack import LOG_DIR, TOKENS_FILE


def test_no_issued_token_appears_in_any_log():
    assert TOKENS_FILE.exists(), "no token was issued: the access tests did not run"
    tokens = [t for t in TOKENS_FILE.read_text().split() if t]
    assert len(tokens) >= 10
    logs = [p for p in LOG_DIR.rglob("*") if p.is_file() and p != TOKENS_FILE]
    assert any(p.name.endswith(".janus.log") for p in logs)
    assert any(p.name.startswith("service") for p in logs)
    found = []
    for log in logs:
        text = log.read_text(errors="replace")
        found += [(log.name, t[:6] + "...") for t in tokens if t in text]
    assert not found, f"tokens found in logs: {found}"
