"""Print the standard Odoo modules that our addons depend on (comma separated).

Read from our manifests, so that ./dev installs exactly what the addons declare.
"""

import ast
import sys
from pathlib import Path


def main():
    repo = Path(sys.argv[1])
    ours = sys.argv[2:]
    found = []
    for addon in ours:
        manifest = ast.literal_eval((repo / addon / "__manifest__.py").read_text())
        for dependency in manifest.get("depends", []):
            if dependency not in ours and dependency not in found:
                found.append(dependency)
    print(",".join(found))


if __name__ == "__main__":
    main()
