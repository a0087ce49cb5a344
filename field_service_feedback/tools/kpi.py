"""The manager's KPIs, defined once.

The reporting view (``fs.kpi.visit``) has one row per visit with 0/1 flags and minutes;
summing its columns over any group (technician, team, job type, week) gives ``KpiCounts``,
and ``kpis()`` turns those sums into the rates managers read. Cancelled visits are counted
only for themselves: every other KPI leaves them out.

- on-time arrival: arrivals inside the latest window promised before arrival ÷ arrivals
  (and the same against the original booking window);
- first-time fix: done visits with no repeat visit ÷ done visits; repeat rate: repeats ÷ done;
- travel minutes per job: planned (from the route plan) and actual (on the way → arrived);
- rating rate: ratings received ÷ rating requests; average stars; NPS = % promoters − %
  detractors among NPS answers;
- dispute rate: done visits with a dispute ÷ done visits;
- reschedule rate by the customer and by the company ÷ visits; no-access ("customer not
  home") rate ÷ visits whose technician reached the door; reminder confirmation rate:
  confirmed visits ÷ visits sent a reminder; average notice given for delays (minutes between
  the delay alert and the end of the window it replaced).
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta

COUNT_FIELDS = (
    "visits",
    "cancelled",
    "arrived",
    "on_time_latest",
    "on_time_original",
    "done",
    "fix_attempts",
    "first_time_fix",
    "repeats",
    "travel_planned_min",
    "travel_planned_jobs",
    "travel_actual_min",
    "travel_actual_jobs",
    "rating_requests",
    "ratings",
    "rating_sum",
    "nps_answers",
    "promoters",
    "detractors",
    "disputed",
    "resched_customer",
    "resched_company",
    "not_home",
    "reached",
    "reminded",
    "confirmed_after_reminder",
    "delay_alerts",
    "delay_notice_min",
)


@dataclass(frozen=True)
class KpiCounts:
    visits: float = 0
    cancelled: float = 0
    arrived: float = 0
    on_time_latest: float = 0
    on_time_original: float = 0
    done: float = 0
    fix_attempts: float = 0
    first_time_fix: float = 0
    repeats: float = 0
    travel_planned_min: float = 0
    travel_planned_jobs: float = 0
    travel_actual_min: float = 0
    travel_actual_jobs: float = 0
    rating_requests: float = 0
    ratings: float = 0
    rating_sum: float = 0
    nps_answers: float = 0
    promoters: float = 0
    detractors: float = 0
    disputed: float = 0
    resched_customer: float = 0
    resched_company: float = 0
    not_home: float = 0
    reached: float = 0
    reminded: float = 0
    confirmed_after_reminder: float = 0
    delay_alerts: float = 0
    delay_notice_min: float = 0

    @classmethod
    def from_sums(cls, sums):
        """From a dict of column sums (None counts as 0)."""
        return cls(**{name: float(sums.get(name) or 0) for name in COUNT_FIELDS})


assert tuple(f.name for f in fields(KpiCounts)) == COUNT_FIELDS


# (key, label, unit): the order managers read them in, on the dashboard and in the workbook.
def _lt(label: str) -> str:
    """Marks a label for the translation template (Odoo's exporter reads ``_lt``); the models
    show it through ``env._`` in the reader's language."""
    return label


KPI_LABELS = (
    ("on_time_rate", _lt("On-time arrival (latest promise)"), "%"),
    ("on_time_original_rate", _lt("On-time arrival (original booking)"), "%"),
    ("first_time_fix_rate", _lt("First-time fix"), "%"),
    ("repeat_rate", _lt("Repeat visits"), "%"),
    ("travel_planned_per_job", _lt("Travel per job, planned (min)"), "min"),
    ("travel_actual_per_job", _lt("Travel per job, actual (min)"), "min"),
    ("rating_rate", _lt("Rating rate"), "%"),
    ("average_rating", _lt("Average rating (stars)"), "stars"),
    ("nps", _lt("NPS"), "score"),
    ("dispute_rate", _lt("Dispute rate"), "%"),
    ("resched_customer_rate", _lt("Rescheduled by the customer"), "%"),
    ("resched_company_rate", _lt("Rescheduled by us"), "%"),
    ("not_home_rate", _lt("Customer not home"), "%"),
    ("confirmation_rate", _lt("Reminder confirmation"), "%"),
    ("delay_notice", _lt("Notice given for delays (min)"), "min"),
)
# For these, lower is better (the trend arrow reads the other way).
LOWER_IS_BETTER = {
    "repeat_rate",
    "travel_planned_per_job",
    "travel_actual_per_job",
    "dispute_rate",
    "resched_customer_rate",
    "resched_company_rate",
    "not_home_rate",
}


# Each KPI as a ratio of sums: (added, subtracted) numerator columns, denominator, scale.
# The dashboard applies it to KpiCounts; the Analysis views to each pivot cell in SQL.
RATES = {
    "on_time_rate": (("on_time_latest",), (), "arrived", 100.0),
    "on_time_original_rate": (("on_time_original",), (), "arrived", 100.0),
    # Over the visits that tried to fix (done, or stopped unfinished): unfinished is not fixed.
    "first_time_fix_rate": (("first_time_fix",), (), "fix_attempts", 100.0),
    "repeat_rate": (("repeats",), (), "done", 100.0),
    "travel_planned_per_job": (("travel_planned_min",), (), "travel_planned_jobs", 1.0),
    "travel_actual_per_job": (("travel_actual_min",), (), "travel_actual_jobs", 1.0),
    "rating_rate": (("ratings",), (), "rating_requests", 100.0),
    "average_rating": (("rating_sum",), (), "ratings", 1.0),
    "nps": (("promoters",), ("detractors",), "nps_answers", 100.0),
    "dispute_rate": (("disputed",), (), "done", 100.0),
    "resched_customer_rate": (("resched_customer",), (), "visits", 100.0),
    "resched_company_rate": (("resched_company",), (), "visits", 100.0),
    "not_home_rate": (("not_home",), (), "reached", 100.0),
    "confirmation_rate": (("confirmed_after_reminder",), (), "reminded", 100.0),
    "delay_notice": (("delay_notice_min",), (), "delay_alerts", 1.0),
}


def _ratio(part, whole, scale=100.0):
    return None if not whole else scale * part / whole


def kpis(c: KpiCounts) -> dict:
    """The KPI values (None where the denominator is zero: no data is not 0 %)."""
    return {
        key: _ratio(
            sum(getattr(c, name) for name in added) - sum(getattr(c, name) for name in subtracted),
            getattr(c, denominator),
            scale,
        )
        for key, (added, subtracted, denominator, scale) in RATES.items()
    }


def trend(current, previous, key):
    """'up', 'down' or 'flat' in the direction that is good for ``key``; None without data."""
    if current is None or previous is None:
        return None
    if abs(current - previous) < 1e-9:
        return "flat"
    better = current < previous if key in LOWER_IS_BETTER else current > previous
    return "better" if better else "worse"


@dataclass(frozen=True)
class PromiseFact:
    """A promised window, as the KPIs read it (times naive UTC)."""

    order: int
    window_start: object
    window_end: object
    promised_at: object
    source: str


def visit_measures(
    *,
    state: str,
    arrived_at=None,
    en_route_at=None,
    planned_travel_min: float = 0.0,
    promises: Sequence[PromiseFact] = (),
    is_repeat: bool = False,
    repeated_by_open_visit: bool = False,
    rating_requests: int = 0,
    rating: tuple | None = None,
    disputed: bool = False,
    reminded: bool = False,
    customer_confirmed: bool = False,
) -> dict:
    """Every measure of one visit (the columns summed by the reporting view).

    ``rating`` is (stars, nps or None) when the customer rated; ``repeated_by_open_visit`` says
    a later visit (not cancelled) was a repeat of this one.
    """
    if state == "cancelled":
        return dict.fromkeys(COUNT_FIELDS, 0) | {"cancelled": 1}
    arrived = arrived_at is not None
    ordered = sorted(promises, key=lambda p: p.order)
    before_arrival = [p for p in ordered if arrived and p.promised_at <= arrived_at]
    latest = max(before_arrival, key=lambda p: (p.promised_at, p.order), default=None)
    original = ordered[0] if ordered else None
    done = state == "done"
    travelled = arrived and en_route_at is not None and arrived_at >= en_route_at
    delays = [(p, _previous(ordered, p)) for p in ordered if p.source == "delay"]
    notice = [
        (previous.window_end - delay.promised_at).total_seconds() / 60
        for delay, previous in delays
        if previous is not None
    ]
    stars, nps = rating or (0, None)
    return {
        "visits": 1,
        "cancelled": 0,
        "arrived": int(arrived),
        "on_time_latest": int(_inside(arrived_at, latest)),
        "on_time_original": int(_inside(arrived_at, original)),
        "done": int(done),
        "fix_attempts": int(done or state == "unfinished"),
        "first_time_fix": int(done and not repeated_by_open_visit),
        "repeats": int(is_repeat),
        "travel_planned_min": planned_travel_min if planned_travel_min > 0 else 0,
        "travel_planned_jobs": int(planned_travel_min > 0),
        "travel_actual_min": (arrived_at - en_route_at).total_seconds() / 60 if travelled else 0,
        "travel_actual_jobs": int(travelled),
        "rating_requests": rating_requests,
        "ratings": int(rating is not None),
        "rating_sum": stars if rating is not None else 0,
        "nps_answers": int(nps is not None),
        "promoters": int(nps is not None and nps >= 9),
        "detractors": int(nps is not None and nps <= 6),
        "disputed": int(done and disputed),
        "resched_customer": sum(1 for p in ordered if p.source == "customer"),
        "resched_company": sum(1 for p in ordered if p.source == "company"),
        "not_home": int(state == "not_home"),
        "reached": int(arrived or state == "not_home"),
        "reminded": int(reminded),
        "confirmed_after_reminder": int(reminded and customer_confirmed),
        "delay_alerts": len(notice),
        "delay_notice_min": sum(notice),
    }


def _inside(moment, promise):
    return (
        moment is not None
        and promise is not None
        and promise.window_start <= moment <= promise.window_end
    )


def _previous(ordered, promise):
    earlier = [p for p in ordered if p.order < promise.order]
    return earlier[-1] if earlier else None


# ---------------------------------------------------------------------------
# Periods, weekly trends and drill-down (the dashboard, the digest and the workbook)
# ---------------------------------------------------------------------------

# The visits "behind" a KPI: those counted in its denominator.
DENOMINATORS = {key: denominator for key, (_a, _s, denominator, _scale) in RATES.items()}
assert set(DENOMINATORS) == {key for key, _label, _unit in KPI_LABELS}

# The KPIs the dashboard draws a weekly trend for.
TREND_KPIS = (
    "on_time_rate",
    "first_time_fix_rate",
    "repeat_rate",
    "travel_actual_per_job",
    "nps",
    "rating_rate",
    "dispute_rate",
)

PRESETS = ("this_week", "last_week", "last_4_weeks", "this_month", "this_quarter", "custom")


def week_start(day: date, first_weekday: int) -> date:
    """The first day of ``day``'s week; ``first_weekday`` 0 = Monday … 6 = Sunday."""
    return day - timedelta(days=(day.weekday() - first_weekday) % 7)


def preset_period(
    preset: str, today: date, first_weekday: int, date_from=None, date_to=None
) -> tuple[date, date]:
    """(first day, last day) of a period preset, both included; never past ``today``.

    Raises ``ValueError`` for an unknown preset or a custom period that ends before it starts.
    """
    this_week = week_start(today, first_weekday)
    if preset == "this_week":
        start, end = this_week, today
    elif preset == "last_week":
        start, end = this_week - timedelta(days=7), this_week - timedelta(days=1)
    elif preset == "last_4_weeks":
        start, end = this_week - timedelta(days=28), this_week - timedelta(days=1)
    elif preset == "this_month":
        start, end = today.replace(day=1), today
    elif preset == "this_quarter":
        start, end = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    elif preset == "custom":
        if not (date_from and date_to) or date_to < date_from:
            raise ValueError("custom period ends before it starts")
        start, end = date_from, min(date_to, today)
        if end < start:
            raise ValueError("custom period starts in the future")
    else:
        raise ValueError(f"unknown period preset {preset!r}")
    return start, end


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before (start, end)."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def add_counts(a: KpiCounts, b: KpiCounts) -> KpiCounts:
    return KpiCounts(*(getattr(a, name) + getattr(b, name) for name in COUNT_FIELDS))


def weekly(days, first_weekday: int, first_week: date, last_week: date) -> list:
    """[(week start, KpiCounts)] for every week from ``first_week`` to ``last_week``.

    ``days`` is [(day, KpiCounts)]; weeks without visits are there, with empty counts.
    """
    weeks = {}
    monday = week_start(first_week, first_weekday)
    while monday <= last_week:
        weeks[monday] = KpiCounts()
        monday += timedelta(days=7)
    for day, counts in days:
        start = week_start(day, first_weekday)
        if start in weeks:
            weeks[start] = add_counts(weeks[start], counts)
    return list(weeks.items())


# Digits each unit is shown with: trends compare what the manager reads ("23 min" = "23 min").
UNIT_DIGITS = {"%": 1, "stars": 2, "score": 0, "min": 0}


def shown(value, unit):
    """``value`` rounded as displayed (None stays None)."""
    return None if value is None else round(value, UNIT_DIGITS[unit])


# ---------------------------------------------------------------------------
# Coaching
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewCandidate:
    """A done visit of the week, as the Friday review picks it."""

    visit_id: int
    stars: float | None  # None: not rated
    disputed: bool
    repeated: bool  # a repeat, or not fixed the first time


def friday_reviews(candidates: Sequence[ReviewCandidate], week: date, limit: int = 10) -> list:
    """The ids of up to ``limit`` visits to read: disputed, then the lowest rated (≤ 3 stars),
    then repeats, then a random fill that is the same all week (seeded by ``week``)."""
    ordered = sorted(candidates, key=lambda c: c.visit_id)
    picked = []

    def take(visits):
        for visit in visits:
            if len(picked) < limit and visit.visit_id not in picked:
                picked.append(visit.visit_id)

    take(c for c in ordered if c.disputed)
    take(
        sorted((c for c in ordered if c.stars is not None and c.stars <= 3), key=lambda c: c.stars)
    )
    take(c for c in ordered if c.repeated)
    rest = [c for c in ordered if c.visit_id not in picked]
    random.Random(week.toordinal()).shuffle(rest)
    take(rest)
    return picked


def coaching_rows(done_groups, repeat_groups, top=3) -> list:
    """Per (job type, technician): done, fixed first time, repeats and their top reasons.

    ``done_groups`` is [((job type, technician), done, fixed first time)];
    ``repeat_groups`` is [((job type, technician), reason, count)], the reason being what the
    repeat visit was booked for. Rows with the most repeats come first.
    """
    reasons = {}
    for key, reason, count in repeat_groups:
        reasons.setdefault(key, []).append((reason, count))
    rows = []
    for key, done, fixed in done_groups:
        top_reasons = sorted(reasons.get(key, []), key=lambda r: (-r[1], str(r[0])))[:top]
        rows.append(
            {
                "key": key,
                "done": done,
                "first_time_fix_rate": _ratio(fixed, done),
                "repeats": sum(count for _reason, count in reasons.get(key, [])),
                "reasons": top_reasons,
            }
        )
    return sorted(rows, key=lambda r: (-r["repeats"], -(r["done"] or 0)))
