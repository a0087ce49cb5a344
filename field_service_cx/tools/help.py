"""Ask for help: who a technician's question goes to, and how far the visit's checklist is.

Ids are plain integers (users); the caller reads them from the database in batch.
"""

from collections.abc import Iterable
from dataclasses import dataclass

# Why these people were asked (the model turns the code into a translated sentence).
EXPERTS = "experts"
ON_DUTY = "on_duty"
OFFICE = "office"
NOBODY = "nobody"


@dataclass(frozen=True)
class Helpers:
    user_ids: tuple[int, ...]
    source: str


def pick_helpers(
    asker: int,
    experts: Iterable[int] = (),
    on_duty: Iterable[int] = (),
    office: int | None = None,
) -> Helpers:
    """The job type's experts when it names some; else the dispatchers working now; else the
    visit's office user (the project's manager, else a dispatcher), so a question is never lost.
    The technician who asks is never his own helper; order is kept, duplicates dropped."""

    def others(ids):
        return tuple(dict.fromkeys(i for i in ids if i and i != asker))

    for source, ids in ((EXPERTS, experts), (ON_DUTY, on_duty), (OFFICE, (office,))):
        chosen = others(ids)
        if chosen:
            return Helpers(chosen, source)
    return Helpers((), NOBODY)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    required_open: int


def checklist_progress(lines: Iterable[tuple[bool, bool]]) -> Progress:
    """``lines`` are (is done, is required) pairs: how many are done, of how many, and how many
    required ones are still open."""
    done = total = required_open = 0
    for is_done, required in lines:
        total += 1
        done += bool(is_done)
        required_open += bool(required and not is_done)
    return Progress(done, total, required_open)
