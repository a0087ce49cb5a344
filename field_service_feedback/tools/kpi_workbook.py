"""The KPI workbook: one sheet per dimension, formatted for people, with a weekly chart."""

import io
import re
from collections.abc import Callable, Sequence

import xlsxwriter

from .kpi import KPI_LABELS, KpiCounts, _lt, kpis

# The workbook's own words, marked for the translation template; shown through ``translate``.
SUMMARY = _lt("Summary")
BY_WEEK = _lt("By week")
WEEK = _lt("Week")
KPI = _lt("KPI")
THIS_PERIOD = _lt("This period")
PREVIOUS_PERIOD = _lt("Previous period")
VISITS = _lt("Visits")
DONE = _lt("Done")
ON_TIME_SERIES = _lt("On-time arrival (%)")
NPS = _lt("NPS")
CHART_TITLE = _lt("On-time arrival and NPS by week")
ON_TIME_AXIS = _lt("On time (%)")

NUMBER_FORMATS = {"%": '0.0" %"', "min": "0", "stars": "0.00", "score": "+0;-0;0"}


def build_workbook(
    title: str,
    summary: Sequence[tuple],
    sheets: Sequence[tuple[str, str, Sequence[tuple[str, KpiCounts]]]],
    weeks: Sequence[tuple[str, KpiCounts]],
    translate: Callable[[str], str] = str,
) -> bytes:
    """An .xlsx file as bytes.

    ``summary`` holds (label, unit, value, previous) rows; ``sheets`` (sheet name, column
    name, [(group label, counts)]); ``weeks`` [(week label, counts)] in time order, charted.
    ``translate`` turns the workbook's own labels into the reader's language.
    """
    tr = translate
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    header = book.add_format(
        {
            "bold": True,
            "bg_color": "#0e7490",
            "font_color": "#ffffff",
            "border": 1,
            "text_wrap": True,
            "valign": "vcenter",
        }
    )
    heading = book.add_format({"bold": True, "font_size": 14})
    formats = {unit: book.add_format({"num_format": fmt}) for unit, fmt in NUMBER_FORMATS.items()}
    count_format = book.add_format({"num_format": "0"})

    summary_sheet = tr(SUMMARY)[:31]
    sheet = book.add_worksheet(summary_sheet)
    sheet.write(0, 0, title, heading)
    sheet.write_row(2, 0, [tr(KPI), tr(THIS_PERIOD), tr(PREVIOUS_PERIOD)], header)
    for row, (label, unit, value, previous) in enumerate(summary, start=3):
        sheet.write(row, 0, label)
        _write_number(sheet, row, 1, value, formats[unit])
        _write_number(sheet, row, 2, previous, formats[unit])
    sheet.set_column(0, 0, 38)
    sheet.set_column(1, 2, 16)
    sheet.freeze_panes(3, 1)

    week_sheet = tr(BY_WEEK)[:31]
    columns = [tr(VISITS), tr(DONE), *[tr(label) for _key, label, _unit in KPI_LABELS]]
    for name, column, groups in (*sheets, (week_sheet, tr(WEEK), weeks)):
        _dimension_sheet(book, name, [column, *columns], groups, header, formats, count_format)
    if weeks:
        chart = _weekly_chart(book, week_sheet, len(weeks), tr)
        book.get_worksheet_by_name(summary_sheet).insert_chart("E3", chart)
    book.close()
    return output.getvalue()


def _write_number(sheet, row, col, value, fmt):
    if value is None:
        sheet.write_blank(row, col, None)
    else:
        sheet.write_number(row, col, value, fmt)


def _dimension_sheet(book, name, columns, groups, header, formats, count_format):
    sheet = book.add_worksheet(name[:31])
    sheet.write_row(0, 0, columns, header)
    for row, (label, counts) in enumerate(groups, start=1):
        values = kpis(counts)
        sheet.write(row, 0, label)
        sheet.write_number(row, 1, counts.visits, count_format)
        sheet.write_number(row, 2, counts.done, count_format)
        for col, (key, _label, unit) in enumerate(KPI_LABELS, start=3):
            _write_number(sheet, row, col, values[key], formats[unit])
    sheet.set_row(0, 42)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, len(columns) - 1, 13)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(groups), 1), len(columns) - 1)


def _weekly_chart(book, week_sheet, count, tr):
    on_time_col = 3 + [key for key, _l, _u in KPI_LABELS].index("on_time_rate")
    nps_col = 3 + [key for key, _l, _u in KPI_LABELS].index("nps")
    chart = book.add_chart({"type": "line"})
    chart.add_series(
        {
            "name": tr(ON_TIME_SERIES),
            "categories": [week_sheet, 1, 0, count, 0],
            "values": [week_sheet, 1, on_time_col, count, on_time_col],
            "marker": {"type": "circle"},
        }
    )
    chart.add_series(
        {
            "name": tr(NPS),
            "categories": [week_sheet, 1, 0, count, 0],
            "values": [week_sheet, 1, nps_col, count, nps_col],
            "y2_axis": True,
            "marker": {"type": "square"},
        }
    )
    chart.set_title({"name": tr(CHART_TITLE)})
    chart.set_y_axis({"name": tr(ON_TIME_AXIS), "min": 0, "max": 100})
    chart.set_y2_axis({"name": tr(NPS), "min": -100, "max": 100})
    chart.set_size({"width": 760, "height": 360})
    return chart


def workbook_filename(date_from, date_to, filters: Sequence[str] = ()) -> str:
    """``field-service-kpis_<from>_<to>[_<filter>…].xlsx``; filter names made file-safe."""
    parts = ["field-service-kpis", str(date_from), str(date_to)]
    for name in filters:
        safe = re.sub(r"[^\w]+", "-", name, flags=re.UNICODE).strip("-")
        if safe:
            parts.append(safe)
    return "_".join(parts) + ".xlsx"
