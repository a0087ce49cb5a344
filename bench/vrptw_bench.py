"""VRPTW benchmark: our solver (OR-Tools) against PyVRP and VROOM on Solomon / Gehring-Homberger.

All engines get the same integer problem (our Solomon reader: x1000, travel times rounded up,
distances rounded). Each engine's routes are re-measured here in double precision and checked with
our independent checker (times recomputed as earliest schedules for the other engines).

    PYTHONPATH=field_service_routing python bench/vrptw_bench.py --instances solomon --time-limit 10
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "field_service_routing"))

from solver import (  # noqa: E402
    Plan,
    Problem,
    Route,
    Stop,
    Technician,
    TimeWindow,
    check_plan,
    solve,
)
from solver.solomon_io import parse_solomon, route_length  # noqa: E402

SETS = {
    "solomon": ("solomon", None),
    "gh200": ("homberger/200", None),
    "gh400": ("homberger/400", None),
    "gh600": ("homberger/600", None),
    "gh800": ("homberger/800", None),
    "gh1000": ("homberger/1000", None),
}


def find_instances(data_dir: Path, spec: str) -> list[Path]:
    """Instance files for a set name or a comma-separated list of instance names."""
    if spec in SETS:
        return sorted((data_dir / SETS[spec][0]).glob("*.txt"), key=lambda p: p.stem.lower())
    out = []
    for name in spec.split(","):
        hits = list(data_dir.glob(f"solomon/{name}.txt")) + list(
            data_dir.glob(f"homberger/*/{name.lower()}.txt")
        )
        if not hits:
            raise SystemExit(f"instance {name!r} not found under {data_dir}")
        out.append(hits[0])
    return out


def load_bks(data_dir: Path) -> dict[str, float]:
    """Distance-only best-known values by lower-case instance name."""
    with open(data_dir / "bks" / "bks.csv", encoding="utf-8") as handle:
        return {
            row["instance"].lower(): float(row["distonly_distance"])
            for row in csv.DictReader(handle)
            if row["distonly_distance"]
        }


def schedule(problem: Problem, sequences: list[list[int]]) -> Plan:
    """A Plan from visit-location sequences, with earliest service starts (for other engines)."""
    by_loc = {v.location: v for v in problem.visits}
    tech = problem.technicians[0]
    routes = []
    served = set()
    for k, seq in enumerate(sequences):
        now = tech.shift.start
        here = tech.start_location
        stops = []
        travel_total = dist_total = 0
        for loc in seq:
            visit = by_loc[loc]
            travel = problem.travel_s(here, loc)
            arrival = now + travel
            start = max(arrival, visit.time_windows[0].start)
            stops.append(
                Stop(
                    visit.id, arrival, start, start - arrival, travel, problem.distance_m(here, loc)
                )
            )
            travel_total += travel
            dist_total += problem.distance_m(here, loc)
            now = start + visit.service_s
            here = loc
            served.add(visit.id)
        travel_total += problem.travel_s(here, tech.end_location)
        dist_total += problem.distance_m(here, tech.end_location)
        end = now + problem.travel_s(here, tech.end_location)
        routes.append(
            Route(
                problem.technicians[k].id,
                tuple(stops),
                (),
                tech.shift.start,
                end,
                travel_total,
                dist_total,
            )
        )
    from solver.model import Unassigned

    missing = tuple(Unassigned(v.id, "capacity") for v in problem.visits if v.id not in served)
    return Plan(tuple(routes), missing, "solved", 0, 0.0)


def run_ours(problem: Problem, limit: float) -> tuple[list[list[int]], Plan]:
    plan = solve(problem, time_limit_s=limit)
    loc = {v.id: v.location for v in problem.visits}
    return [[loc[s.visit_id] for s in r.stops] for r in plan.routes], plan


def run_pyvrp(problem: Problem, limit: float) -> list[list[int]]:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    model = pyvrp.Model()
    tech = problem.technicians[0]
    n = len(problem.duration_matrix)
    locations = [model.add_location(x=0, y=0) for _ in range(n)]
    depot = model.add_depot(locations[0], tw_early=tech.shift.start, tw_late=tech.shift.end)
    model.add_vehicle_type(
        num_available=len(problem.technicians),
        capacity=tech.capacity or 0,
        start_depot=depot,
        end_depot=depot,
        tw_early=tech.shift.start,
        tw_late=tech.shift.end,
    )
    for visit in problem.visits:
        window = visit.time_windows[0]
        model.add_client(
            locations[visit.location],
            delivery=visit.demand,
            service_duration=visit.service_s,
            tw_early=window.start,
            tw_late=window.end,
        )
    assert problem.distance_matrix is not None
    for i in range(n):
        for j in range(n):
            if i != j:
                model.add_edge(
                    locations[i],
                    locations[j],
                    problem.distance_matrix[i][j],
                    problem.duration_matrix[i][j],
                )
    result = model.solve(stop=MaxRuntime(limit), display=False)
    # Client k (0-based, in the order added) is problem.visits[k].
    return [
        [problem.visits[a.idx].location for a in route if a.is_client()]
        for route in result.best.routes()
    ]


def run_vroom(problem: Problem, limit: float) -> list[list[int]]:
    import vroom

    tech = problem.technicians[0]
    instance = vroom.Input()
    instance.set_durations_matrix(
        profile="car", matrix_input=[list(r) for r in problem.duration_matrix]
    )
    assert problem.distance_matrix is not None
    instance.set_costs_matrix(
        profile="car", matrix_input=[list(r) for r in problem.distance_matrix]
    )
    for k, _ in enumerate(problem.technicians):
        instance.add_vehicle(
            vroom.Vehicle(
                id=k,
                start=0,
                end=0,
                capacity=[tech.capacity or 0],
                time_window=vroom.TimeWindow(tech.shift.start, tech.shift.end),
            )
        )
    for visit in problem.visits:
        window = visit.time_windows[0]
        instance.add_job(
            vroom.Job(
                id=visit.location,
                location=visit.location,
                default_service=visit.service_s,
                delivery=vroom.Amount([visit.demand]),
                time_windows=[vroom.TimeWindow(window.start, window.end)],
            )
        )
    solution = instance.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=limit))
    routes: dict[int, list[int]] = {}
    frame = solution.routes
    for vehicle, kind, job in zip(frame["vehicle_id"], frame["type"], frame["id"], strict=False):
        if kind == "job":
            routes.setdefault(int(vehicle), []).append(int(job))
    return list(routes.values())


ENGINES = {"pyvrp": run_pyvrp, "vroom": run_vroom}


def evaluate(inst, sequences, plan=None) -> tuple[int, float, bool, int]:
    problem = inst.problem
    if plan is None:
        plan = schedule(problem, sequences)
    errors = check_plan(problem, plan)
    distance = sum(route_length(inst.coords, seq) for seq in sequences if seq)
    return (
        sum(1 for s in sequences if s),
        distance,
        not errors and not plan.unassigned,
        len(plan.unassigned),
    )


def timings(data_dir: Path) -> list[str]:
    """Model build for 1,000 visits and re-planning one technician's remaining day."""
    from solver import ortools_adapter
    from solver.prechecks import eligibility

    lines = []
    path = data_dir / "homberger" / "1000" / "r1_10_1.txt"
    if path.exists():
        began = time.monotonic()
        inst = parse_solomon(path.read_text())
        parsed = time.monotonic() - began
        allowed = eligibility(inst.problem)
        checked = time.monotonic() - began - parsed
        began = time.monotonic()
        ortools_adapter._build(
            inst.problem,
            sorted(allowed.candidates),
            list(range(len(inst.problem.technicians))),
            allowed.candidates,
        )
        lines.append(
            f"model build, 1000 visits x 250 technicians: {time.monotonic() - began:.3f} s "
            f"(matrix + validation {parsed:.2f} s, pre-checks {checked:.2f} s)"
        )
    # Short routes (R101) to long ones (R201, RC208: a whole day of a technician's visits).
    for name in ("R101", "R201", "RC208"):
        path = data_dir / "solomon" / f"{name}.txt"
        if path.exists():
            lines.append(replan_timing(name, parse_solomon(path.read_text())))
    return lines


def replan_timing(name: str, inst) -> str:
    """Solve the instance, then re-plan the second half of its longest route from its middle."""
    plan = solve(inst.problem, time_limit_s=2, deterministic=True)
    route = max(plan.routes, key=lambda r: len(r.stops))
    half = route.stops[len(route.stops) // 2 :]
    now = route.stops[len(route.stops) // 2 - 1].start
    visits = {v.id: v for v in inst.problem.visits}
    here = visits[route.stops[len(route.stops) // 2 - 1].visit_id].location
    base = inst.problem.technicians[0]
    rest = Problem(
        tuple(visits[s.visit_id] for s in half),
        (
            Technician(
                "t",
                here,
                base.end_location,
                TimeWindow(now, base.shift.end),
                capacity=base.capacity,
            ),
        ),
        inst.problem.duration_matrix,
        inst.problem.distance_matrix,
        objective="distance",
    )
    began = time.monotonic()
    replan = solve(rest, time_limit_s=1.0, deterministic=True)
    wall = time.monotonic() - began
    ok = not check_plan(rest, replan)
    return (
        f"re-plan one technician's remaining day, {name} ({len(half)} visits, "
        f"deterministic): {wall:.3f} s, feasible={ok}, unassigned={len(replan.unassigned)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--instances", default="solomon", help="solomon|gh200|gh400|gh600|gh800|gh1000 or NAME,NAME"
    )
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--engines", default="ours")
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared" / "data" / "vrptw")
    parser.add_argument("--timings", action="store_true", help="also print build/re-plan times")
    args = parser.parse_args()
    engines = args.engines.split(",")
    bks = load_bks(args.data_dir)
    files = find_instances(args.data_dir, args.instances)
    print(
        f"# {len(files)} instances, {args.time_limit:g} s, engines {','.join(engines)}, "
        "distance in double precision, gap to distance-only BKS"
    )
    header = f"{'instance':10} {'bks':>9}" + "".join(
        f" | {e + ' veh':>9} {'dist':>9} {'gap%':>6} {'ok':>3}" for e in engines
    )
    print(header, flush=True)
    gaps: dict[str, list[float]] = {e: [] for e in engines}
    infeasible: dict[str, int] = dict.fromkeys(engines, 0)
    slowest = 0.0
    for path in files:
        inst = parse_solomon(path.read_text())
        best = bks.get(path.stem.lower())
        row = f"{path.stem:10} {best or float('nan'):9.2f}"
        for engine in engines:
            if engine == "ours":
                began = time.monotonic()
                seqs, plan = run_ours(inst.problem, args.time_limit)
                slowest = max(slowest, time.monotonic() - began)
                veh, dist, ok, _ = evaluate(inst, seqs, plan)
            else:
                seqs = ENGINES[engine](inst.problem, args.time_limit)
                veh, dist, ok, _ = evaluate(inst, seqs)
            gap = 100 * (dist / best - 1) if best else float("nan")
            if best:
                gaps[engine].append(gap)
            infeasible[engine] += not ok
            row += f" | {veh:9d} {dist:9.2f} {gap:6.2f} {'yes' if ok else 'NO':>3}"
        print(row, flush=True)
    for engine in engines:
        if gaps[engine]:
            print(
                f"{engine}: median gap {statistics.median(gaps[engine]):.2f} %, "
                f"mean {statistics.mean(gaps[engine]):.2f} %, "
                f"infeasible or incomplete {infeasible[engine]}/{len(files)}"
                + (f", longest solve {slowest:.2f} s" if engine == "ours" else "")
            )
    if args.timings:
        for line in timings(args.data_dir):
            print(line)


if __name__ == "__main__":
    main()
