#!/usr/bin/env python3
"""Adds up the JUnit XML reports of every test layer (GoogleTest, CMocka, pytest, node) and
prints one line per report and the closing line `summary: N passed, N failed`."""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def count(path: Path) -> tuple[int, int, int]:
    root = ET.parse(path).getroot()
    cases = root.iter("testcase")
    passed = failed = skipped = 0
    for case in cases:
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main() -> int:
    folder = Path(sys.argv[1])
    reports = sorted(folder.glob("*.xml"))
    total_passed = total_failed = total_skipped = 0
    for report in reports:
        try:
            passed, failed, skipped = count(report)
        except ET.ParseError as e:
            print(f"  {report.name}: unreadable report ({e})")
            total_failed += 1
            continue
        print(f"  {report.stem:<22} {passed:5d} passed {failed:4d} failed {skipped:3d} skipped")
        total_passed += passed
        total_failed += failed
        total_skipped += skipped
    line = f"summary: {total_passed} passed, {total_failed} failed"
    if total_skipped:
        line += f", {total_skipped} skipped"
    print(line)
    return 0 if total_failed == 0 and total_passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
