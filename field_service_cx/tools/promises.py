"""Honest windows: the arrival interval a technician's day can really keep.

A technician's day is a fixed start and ordered stops; each stop has the travel from the
previous one, the job's measured duration (a log-normal fitted to its P50 and P80) and the
moment before which the technician does not arrive (the window already promised, or the
start we plan for). The day is simulated a few hundred times with a seeded random
generator; each stop's arrival P10–P90 is the honest interval. An offered window is that
interval rounded out to the quarter hour, at least half an hour wide: early stops come out
narrow, late stops wider, because every stop before them adds its spread.

Minutes are floats from any origin the caller picks (the booking rule: the day's start).
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

# z-score of the 80th percentile of a standard normal distribution.
Z80 = 0.8416212335729143
DEFAULT_RUNS = 300
DEFAULT_SEED = 17
DEFAULT_TRAVEL_NOISE = 0.2  # travel varies by ±20 % (uniform)
STEP_MINUTES = 15
MIN_WIDTH_MINUTES = 30


@dataclass(frozen=True)
class Duration:
    """A log-normal duration in minutes, from its median and 80th percentile."""

    p50: float
    p80: float

    def __post_init__(self):
        if not 0 < self.p50 <= self.p80:
            raise ValueError(f"Expected 0 < P50 <= P80, got {self.p50!r} and {self.p80!r}.")

    @property
    def mu(self) -> float:
        return math.log(self.p50)

    @property
    def sigma(self) -> float:
        return (math.log(self.p80) - math.log(self.p50)) / Z80

    def draw(self, rng: random.Random) -> float:
        sigma = self.sigma
        return self.p50 if sigma <= 0 else rng.lognormvariate(self.mu, sigma)


@dataclass(frozen=True)
class DayStop:
    """One stop of a day: travel from the previous stop (or the start), the job's duration,
    and the earliest arrival (minutes; None: as soon as the technician gets there)."""

    travel_minutes: float
    duration: Duration
    not_before: float | None = None

    def __post_init__(self):
        if self.travel_minutes < 0:
            raise ValueError("Travel cannot be negative.")


@dataclass(frozen=True)
class Interval:
    """A stop's simulated arrival: its 10th, 50th and 90th percentiles (minutes)."""

    p10: float
    p50: float
    p90: float


def _percentile(ordered: Sequence[float], q: float) -> float:
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def simulate_day(
    start: float,
    stops: Sequence[DayStop],
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    travel_noise: float = DEFAULT_TRAVEL_NOISE,
) -> list[Interval]:
    """Each stop's arrival P10/P50/P90 over ``runs`` simulated days (same seed, same answer).

    A technician leaves ``start``, drives each travel (±``travel_noise``), waits until the
    stop's ``not_before`` when early, and stays the drawn duration.
    """
    if runs < 1:
        raise ValueError("Simulate at least one day.")
    if not 0 <= travel_noise < 1:
        raise ValueError("Travel noise is a share between 0 and 1.")
    rng = random.Random(seed)
    arrivals: list[list[float]] = [[] for _stop in stops]
    low, high = 1 - travel_noise, 1 + travel_noise
    for _run in range(runs):
        now = start
        for index, stop in enumerate(stops):
            now += stop.travel_minutes * rng.uniform(low, high)
            if stop.not_before is not None and now < stop.not_before:
                now = stop.not_before
            arrivals[index].append(now)
            now += stop.duration.draw(rng)
    intervals = []
    for samples in arrivals:
        samples.sort()
        intervals.append(
            Interval(
                _percentile(samples, 0.1), _percentile(samples, 0.5), _percentile(samples, 0.9)
            )
        )
    return intervals


def window_for(
    interval: Interval, *, step: int = STEP_MINUTES, minimum: int = MIN_WIDTH_MINUTES
) -> tuple[float, float]:
    """The window to promise for an arrival interval: P10 rounded down and P90 rounded up to
    ``step`` minutes (never narrower than the simulation), widened to ``minimum`` minutes."""
    if step <= 0 or minimum <= 0:
        raise ValueError("The step and the minimum width must be positive.")
    start = math.floor(interval.p10 / step + 1e-9) * step
    end = math.ceil(interval.p90 / step - 1e-9) * step
    if end - start < minimum:
        end = start + math.ceil(minimum / step) * step
    return float(start), float(end)
