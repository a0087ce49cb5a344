import pytest
from fs_feedback_tools import kpi


def test_rates_from_sums():
    counts = kpi.KpiCounts.from_sums(
        {
            "visits": 10,
            "arrived": 8,
            "on_time_latest": 6,
            "on_time_original": 4,
            "done": 8,
            "first_time_fix": 7,
            "repeats": 1,
            "travel_planned_min": 120,
            "travel_planned_jobs": 8,
            "rating_requests": 8,
            "ratings": 4,
            "rating_sum": 18,
            "nps_answers": 4,
            "promoters": 2,
            "detractors": 1,
            "disputed": 2,
            "resched_customer": 1,
            "resched_company": 2,
            "not_home": 1,
            "reached": 9,
            "delay_alerts": 2,
            "delay_notice_min": 50,
        }
    )
    values = kpi.kpis(counts)
    assert values["on_time_rate"] == pytest.approx(75.0)
    assert values["on_time_original_rate"] == pytest.approx(50.0)
    assert values["first_time_fix_rate"] == pytest.approx(87.5)
    assert values["repeat_rate"] == pytest.approx(12.5)
    assert values["travel_planned_per_job"] == pytest.approx(15.0)
    assert values["travel_actual_per_job"] is None
    assert values["rating_rate"] == pytest.approx(50.0)
    assert values["average_rating"] == pytest.approx(4.5)
    assert values["nps"] == pytest.approx(25.0)
    assert values["dispute_rate"] == pytest.approx(25.0)
    assert values["resched_customer_rate"] == pytest.approx(10.0)
    assert values["resched_company_rate"] == pytest.approx(20.0)
    assert values["not_home_rate"] == pytest.approx(100 / 9)
    assert values["delay_notice"] == pytest.approx(25.0)


def test_no_data_is_none_not_zero():
    assert all(value is None for value in kpi.kpis(kpi.KpiCounts()).values())


def test_missing_sums_count_as_zero():
    assert kpi.KpiCounts.from_sums({"visits": None}).visits == 0


def test_every_kpi_has_a_label():
    assert {key for key, _label, _unit in kpi.KPI_LABELS} == set(kpi.kpis(kpi.KpiCounts()))


def test_trend_reads_the_direction_that_is_good():
    assert kpi.trend(90, 80, "on_time_rate") == "better"
    assert kpi.trend(10, 5, "dispute_rate") == "worse"
    assert kpi.trend(5, 10, "dispute_rate") == "better"
    assert kpi.trend(5, 5, "nps") == "flat"
    assert kpi.trend(None, 5, "nps") is None
