"""Generated metro field-service days in VROOM's JSON input format.

A day is a 30 x 30 km metro area (a dense centre, a few town centres, scattered suburbs).
Technicians start and end at home, work 8 h from a start between 07:30 and 09:00 and take a
30-minute lunch starting anywhere in 12:00-13:30 (so it ends by 14:00). They hold two or three of
five skills; each job needs one or two skills that at least one technician holds together, lasts
15-90 minutes, must start in a 2, 3 or 4 h window and has a priority (0, 10 or 50; VROOM's 0-100
scale). Travel: straight-line distance x 1.3 (road detour) at 30 km/h, rounded up to the second;
both the duration and distance matrices are written (``matrices.car``). Times are seconds from
midnight. Every day comes from a fixed seed, so the same command writes the same bytes.

    python bench/metro_gen.py --out /tmp/metro              # metro_150/400/1000.json
    python bench/metro_gen.py --out /tmp/metro --jobs 150 --seed 7
"""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path
from typing import Any

# (jobs, technicians, seed) of the benchmark's days.
DAYS = {150: (22, 150), 400: (60, 400), 1000: (140, 1000)}

AREA_M = 30_000
DETOUR = 1.3
SPEED_MPS = 30_000 / 3600
SKILLS = (1, 2, 3, 4, 5)
HOUR = 3600
SHIFT_S = 8 * HOUR
LUNCH_FROM, LUNCH_LAST_START, LUNCH_S = 12 * HOUR, 13 * HOUR + 1800, 1800
SERVICES = (900, 1800, 2700, 3600, 5400)
SERVICE_WEIGHTS = (20, 35, 25, 15, 5)
PRIORITIES = (0, 10, 50)
PRIORITY_WEIGHTS = (70, 20, 10)
# Break ids are distinct from vehicle and job ids so a reader cannot confuse them.
BREAK_ID_BASE = 9000


def _point(rng: random.Random, towns: list[tuple[float, float]]) -> tuple[int, int]:
    """A point in metres: half near a town centre (the first one is the city), half anywhere."""
    if rng.random() < 0.5:
        cx, cy = towns[0] if rng.random() < 0.5 else rng.choice(towns[1:])
        spread = 2500 if (cx, cy) == towns[0] else 1500
        x, y = rng.gauss(cx, spread), rng.gauss(cy, spread)
    else:
        x, y = rng.uniform(0, AREA_M), rng.uniform(0, AREA_M)
    return round(min(max(x, 0), AREA_M)), round(min(max(y, 0), AREA_M))


def travel(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    """(seconds, metres) by road between two points."""
    metres = math.hypot(a[0] - b[0], a[1] - b[1]) * DETOUR
    return math.ceil(metres / SPEED_MPS), round(metres)


def generate(n_jobs: int, n_vehicles: int, seed: int) -> dict[str, Any]:
    """One day as VROOM input (a dict ready for ``json.dump``)."""
    if n_jobs < 1 or n_vehicles < 1:
        raise ValueError("a day needs at least one job and one technician")
    rng = random.Random(seed)
    towns = [(AREA_M / 2, AREA_M / 2)] + [
        (rng.uniform(4000, AREA_M - 4000), rng.uniform(4000, AREA_M - 4000)) for _ in range(5)
    ]
    homes = [_point(rng, towns) for _ in range(n_vehicles)]
    sites = [_point(rng, towns) for _ in range(n_jobs)]
    points = homes + sites

    vehicles = []
    skill_sets: list[tuple[int, ...]] = []
    for k, _home in enumerate(homes):
        # Every skill is held by someone: the first technicians take them in turn.
        first = SKILLS[k % len(SKILLS)]
        others = rng.sample([s for s in SKILLS if s != first], rng.choice((1, 2)))
        skills = tuple(sorted({first, *others}))
        skill_sets.append(skills)
        start = 27_000 + 900 * rng.randint(0, 6)  # 07:30 .. 09:00 by quarter hours
        vehicles.append(
            {
                "id": k + 1,
                "start_index": k,
                "end_index": k,
                "skills": list(skills),
                "time_window": [start, start + SHIFT_S],
                "breaks": [
                    {
                        "id": BREAK_ID_BASE + k + 1,
                        "description": "lunch",
                        "time_windows": [[LUNCH_FROM, LUNCH_LAST_START]],
                        "service": LUNCH_S,
                    }
                ],
            }
        )

    jobs = []
    for j, _site in enumerate(sites):
        holder = rng.choice(skill_sets)
        need = rng.sample(holder, 2 if len(holder) > 1 and rng.random() < 0.3 else 1)
        length = rng.choice((2, 3, 4)) * HOUR
        opens = 8 * HOUR + 1800 * rng.randint(0, (17 * HOUR - length - 8 * HOUR) // 1800)
        jobs.append(
            {
                "id": 100_000 + j + 1,
                "location_index": n_vehicles + j,
                "service": rng.choices(SERVICES, SERVICE_WEIGHTS)[0],
                "skills": sorted(need),
                "priority": rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0],
                "time_windows": [[opens, opens + length]],
            }
        )

    durations = [[0] * len(points) for _ in points]
    distances = [[0] * len(points) for _ in points]
    for i, a in enumerate(points):
        for j in range(i + 1, len(points)):
            seconds, metres = travel(a, points[j])
            durations[i][j] = durations[j][i] = seconds
            distances[i][j] = distances[j][i] = metres
    return {
        "vehicles": vehicles,
        "jobs": jobs,
        "matrices": {"car": {"durations": durations, "distances": distances}},
        "meta": {
            "generator": "bench/metro_gen.py",
            "seed": seed,
            "points_m": [list(p) for p in points],
        },
    }


def day_name(n_jobs: int) -> str:
    """File stem of a generated day."""
    return f"metro_{n_jobs}"


def write_day(out: Path, n_jobs: int, n_vehicles: int | None = None, seed: int | None = None):
    """Write one day to ``out/metro_<jobs>.json``; returns its path."""
    vehicles_default, seed_default = DAYS.get(n_jobs, (max(1, round(n_jobs / 7.1)), n_jobs))
    data = generate(
        n_jobs,
        n_vehicles or vehicles_default,
        seed_default if seed is None else seed,
    )
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{day_name(n_jobs)}.json"
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the JSON files")
    parser.add_argument(
        "--jobs",
        default=",".join(str(n) for n in DAYS),
        help="comma-separated day sizes (default 150,400,1000)",
    )
    parser.add_argument("--vehicles", type=int, default=None, help="technicians (one size only)")
    parser.add_argument("--seed", type=int, default=None, help="seed (default: the size)")
    args = parser.parse_args(argv)
    for size in (int(s) for s in args.jobs.split(",")):
        path = write_day(args.out, size, args.vehicles, args.seed)
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
