"""Command line: ``python -m solver solve FILE [--time-limit S] [--deterministic]``.

Reads VROOM JSON or a Solomon text file (detected by content) and prints VROOM's JSON output.
Malformed input prints one error line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .solomon_io import looks_like_solomon, parse_solomon, route_length
from .solve import solve
from .vroom_io import Instance, parse_vroom, plan_to_vroom

EXIT_BAD_INPUT = 2


def load(text: str, objective: str | None = None) -> Instance:
    """Parse VROOM JSON or Solomon text into an Instance."""
    if looks_like_solomon(text):
        parsed = parse_solomon(text)
        coords = parsed.coords
        return Instance(
            problem=parsed.problem,
            job_ids={v.id: int(v.id) for v in parsed.problem.visits},
            vehicle_ids={t.id: int(t.id) for t in parsed.problem.technicians},
            points=(),
            uses_indices=True,
            scale=parsed.scale,
            route_distance=lambda locations: route_length(coords, locations),
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"neither a Solomon file nor valid JSON: {exc}") from exc
    return parse_vroom(data, objective=objective or "duration")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m solver", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("solve", help="solve a VROOM JSON or Solomon file")
    run.add_argument("file", help="input file ('-' for stdin)")
    run.add_argument("--time-limit", type=float, default=10.0, help="seconds (default 10)")
    run.add_argument("--deterministic", action="store_true", help="same plan on every run")
    run.add_argument(
        "--objective",
        choices=("duration", "distance"),
        default=None,
        help="arc cost for VROOM input (default duration)",
    )
    args = parser.parse_args(argv)
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as handle:
                text = handle.read()
        instance = load(text, args.objective)
        plan = solve(
            instance.problem, time_limit_s=args.time_limit, deterministic=args.deterministic
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError, ArithmeticError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_BAD_INPUT
    json.dump(plan_to_vroom(instance, plan), sys.stdout)
    sys.stdout.write("\n")
    return 0
