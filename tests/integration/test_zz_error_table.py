"""Runs after the other integration tests (files run in name order): the error table of
docs/PROTOCOL.md and the plugin's enum (plugin/core/api/errors.hpp) are the same set of
(code, name), and every code in the table was produced by some test:

- by the plugin during this integration run: the harness records the name of every error the
  clients received (plugin answers and events, data-channel messages, admin answers:
  stack.ERRORS_SEEN), so this test passes only after the whole integration suite;
- or, for the codes listed in UNIT_ONLY, in tests/unit/*.cpp, where the name appears in an
  assertion."""

import re

from stack import ERRORS_SEEN, REPO

# internal_error (499): no plugin code path sends it (exceptions are logged where they are
# caught); tests/unit/requests_test.cpp checks its code and name (Errors.InternalError...).
UNIT_ONLY = {"internal_error"}


def documented() -> set[tuple[int, str]]:
    text = (REPO / "docs" / "PROTOCOL.md").read_text()
    table = text[text.index("\n## Errors"):]
    return {(int(code), name) for code, name in
            re.findall(r"^\| (\d{3}) \| `([a-z_]+)` \|", table, re.M)}


def enumerated() -> set[tuple[int, str]]:
    text = (REPO / "plugin" / "core" / "api" / "errors.hpp").read_text()
    body = text[text.index("enum class ErrorCode"):]
    body = body[:body.index("};")]
    return {(int(code), name) for name, code in re.findall(r"^\s*(\w+) = (\d+),", body, re.M)}


def test_the_error_table_is_the_enum():
    table, enum = documented(), enumerated()
    assert len(table) >= 26, table
    assert table == enum, {"only in PROTOCOL.md": table - enum, "only in errors.hpp": enum - table}


def test_every_documented_error_was_produced_by_a_test():
    names = {name for _, name in documented()}
    assert UNIT_ONLY <= names
    assert len(ERRORS_SEEN) > 10, \
        f"only {sorted(ERRORS_SEEN)} recorded: run the whole integration suite"
    missing = names - UNIT_ONLY - ERRORS_SEEN
    assert not missing, f"no integration test received {sorted(missing)}"
    unit = "\n".join(p.read_text() for p in sorted((REPO / "tests" / "unit").rglob("*.cpp")))
    for name in UNIT_ONLY:
        assertions = [line for line in unit.splitlines()
                      if re.search(r"\b(EXPECT|ASSERT)_\w+\(", line) and name in line]
        assert assertions, f"{name} appears in no assertion of tests/unit/*.cpp"
    # a name recorded but not in the table would be an undocumented error
    assert ERRORS_SEEN <= names, ERRORS_SEEN - names
