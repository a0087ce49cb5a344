"""Read the results of ./dev test and print one closing line: ``N passed, N failed``.

N counts the pure tests (pytest's JUnit XML) and the Odoo tests (Odoo's own summary line).
Anything else that must stop a run counts as one more failure and is named above that line:
lint, a WARNING, ERROR or CRITICAL line in the Odoo log (installed with demo data), a module
that did not load, a skipped test
(a browser tour skips itself when Chromium or websocket-client is missing), zero Odoo tests,
or a warning while installing without demo data.
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<rest>.*)$"
)
ODOO_RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
# unittest's skip line ("<logger>: skipped <test> : <reason>") and the reasons tours give.
SKIPPED = re.compile(
    r"^\S+: skipped \S.* : |websocket-client module is not installed|Chrome executable not found|"
    r"Failed to detect chrome|Error during Chrome|Cannot connect to chrome"
)
NOT_LOADED = re.compile(
    r"Some modules are not loaded|invalid module names|not installable|"
    r"Failed to initialize database|inconsistent states|Couldn't load module"
)


def pytest_counts(path):
    if not path.exists():
        return 0, 1, ["pytest did not run (no JUnit report)"]
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    tests = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    problems = [f"pytest skipped {skipped} test(s)"] if skipped else []
    if not tests:
        problems.append("pytest ran no test")
    return tests - failed - skipped, failed, problems


def log_lines(path):
    for line in path.read_text(errors="replace").splitlines():
        match = LOG_LINE.match(line)
        if match:
            yield match["level"], match["rest"], line


def odoo_counts(path):
    if not path.exists():
        return 0, 1, ["the Odoo test log is missing"]
    problems, result, errors, skipped, not_loaded, warnings = [], None, [], [], [], []
    for level, rest, line in log_lines(path):
        found = ODOO_RESULT.search(rest)
        if found and "odoo.tests.result" in rest:
            result = tuple(int(n) for n in found.groups())
        elif level in ("ERROR", "CRITICAL"):
            errors.append(line)
        elif level == "WARNING":
            warnings.append(line)
        if SKIPPED.search(rest):
            skipped.append(line)
        if NOT_LOADED.search(rest):
            not_loaded.append(line)
    if result is None:
        return 0, 1, ["Odoo did not report its test results (it crashed or stopped early)"]
    failures, test_errors, ran = result
    if not ran:
        problems.append(
            "zero Odoo tests ran: check the test tags and the addons' tests/__init__.py"
        )
    if errors:
        problems.append(f"{len(errors)} ERROR/CRITICAL line(s) in the Odoo log, first: {errors[0]}")
    if warnings:
        problems.append(f"{len(warnings)} WARNING line(s) in the Odoo log, first: {warnings[0]}")
    if skipped:
        problems.append(f"{len(skipped)} Odoo test(s) skipped, first: {skipped[0]}")
    if not_loaded:
        problems.append(f"a module did not load: {not_loaded[0]}")
    return ran - failures - test_errors, failures + test_errors, problems


def install_problems(path):
    if not path.exists():
        return ["the install log without demo data is missing"]
    bad = [
        line for level, _rest, line in log_lines(path) if level in ("WARNING", "ERROR", "CRITICAL")
    ]
    if not any("Modules loaded" in rest for _level, rest, _line in log_lines(path)):
        bad.insert(0, "the addons did not finish installing without demo data")
    return [f"installing without demo data: {len(bad)} warning(s), first: {bad[0]}"] if bad else []


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pytest-xml", type=Path, required=True)
    parser.add_argument("--odoo-log", type=Path, required=True)
    parser.add_argument("--install-log", type=Path, required=True)
    parser.add_argument("--lint-failed", type=int, default=0)
    args = parser.parse_args()

    py_passed, py_failed, problems = pytest_counts(args.pytest_xml)
    odoo_passed, odoo_failed, odoo_problems = odoo_counts(args.odoo_log)
    problems += odoo_problems + install_problems(args.install_log)
    if args.lint_failed:
        problems.append(f"{args.lint_failed} lint check(s) failed (see above)")

    print(f"pure tests (pytest): {py_passed} passed, {py_failed} failed")
    print(f"Odoo tests: {odoo_passed} passed, {odoo_failed} failed")
    for problem in problems:
        print(f"problem: {problem}")
    failed = py_failed + odoo_failed + len(problems)
    print(f"{py_passed + odoo_passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
