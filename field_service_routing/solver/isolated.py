"""``solve()`` in a child process with a hard wall-clock limit: a crash or a hang of the search
cannot take the caller (an Odoo cron worker) down with it, nor hold it past its budget.

The caller runs ``python -m solver.isolated`` from the addon folder, so the child imports this
package only (never Odoo, never the caller's open connections or threads), sends the Problem as
JSON on stdin and reads the Plan as JSON on stdout. The child is killed at the time limit plus
:func:`margin_s`; any exception, non-zero exit or kill raises :class:`SolveFailed` with a kind
(``TIMEOUT``, ``CRASHED``, ``INVALID``) the caller turns into its own words.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from .model import (
    Break,
    BreakStop,
    Plan,
    Problem,
    Route,
    Stop,
    Technician,
    TimeWindow,
    Unassigned,
    Visit,
)
from .solve import solve

TIMEOUT = "timeout"
CRASHED = "crashed"
INVALID = "invalid"

# Starting the child (Python, OR-Tools, reading the problem) took 0.2-0.5 s on 2 loaded cores;
# OR-Tools may overrun its own limit a little (a SAVINGS start once by 47 s in 60 s: the kill).
START_ALLOWANCE_S = 3.0
MARGIN_SHARE = 0.1
ADDON_DIR = Path(__file__).resolve().parent.parent
# What the child inherits from the environment: no secrets of the caller, a fixed hash seed so
# that set iteration (and so the plan) is the same in every child.
_PASSED_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT")
# Fault drills, for tests of the caller's failure paths against a real child: "hang" never
# answers, "crash" raises an unexpected error, "die" is killed by a signal (as by the OOM killer).
DRILLS = ("hang", "crash", "die")


class SolveFailed(Exception):
    """The child gave no plan: ``kind`` says why, ``detail`` is its last words (English)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def margin_s(time_limit_s: float) -> float:
    """Time allowed beyond the solver's own limit before the child is killed."""
    return START_ALLOWANCE_S + MARGIN_SHARE * time_limit_s


def solve_isolated(
    problem: Problem,
    *,
    time_limit_s: float,
    deterministic: bool = False,
    drill: str | None = None,
) -> Plan:
    """``solve(problem, ...)`` in a child process killed at ``time_limit_s + margin_s()``."""
    if drill is not None and drill not in DRILLS:
        raise ValueError(f"unknown drill {drill!r}")
    request = {
        "problem": problem_to_json(problem),
        "time_limit_s": time_limit_s,
        "deterministic": deterministic,
        "drill": drill,
        "kill_after_s": time_limit_s + margin_s(time_limit_s),
    }
    env = {key: os.environ[key] for key in _PASSED_ENV if key in os.environ}
    env["PYTHONHASHSEED"] = "0"
    kill_after = request["kill_after_s"]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "solver.isolated"],
            input=json.dumps(request, separators=(",", ":")),
            capture_output=True,
            text=True,
            cwd=ADDON_DIR,
            env=env,
            timeout=kill_after,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SolveFailed(TIMEOUT, f"no answer after {kill_after:.1f} s, stopped") from None
    answer = _last_json_line(done.stdout)
    if done.returncode == 0 and answer and "plan" in answer:
        return plan_from_json(answer["plan"])
    if answer and answer.get("error") in (INVALID, CRASHED):
        raise SolveFailed(answer["error"], answer.get("detail", ""))
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        raise SolveFailed(CRASHED, f"the solver process was killed by {name}")
    last = done.stderr.strip().splitlines()[-1:] or ["no output"]
    raise SolveFailed(CRASHED, f"the solver process exited with {done.returncode}: {last[0]}")


def _last_json_line(text: str) -> dict[str, Any] | None:
    lines = text.strip().splitlines()
    if not lines:
        return None
    try:
        data = json.loads(lines[-1])
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


# ---- plain data <-> JSON ---------------------------------------------------------------------


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """The Problem as JSON-ready data (lists for tuples, sorted lists for sets)."""
    return {
        "visits": [
            {
                "id": v.id,
                "location": v.location,
                "service_s": v.service_s,
                "time_windows": [[w.start, w.end] for w in v.time_windows],
                "allowed_technicians": None
                if v.allowed_technicians is None
                else sorted(v.allowed_technicians),
                "priority": v.priority,
                "demand": v.demand,
                "pinned_technician": v.pinned_technician,
                "pinned_sequence": v.pinned_sequence,
            }
            for v in problem.visits
        ],
        "technicians": [
            {
                "id": t.id,
                "start_location": t.start_location,
                "end_location": t.end_location,
                "shift": [t.shift.start, t.shift.end],
                "breaks": [[b.start, b.end, b.duration_s] for b in t.breaks],
                "capacity": t.capacity,
                "max_visits": t.max_visits,
            }
            for t in problem.technicians
        ],
        "duration_matrix": problem.duration_matrix,
        "distance_matrix": problem.distance_matrix,
        "objective": problem.objective,
    }


def problem_from_json(data: dict[str, Any]) -> Problem:
    """The Problem back from :func:`problem_to_json` (validated again)."""
    visits = tuple(
        Visit(
            id=v["id"],
            location=v["location"],
            service_s=v["service_s"],
            time_windows=tuple(TimeWindow(*w) for w in v["time_windows"]),
            allowed_technicians=None
            if v["allowed_technicians"] is None
            else frozenset(v["allowed_technicians"]),
            priority=v["priority"],
            demand=v["demand"],
            pinned_technician=v["pinned_technician"],
            pinned_sequence=v["pinned_sequence"],
        )
        for v in data["visits"]
    )
    technicians = tuple(
        Technician(
            id=t["id"],
            start_location=t["start_location"],
            end_location=t["end_location"],
            shift=TimeWindow(*t["shift"]),
            breaks=tuple(Break(*b) for b in t["breaks"]),
            capacity=t["capacity"],
            max_visits=t["max_visits"],
        )
        for t in data["technicians"]
    )
    distances = data["distance_matrix"]
    return Problem(
        visits=visits,
        technicians=technicians,
        duration_matrix=tuple(tuple(row) for row in data["duration_matrix"]),
        distance_matrix=None if distances is None else tuple(tuple(row) for row in distances),
        objective=data["objective"],
    )


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The Plan as JSON-ready data."""
    return {
        "routes": [
            {
                "technician_id": r.technician_id,
                "stops": [
                    [s.visit_id, s.arrival, s.start, s.waiting_s, s.travel_s, s.distance_m]
                    for s in r.stops
                ],
                "breaks": [[b.start, b.duration_s] for b in r.breaks],
                "start": r.start,
                "end": r.end,
                "travel_s": r.travel_s,
                "distance_m": r.distance_m,
            }
            for r in plan.routes
        ],
        "unassigned": [[u.visit_id, u.reason, u.detail] for u in plan.unassigned],
        "status": plan.status,
        "objective": plan.objective,
        "wall_time_s": plan.wall_time_s,
        "stats": plan.stats,
    }


def plan_from_json(data: dict[str, Any]) -> Plan:
    """The Plan back from :func:`plan_to_json`."""
    return Plan(
        routes=tuple(
            Route(
                technician_id=r["technician_id"],
                stops=tuple(Stop(*s) for s in r["stops"]),
                breaks=tuple(BreakStop(*b) for b in r["breaks"]),
                start=r["start"],
                end=r["end"],
                travel_s=r["travel_s"],
                distance_m=r["distance_m"],
            )
            for r in data["routes"]
        ),
        unassigned=tuple(Unassigned(*u) for u in data["unassigned"]),
        status=data["status"],
        objective=data["objective"],
        wall_time_s=data["wall_time_s"],
        stats=data["stats"],
    )


# ---- the child -------------------------------------------------------------------------------


def _run_drill(drill: str | None) -> None:
    if drill == "hang":
        time.sleep(24 * 3600)
    elif drill == "crash":
        raise RuntimeError("drill: the solver crashed")
    elif drill == "die":
        os.kill(os.getpid(), signal.SIGKILL)


def main() -> int:
    """Read one request on stdin, answer one JSON line on stdout; the exit status says how."""
    try:
        request = json.loads(sys.stdin.read())
        # The child ends itself a second after the caller would kill it, even if the caller died
        # first: SIGALRM's default action ends the process wherever OR-Tools holds the GIL.
        signal.alarm(math.ceil(request["kill_after_s"]) + 1)
        _run_drill(request.get("drill"))
        problem = problem_from_json(request["problem"])
        plan = solve(
            problem,
            time_limit_s=request["time_limit_s"],
            deterministic=request["deterministic"],
        )
    except ValueError as error:
        answer, status = {"error": INVALID, "detail": str(error)}, 2
    except Exception as error:  # any failure must reach the caller as an answer
        traceback.print_exc()
        answer, status = {"error": CRASHED, "detail": f"{type(error).__name__}: {error}"}, 1
    else:
        answer, status = {"plan": plan_to_json(plan)}, 0
    sys.stdout.write(json.dumps(answer, separators=(",", ":")) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
