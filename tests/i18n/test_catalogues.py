"""Every string of ours ships in French, Finnish, Hungarian and German.

Reads the catalogues only (no Odoo): each addon's ``i18n/<addon>.pot`` must hold the strings the
code marks for translation, and each ``fr/fi/hu/de.po`` a translation of every one of them, with
the same placeholders. A string added without regenerating the catalogue (``./dev i18n``) or
without translating it fails here.
"""

import ast
import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
ADDONS = ("field_service_cx", "field_service_routing", "field_service_feedback")
LANGS = ("fr", "fi", "hu", "de")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]")
JS_TERM = re.compile(r"""\b_t\(\s*(["'])((?:\\.|(?!\1).)*)\1\s*\)""")


def pot(addon):
    return polib.pofile(str(ROOT / addon / "i18n" / f"{addon}.pot"))


def marked_python_strings(addon):
    """The literal strings the addon's Python passes to ``_``, ``_lt`` or ``env._``."""
    found = set()
    for path in (ROOT / addon).rglob("*.py"):
        if "tests" in path.relative_to(ROOT / addon).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name in ("_", "_lt")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.add(first.value)
    return found


def marked_js_strings(addon):
    found = set()
    for path in (ROOT / addon / "static" / "src").rglob("*.js"):
        for match in JS_TERM.finditer(path.read_text(encoding="utf-8")):
            found.add(re.sub(r"\\(.)", r"\1", match.group(2)))
    return found


@pytest.mark.parametrize("addon", ADDONS)
def test_the_template_holds_every_string_the_code_marks(addon):
    msgids = {entry.msgid for entry in pot(addon)}
    missing = sorted((marked_python_strings(addon) | marked_js_strings(addon)) - msgids)
    assert not missing, f"{addon}: run ./dev i18n, these are not in the .pot: {missing[:10]}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("addon", ADDONS)
def test_every_string_is_translated(addon, lang):
    po = polib.pofile(str(ROOT / addon / "i18n" / f"{lang}.po"))
    translated = {entry.msgid for entry in po if entry.msgstr and not entry.obsolete}
    fuzzy = [entry.msgid[:60] for entry in po if "fuzzy" in entry.flags]
    missing = [entry.msgid[:60] for entry in pot(addon) if entry.msgid not in translated]
    assert not fuzzy, f"{addon}/{lang}.po has fuzzy entries: {fuzzy[:10]}"
    assert not missing, f"{addon}/{lang}.po: {len(missing)} untranslated, e.g. {missing[:10]}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("addon", ADDONS)
def test_translations_keep_the_placeholders(addon, lang):
    po = polib.pofile(str(ROOT / addon / "i18n" / f"{lang}.po"))
    wrong = [
        entry.msgid[:60]
        for entry in po
        if entry.msgstr
        and sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr))
    ]
    assert not wrong, f"{addon}/{lang}.po changes placeholders in: {wrong[:10]}"
