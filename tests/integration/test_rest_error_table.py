"""docs/REST.md has one error table ("## Errors"). It must list exactly the errors the service can
answer, with their statuses, and each of them must be asserted by some test. Both directions are
read from the sources: every place in service/src that makes an error names its status and code
as literals (ApiError, error_reply, transport_error, error_response), except a few forwarding
sites listed below, which pass on an error made elsewhere."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "service" / "src"
SERVICE_TESTS = REPO / "service" / "tests"

# Calls that make an error: ApiError(...), ApiError name(...), error_reply(...), ...
CALL = re.compile(r"\b(ApiError(?:\s+\w+)?|error_reply|transport_error|error_response)\s*\(")
LITERAL = re.compile(r'[^;{}]*?\b(\d{3}),\s*"([a-z_]+)"', re.S)
# The sites that forward an error made elsewhere (or declare the function): file -> how many.
FORWARDING = {
    "errors.h": 4,          # the ApiError constructor; the invalid_field, unknown_interview and
                            # unknown_participant helpers' own signatures
    "api.h": 2,             # declarations of error_response and transport_error
    "api.cpp": 5,           # their definitions, transport_error's call of error_response, and
                            # the two that turn a thrown ApiError (e.status, e.code) into a reply
    "http_server.cpp": 1,   # a StaticSite error in the API's shape
    "static_site.cpp": 1,   # error_reply's definition
}


def documented() -> set[tuple[int, str]]:
    text = (REPO / "docs" / "REST.md").read_text()
    section = text[text.index("\n## Errors"):]
    section = section[:section.find("\n## ", 1)] if "\n## " in section[1:] else section
    rows = re.findall(r"(?m)^\|\s*(\d{3})\s*\|\s*`([a-z_]+)`\s*\|", section)
    assert rows, "no error table in docs/REST.md"
    assert len(rows) == len(set(rows)), "an error listed twice"
    return {(int(status), code) for status, code in rows}


def emitted() -> set[tuple[int, str]]:
    found, forwarding = set(), {}
    for path in sorted(SRC.glob("*.[ch]*")):
        text = re.sub(r"//[^\n]*", "", path.read_text())
        for call in CALL.finditer(text):
            m = LITERAL.match(text, call.end())
            if m:
                found.add((int(m.group(1)), m.group(2)))
            else:
                forwarding[path.name] = forwarding.get(path.name, 0) + 1
    assert forwarding == FORWARDING, (
        "an error is made somewhere without literal status and code; give it literals, or list "
        f"the site in FORWARDING: {forwarding}")
    return found


def test_the_error_table_lists_exactly_what_the_service_answers():
    table, code = documented(), emitted()
    assert table - code == set(), f"documented but never answered: {sorted(table - code)}"
    assert code - table == set(), f"answered but not in docs/REST.md: {sorted(code - table)}"


def test_every_documented_error_is_asserted_by_a_test():
    tests = "".join(p.read_text() for p in sorted(SERVICE_TESTS.glob("*.cpp")))
    tests += "".join(p.read_text() for p in sorted(Path(__file__).parent.glob("test_*.py"))
                     if p.name != Path(__file__).name)
    missing = [code for _, code in sorted(documented())
               if f'"{code}"' not in tests and f'\\"{code}\\"' not in tests]
    assert not missing, f"no test asserts these errors: {missing}"
