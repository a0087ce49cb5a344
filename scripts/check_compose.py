"""Check docker-compose.yml: valid YAML with the services and mounts the README promises.

Docker cannot run on our CI machines, so this structural check is what keeps the file honest.
"""

import sys

import yaml

REQUIRED_SERVICES = {"db", "odoo"}


def problems(compose):
    services = compose.get("services") or {}
    missing = REQUIRED_SERVICES - set(services)
    if missing:
        yield f"missing services: {', '.join(sorted(missing))}"
        return
    odoo = services["odoo"]
    if "build" not in odoo:
        yield "the odoo service must build the derived image (docker/Dockerfile, odoo:18 + ortools)"
    mounts = " ".join(str(volume) for volume in odoo.get("volumes", []))
    for addon in ("field_service_cx", "field_service_routing", "field_service_feedback"):
        if addon not in mounts and "/mnt/extra-addons" not in mounts:
            yield f"the odoo service does not mount {addon}"
    if "db" not in (odoo.get("depends_on") or {}):
        yield "the odoo service must depend on db"
    image = services["db"].get("image", "")
    if not image.startswith("postgres"):
        yield f"the db service should run a postgres image, not {image!r}"


def main():
    path = sys.argv[1]
    try:
        with open(path, encoding="utf-8") as handle:
            compose = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 1
    found = list(problems(compose or {}))
    for problem in found:
        print(f"{path}: {problem}", file=sys.stderr)
    if not found:
        print(f"{path}: valid", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
