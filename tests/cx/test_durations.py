from datetime import datetime, timedelta

import pytest
from fs_cx_tools import durations

T0 = datetime(2026, 3, 2, 9)


def test_quantiles_interpolate_between_ranks_like_a_spreadsheet():
    values = [10, 20, 30, 40, 50]
    assert durations.quantile(values, 0.5) == 30
    assert durations.quantile(values, 0.8) == pytest.approx(42.0)
    assert durations.quantile([7], 0.8) == 7
    assert durations.quantile(reversed(values), 0.0) == 10
    with pytest.raises(ValueError):
        durations.quantile([], 0.5)
    with pytest.raises(ValueError):
        durations.quantile(values, 1.5)


def test_on_site_minutes_keep_only_real_visits():
    assert durations.on_site_minutes(T0, T0 + timedelta(minutes=75)) == 75
    assert durations.on_site_minutes(T0, None) is None
    assert durations.on_site_minutes(None, T0) is None
    assert durations.on_site_minutes(T0, T0) is None, "zero minutes is a button pressed twice"
    assert durations.on_site_minutes(T0, T0 - timedelta(minutes=5)) is None
    assert durations.on_site_minutes(T0, T0 + timedelta(hours=13)) is None, "closed next day"


def test_summary_has_median_p80_and_sample_size():
    stats = durations.summarize([60, 50, 70, 90, 55, 65, 80, 58, 62, 120])
    assert stats.count == 10
    assert stats.p50 == pytest.approx(63.5)
    assert stats.p80 == pytest.approx(82.0)
    assert durations.summarize([]) is None


def test_samples_group_per_job_type_and_per_technician():
    rows = [
        ("boiler", "ann", T0, T0 + timedelta(minutes=60)),
        ("boiler", "ann", T0, T0 + timedelta(minutes=80)),
        ("boiler", "bob", T0, T0 + timedelta(minutes=100)),
        ("boiler", None, T0, T0 + timedelta(minutes=40)),
        ("leak", "bob", T0, None),  # never finished: left out
    ]
    by_job, by_technician = durations.group_samples(rows)
    assert set(by_job) == {"boiler"}
    assert by_job["boiler"].count == 4 and by_job["boiler"].p50 == 70
    assert by_technician[("boiler", "ann")].count == 2
    assert by_technician[("boiler", "bob")].p80 == 100
    assert ("boiler", None) not in by_technician


def test_the_plan_takes_the_technician_then_the_job_type_then_the_constant():
    job = durations.DurationStats(40, 62.0, 81.2)
    ann = durations.DurationStats(12, 50.0, 58.4)
    few = durations.DurationStats(9, 30.0, 35.0)
    assert durations.planned_minutes(60, job, ann) == 59, "P80 by default, rounded up"
    assert durations.planned_minutes(60, job, ann, "p50") == 50
    assert durations.planned_minutes(60, job, few) == 82, "9 visits: the job type's figure"
    assert durations.planned_minutes(60, job) == 82
    new = durations.DurationStats(4, 20.0, 25.0)
    assert durations.planned_minutes(60, new) == 60, "4 visits: the constant"
    assert durations.planned_minutes(60, None) == 60
    with pytest.raises(ValueError):
        durations.planned_minutes(60, job, which="p95")


def test_statistics_are_validated():
    with pytest.raises(ValueError):
        durations.DurationStats(0, 10, 20)
    with pytest.raises(ValueError):
        durations.DurationStats(5, 30, 20)
