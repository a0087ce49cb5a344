"""The technician's day on paper: one sheet per technician, stops in route order."""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import xlsxwriter


def _lt(label: str) -> str:
    """Marks a label for the translation template (Odoo's exporter reads ``_lt``); the model
    passes ``translate`` (``env._``) to show it in the reader's language."""
    return label


COLUMNS = (
    (_lt("Stop"), 6),
    (_lt("Window"), 14),
    (_lt("ETA"), 8),
    (_lt("Customer"), 24),
    (_lt("Address"), 36),
    (_lt("Phone"), 16),
    (_lt("Job"), 20),
    (_lt("Parts kit"), 34),
    (_lt("Access notes"), 34),
)
NO_VISITS = _lt("No visits")


@dataclass(frozen=True)
class SheetStop:
    sequence: int
    window: str
    eta: str
    customer: str
    address: str
    phone: str
    job: str
    parts: str
    access: str


@dataclass(frozen=True)
class DayStop:
    """One visit of the day, in route order, as the summary needs it."""

    window_start: datetime | None
    eta: datetime | None
    travel_minutes: float
    travel_km: float
    is_open: bool


@dataclass(frozen=True)
class DaySummary:
    visits: int
    open_visits: int
    first_departure: datetime | None
    km: float


def summarize_day(stops: Sequence[DayStop]) -> DaySummary:
    """Visits, those still open, when to leave for the first one, and the planned kilometres.

    The departure is the first stop's planned arrival (else its window's start) less its
    planned travel time.
    """
    departure = None
    if stops:
        first = stops[0]
        arrival = first.eta or first.window_start
        if arrival:
            departure = arrival - timedelta(minutes=max(first.travel_minutes, 0.0))
    return DaySummary(
        visits=len(stops),
        open_visits=sum(1 for stop in stops if stop.is_open),
        first_departure=departure,
        km=round(sum(max(stop.travel_km, 0.0) for stop in stops), 1),
    )


def build_day_sheets(
    title: str,
    days: Sequence[tuple[str, Sequence[SheetStop]]],
    translate: Callable[[str], str] = str,
) -> bytes:
    """An .xlsx with one sheet per (technician name, stops); ``translate`` turns our labels
    into the reader's language."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    header = book.add_format(
        {"bold": True, "bg_color": "#0e7490", "font_color": "#ffffff", "border": 1}
    )
    heading = book.add_format({"bold": True, "font_size": 14})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    used = set()
    for name, stops in days or [(translate(NO_VISITS), [])]:
        sheet_name = _unique_sheet_name(name, used)
        sheet = book.add_worksheet(sheet_name)
        sheet.write(0, 0, f"{title} – {name}", heading)
        sheet.write_row(2, 0, [translate(label) for label, _width in COLUMNS], header)
        for col, (_label, width) in enumerate(COLUMNS):
            sheet.set_column(col, col, width)
        for row, stop in enumerate(stops, start=3):
            sheet.write_row(
                row,
                0,
                [
                    stop.sequence,
                    stop.window,
                    stop.eta,
                    stop.customer,
                    stop.address,
                    stop.phone,
                    stop.job,
                    stop.parts,
                    stop.access,
                ],
                wrap,
            )
        sheet.freeze_panes(3, 1)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(2)
    book.close()
    return output.getvalue()


def _unique_sheet_name(name: str, used: set) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:28] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in used:
        candidate = f"{base[:25]} {number}"
        number += 1
    used.add(candidate.lower())
    return candidate
