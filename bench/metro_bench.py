"""Field-service benchmark: generated metro days solved by our solver and by VROOM, same limits.

Each day (``metro_gen.py``: 150, 400 or 1,000 jobs; skills, shifts, lunch breaks, windows,
priorities; fixed seeds) is written in VROOM's JSON format, solved by ours exactly as
``python -m solver solve DAY --time-limit S`` does (same functions, in process) and by VROOM 1.15
(pyvroom, ``nb_threads=1``, exploration level 5, the same time limit as its timeout), and each
plan is checked by ``vroom_checker.py`` (independent of both solvers). Figures come from the
checker (travel recomputed from the matrix), not from the engines' own summaries.

    python bench/metro_bench.py                          # all three days, default limits
    python bench/metro_bench.py --days 150 --time-limit 10 --engines ours,vroom
    python bench/metro_bench.py --days 1000 --save /tmp/metro_out   # keep the JSON outputs
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "field_service_routing"))

import metro_gen  # noqa: E402
from vroom_checker import Report, check  # noqa: E402

from solver.cli import load  # noqa: E402
from solver.solve import solve  # noqa: E402
from solver.vroom_io import plan_to_vroom  # noqa: E402

LIMITS = {150: 30.0, 400: 45.0, 1000: 60.0}


def run_ours(path: Path, limit: float) -> dict[str, Any]:
    """What ``python -m solver solve PATH --time-limit LIMIT`` prints, decoded."""
    instance = load(path.read_text(encoding="utf-8"))
    plan = solve(instance.problem, time_limit_s=limit)
    return plan_to_vroom(instance, plan)


def run_vroom(path: Path, limit: float, level: int = 5) -> dict[str, Any]:
    import vroom

    problem = vroom.Input.from_json(str(path))
    timeout = timedelta(seconds=limit)
    return problem.solve(exploration_level=level, nb_threads=1, timeout=timeout).to_dict()


ENGINES = {"ours": run_ours, "vroom": run_vroom}

HEADER = (
    f"{'day':<11} {'jobs':>5} {'techs':>5} {'limit':>6} {'engine':<6} {'served':>6} "
    f"{'unassigned':>10} {'travel_s':>9} {'km':>8} {'priority':>8} {'feasible':>8} "
    f"{'solve_s':>7} {'wall_s':>7}"
)


def row(
    name: str,
    data: dict[str, Any],
    limit: float,
    engine: str,
    rep: Report,
    solving: float,
    wall: float,
) -> str:
    km = f"{rep.distance_m / 1000:.1f}" if rep.distance_m is not None else "-"
    return (
        f"{name:<11} {len(data['jobs']):>5} {len(data['vehicles']):>5} {limit:>6.0f} "
        f"{engine:<6} {rep.served:>6} {rep.unassigned:>10} {rep.travel_s:>9} {km:>8} "
        f"{rep.priority:>8} {('yes' if rep.feasible else 'NO'):>8} {solving:>7.1f} {wall:>7.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", default="150,400,1000", help="day sizes (default 150,400,1000)")
    parser.add_argument(
        "--time-limit", type=float, default=None, help="seconds (default 30/45/60 by size)"
    )
    parser.add_argument("--engines", default="ours,vroom", help="ours,vroom (default both)")
    parser.add_argument(
        "--data-dir", type=Path, default=Path("/tmp/fs_metro_days"), help="where days are written"
    )
    parser.add_argument("--save", type=Path, default=None, help="folder for each plan's JSON")
    parser.add_argument("--errors", type=int, default=5, help="violations printed per plan")
    parser.add_argument(
        "--vroom-level", type=int, default=5, help="VROOM exploration level (0-5, default 5)"
    )
    args = parser.parse_args(argv)
    runners = {"ours": run_ours, "vroom": partial(run_vroom, level=args.vroom_level)}
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for engine in engines:
        if engine not in ENGINES:
            parser.error(f"unknown engine {engine!r}: {', '.join(ENGINES)}")

    print(HEADER)
    ratios = []
    for size in (int(s) for s in args.days.split(",")):
        path = metro_gen.write_day(args.data_dir, size)
        data = json.loads(path.read_text(encoding="utf-8"))
        limit = args.time_limit or LIMITS.get(size, 60.0)
        reports: dict[str, Report] = {}
        for engine in engines:
            began = time.monotonic()
            output = runners[engine](path, limit)
            wall = time.monotonic() - began
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                target = args.save / f"{path.stem}_{engine}.json"
                target.write_text(json.dumps(output), encoding="utf-8")
            report = check(data, output)
            reports[engine] = report
            # The engine's own solving time (ours: solve(); VROOM: its "solving" phase).
            solving = output.get("summary", {}).get("computing_times", {}).get("solving", 0)
            print(row(path.stem, data, limit, engine, report, solving / 1000, wall), flush=True)
            for error in report.errors[: args.errors]:
                print(f"    ! {error}")
            if len(report.errors) > args.errors:
                print(f"    ! ... {len(report.errors) - args.errors} more")
        if "ours" in reports and "vroom" in reports:
            ours, theirs = reports["ours"], reports["vroom"]
            travel = ours.travel_s / theirs.travel_s if theirs.travel_s else float("nan")
            served = ours.served / theirs.served if theirs.served else float("nan")
            per_job = travel / served if served else float("nan")
            ratios.append(
                f"{path.stem:<11} ours/VROOM: served {ours.served}/{theirs.served} = "
                f"{served:.3f}, travel {ours.travel_s}/{theirs.travel_s} = {travel:.3f}, "
                f"travel per served job {per_job:.3f}"
                f"{'' if ours.feasible and theirs.feasible else '  (a plan is infeasible)'}"
            )
    if ratios:
        print()
        print("\n".join(ratios))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
