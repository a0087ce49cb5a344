"""The KPI workbook: one sheet per dimension, formatted for people, with a weekly chart."""

import io
import re
from collections.abc import Sequence

import xlsxwriter

from .kpi import KPI_LABELS, KpiCounts, kpis

NUMBER_FORMATS = {"%": '0.0" %"', "min": "0", "stars": "0.00", "score": "+0;-0;0"}


def build_workbook(
    title: str,
    summary: Sequence[tuple],
    sheets: Sequence[tuple[str, Sequence[tuple[str, KpiCounts]]]],
    weeks: Sequence[tuple[str, KpiCounts]],
) -> bytes:
    """An .xlsx file as bytes.

    ``summary`` holds (label, unit, value, previous) rows; ``sheets`` (sheet name, [(group
    label, counts)]); ``weeks`` [(week label, counts)] in time order, charted.
    """
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

    sheet = book.add_worksheet("Summary")
    sheet.write(0, 0, title, heading)
    sheet.write_row(2, 0, ["KPI", "This period", "Previous period"], header)
    for row, (label, unit, value, previous) in enumerate(summary, start=3):
        sheet.write(row, 0, label)
        _write_number(sheet, row, 1, value, formats[unit])
        _write_number(sheet, row, 2, previous, formats[unit])
    sheet.set_column(0, 0, 38)
    sheet.set_column(1, 2, 16)
    sheet.freeze_panes(3, 1)

    for name, groups in (*sheets, ("By week", weeks)):
        _dimension_sheet(book, name, groups, header, formats, count_format)
    if weeks:
        _weekly_chart(book, len(weeks))
    book.close()
    return output.getvalue()


def _write_number(sheet, row, col, value, fmt):
    if value is None:
        sheet.write_blank(row, col, None)
    else:
        sheet.write_number(row, col, value, fmt)


def _dimension_sheet(book, name, groups, header, formats, count_format):
    sheet = book.add_worksheet(name[:31])
    columns = ["Visits", "Done", *[label for _key, label, _unit in KPI_LABELS]]
    sheet.write_row(0, 0, [name.replace("By ", "").capitalize(), *columns], header)
    for row, (label, counts) in enumerate(groups, start=1):
        values = kpis(counts)
        sheet.write(row, 0, label)
        sheet.write_number(row, 1, counts.visits, count_format)
        sheet.write_number(row, 2, counts.done, count_format)
        for col, (key, _label, unit) in enumerate(KPI_LABELS, start=3):
            _write_number(sheet, row, col, values[key], formats[unit])
    sheet.set_row(0, 42)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, len(columns), 13)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(groups), 1), len(columns))


def _weekly_chart(book, count):
    on_time_col = 3 + [key for key, _l, _u in KPI_LABELS].index("on_time_rate")
    nps_col = 3 + [key for key, _l, _u in KPI_LABELS].index("nps")
    chart = book.add_chart({"type": "line"})
    chart.add_series(
        {
            "name": "On-time arrival (%)",
            "categories": ["By week", 1, 0, count, 0],
            "values": ["By week", 1, on_time_col, count, on_time_col],
            "marker": {"type": "circle"},
        }
    )
    chart.add_series(
        {
            "name": "NPS",
            "categories": ["By week", 1, 0, count, 0],
            "values": ["By week", 1, nps_col, count, nps_col],
            "y2_axis": True,
            "marker": {"type": "square"},
        }
    )
    chart.set_title({"name": "On-time arrival and NPS by week"})
    chart.set_y_axis({"name": "On time (%)", "min": 0, "max": 100})
    chart.set_y2_axis({"name": "NPS", "min": -100, "max": 100})
    chart.set_size({"width": 760, "height": 360})
    book.get_worksheet_by_name("Summary").insert_chart("E3", chart)


def workbook_filename(date_from, date_to, filters: Sequence[str] = ()) -> str:
    """``field-service-kpis_<from>_<to>[_<filter>…].xlsx``; filter names made file-safe."""
    parts = ["field-service-kpis", str(date_from), str(date_to)]
    for name in filters:
        safe = re.sub(r"[^\w]+", "-", name, flags=re.UNICODE).strip("-")
        if safe:
            parts.append(safe)
    return "_".join(parts) + ".xlsx"
