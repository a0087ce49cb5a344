from datetime import date

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
            "fix_attempts": 8,
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
    assert kpi.trend(8.1, 7.2, "resched_customer_rate") == "worse", "more moves: more churn"
    assert kpi.trend(5, 5, "nps") == "flat"
    assert kpi.trend(None, 5, "nps") is None


from datetime import datetime  # noqa: E402

P = kpi.PromiseFact


def test_measures_of_a_visit_moved_by_the_customer_and_arriving_in_the_new_window():
    promises = [
        P(1, datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 10), datetime(2026, 3, 1, 9), "booking"),
        P(
            2,
            datetime(2026, 3, 2, 13),
            datetime(2026, 3, 2, 15),
            datetime(2026, 3, 1, 10),
            "customer",
        ),
    ]
    row = kpi.visit_measures(
        state="done",
        arrived_at=datetime(2026, 3, 2, 14),
        promises=promises,
        rating=(2, 3),
        disputed=True,
    )
    assert (row["on_time_latest"], row["on_time_original"]) == (1, 0)
    assert (row["resched_customer"], row["resched_company"]) == (1, 0)
    assert (row["detractors"], row["promoters"], row["rating_sum"], row["disputed"]) == (1, 0, 2, 1)
    assert row["first_time_fix"] == 1


def test_a_promise_made_after_arrival_does_not_count():
    promises = [
        P(1, datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 10), datetime(2026, 3, 1), "booking"),
        P(
            2,
            datetime(2026, 3, 2, 11),
            datetime(2026, 3, 2, 12),
            datetime(2026, 3, 2, 11),
            "company",
        ),
    ]
    row = kpi.visit_measures(state="on_site", arrived_at=datetime(2026, 3, 2, 9), promises=promises)
    assert row["on_time_latest"] == 1


def test_delay_notice_is_measured_against_the_window_it_replaced():
    promises = [
        P(1, datetime(2026, 3, 4, 13), datetime(2026, 3, 4, 15), datetime(2026, 3, 1), "booking"),
        P(
            2,
            datetime(2026, 3, 4, 15),
            datetime(2026, 3, 4, 15, 30),
            datetime(2026, 3, 4, 12),
            "delay",
        ),
    ]
    row = kpi.visit_measures(
        state="done", arrived_at=datetime(2026, 3, 4, 15, 10), promises=promises
    )
    assert (row["delay_alerts"], row["delay_notice_min"]) == (1, 180)
    assert (row["on_time_latest"], row["on_time_original"]) == (1, 0)


def test_cancelled_visits_count_only_as_cancelled():
    row = kpi.visit_measures(
        state="cancelled", arrived_at=datetime(2026, 3, 2, 9), planned_travel_min=50
    )
    assert row["cancelled"] == 1
    assert sum(value for key, value in row.items() if key != "cancelled") == 0


def test_no_arrival_no_on_time_but_not_home_reached_the_door():
    row = kpi.visit_measures(state="not_home")
    assert (row["arrived"], row["on_time_latest"], row["reached"], row["not_home"]) == (0, 0, 1, 1)


def test_repeated_visit_is_no_first_time_fix_and_actual_travel_needs_both_times():
    row = kpi.visit_measures(
        state="done",
        arrived_at=datetime(2026, 3, 2, 9),
        en_route_at=datetime(2026, 3, 2, 8, 40),
        repeated_by_open_visit=True,
    )
    assert (row["first_time_fix"], row["travel_actual_min"], row["travel_actual_jobs"]) == (
        0,
        20,
        1,
    )


def test_reminder_confirmation():
    assert (
        kpi.visit_measures(state="scheduled", reminded=True, customer_confirmed=True)[
            "confirmed_after_reminder"
        ]
        == 1
    )
    assert (
        kpi.visit_measures(state="scheduled", customer_confirmed=True)["confirmed_after_reminder"]
        == 0
    )


def test_every_measure_is_produced():
    assert set(kpi.visit_measures(state="scheduled")) == set(kpi.COUNT_FIELDS)


# Tuesday 1 December 2026; Monday-first and Sunday-first weeks.
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("preset", "first_weekday", "expected"),
    [
        ("this_week", 0, (date(2026, 11, 30), TODAY)),
        ("this_week", 6, (date(2026, 11, 29), TODAY)),
        ("last_week", 0, (date(2026, 11, 23), date(2026, 11, 29))),
        ("last_week", 6, (date(2026, 11, 22), date(2026, 11, 28))),
        ("last_4_weeks", 0, (date(2026, 11, 2), date(2026, 11, 29))),
        ("this_month", 0, (date(2026, 12, 1), TODAY)),
        ("this_quarter", 0, (date(2026, 10, 1), TODAY)),
    ],
)
def test_presets_follow_the_week_start_and_never_reach_the_future(preset, first_weekday, expected):
    start, end = kpi.preset_period(preset, TODAY, first_weekday)
    assert (start, end) == expected
    assert end <= TODAY
    assert kpi.week_start(start, first_weekday) == start or preset in ("this_month", "this_quarter")


def test_custom_period_is_clipped_to_today_and_checked():
    assert kpi.preset_period("custom", TODAY, 0, date(2026, 11, 20), date(2026, 12, 31)) == (
        date(2026, 11, 20),
        TODAY,
    )
    with pytest.raises(ValueError, match="ends before"):
        kpi.preset_period("custom", TODAY, 0, date(2026, 11, 20), date(2026, 11, 1))
    with pytest.raises(ValueError, match="future"):
        kpi.preset_period("custom", TODAY, 0, date(2026, 12, 5), date(2026, 12, 9))
    with pytest.raises(ValueError, match="unknown"):
        kpi.preset_period("yesterday", TODAY, 0)


def test_previous_period_has_the_same_length():
    assert kpi.previous_period(date(2026, 11, 2), date(2026, 11, 29)) == (
        date(2026, 10, 5),
        date(2026, 11, 1),
    )


def test_weekly_buckets_days_by_week_start_and_keeps_empty_weeks():
    one = kpi.KpiCounts(arrived=1, on_time_latest=1)
    late = kpi.KpiCounts(arrived=1)
    days = [(date(2026, 11, 29), one), (date(2026, 11, 30), late), (date(2026, 11, 1), one)]
    monday = dict(kpi.weekly(days, 0, date(2026, 11, 16), date(2026, 11, 30)))
    assert list(monday) == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
    assert monday[date(2026, 11, 16)] == kpi.KpiCounts()
    assert kpi.kpis(monday[date(2026, 11, 23)])["on_time_rate"] == 100.0
    assert kpi.kpis(monday[date(2026, 11, 30)])["on_time_rate"] == 0.0
    sunday = dict(kpi.weekly(days, 6, date(2026, 11, 22), date(2026, 11, 29)))
    assert kpi.kpis(sunday[date(2026, 11, 29)])["on_time_rate"] == 50.0


def test_equal_values_trend_flat():
    assert kpi.trend(23.0, 23.0, "travel_actual_per_job") == "flat"


def test_values_equal_as_shown_trend_flat():
    assert (
        kpi.trend(kpi.shown(23.2, "min"), kpi.shown(22.9, "min"), "travel_actual_per_job") == "flat"
    )
    assert kpi.shown(None, "%") is None


def test_friday_reviews_pick_disputes_low_ratings_repeats_then_a_weekly_random_fill():
    C = kpi.ReviewCandidate
    visits = [
        C(1, 5, False, False),
        C(2, 1, False, False),
        C(3, None, True, False),
        C(4, 3, False, False),
        C(5, None, False, True),
        *[C(n, None, False, False) for n in range(6, 30)],
    ]
    week = date(2026, 11, 30)
    picked = kpi.friday_reviews(visits, week)
    assert picked[:4] == [3, 2, 4, 5]
    assert len(picked) == 10 and len(set(picked)) == 10
    assert kpi.friday_reviews(list(reversed(visits)), week) == picked, "same all week"
    assert kpi.friday_reviews(visits, date(2026, 12, 7))[4:] != picked[4:], "another week"
    assert kpi.friday_reviews(visits[:3], week) == [3, 2, 1]


def test_coaching_rows_rank_by_repeats_with_top_reasons():
    rows = kpi.coaching_rows(
        [(("Boiler", "Anna"), 10, 7), (("Leak", "Bob"), 5, 5)],
        [(("Boiler", "Anna"), "Breakdown", 2), (("Boiler", "Anna"), "Leak", 1)],
    )
    assert rows[0]["key"] == ("Boiler", "Anna")
    assert rows[0]["first_time_fix_rate"] == 70.0
    assert rows[0]["repeats"] == 3
    assert rows[0]["reasons"] == [("Breakdown", 2), ("Leak", 1)]
    assert rows[1]["repeats"] == 0 and rows[1]["reasons"] == []


def test_workbook_filename_says_the_period_and_filters():
    from fs_feedback_tools.kpi_workbook import workbook_filename

    assert workbook_filename(date(2026, 3, 2), date(2026, 3, 8)) == (
        "field-service-kpis_2026-03-02_2026-03-08.xlsx"
    )
    assert workbook_filename(date(2026, 3, 2), date(2026, 3, 8), ["Hélène / Lyon Nord", ""]) == (
        "field-service-kpis_2026-03-02_2026-03-08_Hélène-Lyon-Nord.xlsx"
    )


def test_an_unfinished_visit_counts_as_not_fixed_first_time():
    unfinished = kpi.visit_measures(state="unfinished", arrived_at=date(2030, 1, 2))
    done = kpi.visit_measures(state="done", arrived_at=date(2030, 1, 2))
    assert (unfinished["done"], unfinished["fix_attempts"], unfinished["first_time_fix"]) == (
        0,
        1,
        0,
    )
    sums = {name: unfinished[name] + done[name] for name in kpi.COUNT_FIELDS}
    assert kpi.kpis(kpi.KpiCounts.from_sums(sums))["first_time_fix_rate"] == pytest.approx(50.0)
