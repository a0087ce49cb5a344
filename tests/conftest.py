"""Pure tests import our plain-Python packages without Odoo.

- ``solver`` (field_service_routing/solver) from its addon folder, as its command line does;
- ``fs_cx_tools``, ``fs_routing_tools`` and ``fs_feedback_tools`` are the addons' tools/ folders
  loaded on their own, since importing an addon package would import Odoo.
"""

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "field_service_routing"))


def _load_package(name, folder):
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


_load_package("fs_cx_tools", REPO / "field_service_cx" / "tools")
_load_package("fs_routing_tools", REPO / "field_service_routing" / "tools")
_load_package("fs_feedback_tools", REPO / "field_service_feedback" / "tools")
