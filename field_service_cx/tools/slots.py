"""The windows a booking may offer: only where a qualified technician is working."""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    technicians: tuple


def offered_windows(
    working: Mapping[Hashable, Iterable[tuple[datetime, datetime]]],
    candidates: Iterable[tuple[datetime, datetime]],
    service_minutes: int,
) -> list[Slot]:
    """The candidate windows in which at least one technician can arrive and finish the job.

    ``working`` maps each qualified technician to their working intervals that day (time off
    already removed); a technician fits a window when one interval holds an arrival at the
    window's start and the whole service after it.
    """
    service = timedelta(minutes=service_minutes)
    intervals = {tech: list(spans) for tech, spans in working.items()}
    offered = []
    for start, end in candidates:
        fitting = tuple(
            tech
            for tech, spans in intervals.items()
            if any(
                span_start <= start and start + service <= span_end
                for span_start, span_end in spans
            )
        )
        if fitting:
            offered.append(Slot(start, end, fitting))
    return offered


def day_grid(day_start: datetime, first_hour: int, last_hour: int, window_minutes: int):
    """Back-to-back windows of ``window_minutes`` from first_hour to last_hour (local)."""
    start = day_start.replace(hour=first_hour, minute=0, second=0, microsecond=0)
    stop = day_start.replace(hour=last_hour, minute=0, second=0, microsecond=0)
    length = timedelta(minutes=window_minutes)
    while start + length <= stop:
        yield start, start + length
        start += length
