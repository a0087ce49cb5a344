"""The closing line of ./dev test must fail for every reason the README promises."""

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("test_summary", REPO / "scripts" / "test_summary.py")
summary = importlib.util.module_from_spec(spec)
spec.loader.exec_module(summary)

STAMP = "2026-11-23 03:06:07,584 15026"
RESULT = (
    f"{STAMP} INFO db odoo.tests.result: 0 failed, 0 error(s) of 12 tests when loading database 'd'"
)
LOADED = f"{STAMP} INFO db odoo.modules.loading: Modules loaded."
PYTEST_OK = '<testsuites><testsuite tests="5" failures="0" errors="0" skipped="0"/></testsuites>'


def run(tmp_path, odoo_lines, pytest_xml=PYTEST_OK, install_lines=(LOADED,), lint_failed=0):
    (tmp_path / "pytest.xml").write_text(pytest_xml)
    (tmp_path / "odoo.log").write_text("\n".join(odoo_lines) + "\n")
    (tmp_path / "install.log").write_text("\n".join(install_lines) + "\n")
    py = summary.pytest_counts(tmp_path / "pytest.xml")
    odoo = summary.odoo_counts(tmp_path / "odoo.log")
    problems = py[2] + odoo[2] + summary.install_problems(tmp_path / "install.log")
    if lint_failed:
        problems.append("lint")
    return py[0] + odoo[0], py[1] + odoo[1] + len(problems), problems


def test_a_clean_run_passes(tmp_path):
    assert run(tmp_path, [RESULT]) == (17, 0, [])


def test_failures_and_errors_count(tmp_path):
    line = RESULT.replace("0 failed, 0 error(s)", "2 failed, 1 error(s)")
    passed, failed, _problems = run(tmp_path, [line])
    assert (passed, failed) == (14, 3)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (f"{STAMP} ERROR db odoo.sql_db: bad query", "ERROR/CRITICAL"),
        (f"{STAMP} WARNING db odoo.addons.x: deprecated call", "WARNING line"),
        (
            f"{STAMP} INFO db odoo.addons.x.tests.t: skipped T.test_a : Chrome executable missing",
            "skipped",
        ),
        (f"{STAMP} WARNING db odoo.modules.loading: Some modules are not loaded", "did not load"),
    ],
)
def test_log_problems_fail_the_run(tmp_path, extra, words):
    _passed, failed, problems = run(tmp_path, [extra, RESULT])
    assert failed >= 1 and any(words in problem for problem in problems)


def test_an_unrelated_not_installed_notice_is_not_a_skip(tmp_path):
    notice = (
        f"{STAMP} INFO db odoo.addons.mail.tools: The (optional) `flanker` module is not installed"
    )
    assert run(tmp_path, [notice, RESULT])[1] == 0


def test_zero_odoo_tests_fail(tmp_path):
    line = RESULT.replace("of 12 tests", "of 0 tests")
    assert any("zero Odoo tests" in p for p in run(tmp_path, [line])[2])


def test_a_crash_before_the_result_line_fails(tmp_path):
    assert run(tmp_path, [f"{STAMP} INFO db odoo: starting"])[1] >= 1


def test_a_warning_without_demo_data_fails(tmp_path):
    warning = f"{STAMP} WARNING db odoo.addons.base.models.ir_ui_view: an alert needs a role"
    assert run(tmp_path, [RESULT], install_lines=[warning, LOADED])[1] == 1


def test_pytest_failures_and_lint_fail(tmp_path):
    xml = '<testsuites><testsuite tests="5" failures="1" errors="1" skipped="0"/></testsuites>'
    assert run(tmp_path, [RESULT], pytest_xml=xml)[:2] == (15, 2)
    assert run(tmp_path, [RESULT], lint_failed=1)[1] == 1
