"""Durations from history: how long a job really takes on site (arrival → done).

Pure statistics for ``fs.job.type``: the nightly cron reads the done visits of the rolling
period in one query, turns each into on-site minutes here, and stores the P50, the P80 and
the sample size per job type and per technician. ``planned_minutes`` is the one rule that
picks the figure the planner and the booking use: the technician's own when they have enough
visits, else the job type's when it has enough, else the job type's constant.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

# Fewer samples than this and the figure is noise: the job type falls back to its constant.
MIN_JOB_SAMPLES = 5
# A technician's own figure is used from this many visits of the job type.
MIN_TECHNICIAN_SAMPLES = 10
# On-site times beyond this are a visit closed the next morning, not a duration.
MAX_ON_SITE_MINUTES = 12 * 60
QUANTILES = ("p50", "p80")
DEFAULT_QUANTILE = "p80"
DEFAULT_PERIOD_DAYS = 90


@dataclass(frozen=True)
class DurationStats:
    """The measured on-site minutes of a job type (or of one technician doing it)."""

    count: int
    p50: float
    p80: float

    def __post_init__(self):
        if self.count < 1:
            raise ValueError("Statistics need at least one sample.")
        if not 0 < self.p50 <= self.p80:
            raise ValueError(f"Expected 0 < P50 <= P80, got {self.p50!r} and {self.p80!r}.")


def on_site_minutes(arrived: datetime | None, done: datetime | None) -> float | None:
    """Minutes from arrival to done, or None when the pair is not a real on-site time
    (missing, reversed, zero, or longer than ``MAX_ON_SITE_MINUTES``)."""
    if not arrived or not done:
        return None
    minutes = (done - arrived).total_seconds() / 60
    if not 0 < minutes <= MAX_ON_SITE_MINUTES:
        return None
    return minutes


def quantile(values: Iterable[float], q: float) -> float:
    """The ``q`` quantile (0..1) with linear interpolation between the closest ranks
    (numpy's default, so figures match a spreadsheet's PERCENTILE.INC)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("No values.")
    if not 0 <= q <= 1:
        raise ValueError(f"A quantile is between 0 and 1, got {q!r}.")
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(minutes: Iterable[float]) -> DurationStats | None:
    """P50, P80 and sample size of on-site minutes; None without any sample."""
    values = [value for value in minutes if value and value > 0]
    if not values:
        return None
    return DurationStats(len(values), quantile(values, 0.5), quantile(values, 0.8))


def group_samples(
    rows: Iterable[tuple[object, object, datetime | None, datetime | None]],
) -> tuple[dict, dict]:
    """(job type → stats, (job type, technician) → stats) from (job type, technician,
    arrived, done) rows; rows that are not a real on-site time are left out."""
    by_job: dict = {}
    by_technician: dict = {}
    for job_type, technician, arrived, done in rows:
        minutes = on_site_minutes(arrived, done)
        if minutes is None or not job_type:
            continue
        by_job.setdefault(job_type, []).append(minutes)
        if technician:
            by_technician.setdefault((job_type, technician), []).append(minutes)
    return (
        {key: summarize(values) for key, values in by_job.items()},
        {key: summarize(values) for key, values in by_technician.items()},
    )


def planned_minutes(
    constant: int,
    job: DurationStats | None,
    technician: DurationStats | None = None,
    which: str = DEFAULT_QUANTILE,
    min_job_samples: int = MIN_JOB_SAMPLES,
    min_technician_samples: int = MIN_TECHNICIAN_SAMPLES,
) -> int:
    """The service minutes to plan with: the technician's measured ``which`` quantile when
    they have enough samples, else the job type's, else the job type's ``constant``.
    Measured figures are rounded up to the minute (a plan never assumes less than measured)."""
    if which not in QUANTILES:
        raise ValueError(f"Unknown quantile {which!r}: expected one of {QUANTILES}.")
    for stats, minimum in ((technician, min_technician_samples), (job, min_job_samples)):
        if stats and stats.count >= minimum:
            return max(1, math.ceil(getattr(stats, which) - 1e-9))
    return constant
