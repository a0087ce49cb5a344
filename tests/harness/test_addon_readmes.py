"""Odoo renders each addon's README as its description with docutils (reStructuredText) when
the module is installed; a README docutils rejects stops the install ("Failed to load
registry"). Same settings as Odoo's ``ir.module.module._get_desc``."""

from pathlib import Path

import pytest
from docutils.core import publish_string

ROOT = Path(__file__).resolve().parents[2]
ADDONS = ("field_service_cx", "field_service_routing", "field_service_feedback")


@pytest.mark.parametrize("addon", ADDONS)
def test_readme_renders_as_odoo_renders_it(addon):
    readme = ROOT / addon / "README.md"
    html = publish_string(
        source=readme.read_text(encoding="utf-8"),
        settings_overrides={
            "embed_stylesheet": False,
            "doctitle_xform": False,
            "output_encoding": "unicode",
            "xml_declaration": False,
            "file_insertion_enabled": False,
        },
        writer_name="html",
    )
    assert "System Message: ERROR" not in html, f"{addon}/README.md breaks docutils"
