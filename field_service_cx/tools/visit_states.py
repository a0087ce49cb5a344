"""The visit's states and the moves between them."""

TO_SCHEDULE = "to_schedule"
SCHEDULED = "scheduled"
CONFIRMED = "confirmed"
EN_ROUTE = "en_route"
ON_SITE = "on_site"
DONE = "done"
CANCELLED = "cancelled"
NOT_HOME = "not_home"
UNFINISHED = "unfinished"

STATES = [
    (TO_SCHEDULE, "To schedule"),
    (SCHEDULED, "Scheduled"),
    (CONFIRMED, "Confirmed"),
    (EN_ROUTE, "On the way"),
    (ON_SITE, "On site"),
    (DONE, "Done"),
    (CANCELLED, "Cancelled"),
    (NOT_HOME, "Customer not home"),
    (UNFINISHED, "Could not finish"),
]
LABELS = dict(STATES)

# Where each state may go next.
MOVES = {
    TO_SCHEDULE: {SCHEDULED, CANCELLED},
    SCHEDULED: {TO_SCHEDULE, CONFIRMED, EN_ROUTE, CANCELLED},
    CONFIRMED: {TO_SCHEDULE, SCHEDULED, EN_ROUTE, CANCELLED},
    EN_ROUTE: {ON_SITE, NOT_HOME, UNFINISHED, SCHEDULED, CANCELLED},
    ON_SITE: {DONE, NOT_HOME, UNFINISHED},
    NOT_HOME: {SCHEDULED, TO_SCHEDULE, CANCELLED},
    # The work stopped (parts, skill, safety, the customer): a follow-up visit carries it on.
    UNFINISHED: {TO_SCHEDULE},
    CANCELLED: {TO_SCHEDULE},
    DONE: set(),
}

# States in which the visit still has to happen (planned, messaged, routed).
OPEN_STATES = (TO_SCHEDULE, SCHEDULED, CONFIRMED, EN_ROUTE, ON_SITE)
# States in which the visit holds a place in a technician's day.
PLANNED_STATES = (SCHEDULED, CONFIRMED, EN_ROUTE, ON_SITE)
CLOSED_STATES = (DONE, CANCELLED, NOT_HOME, UNFINISHED)


def move_problem(current: str, target: str) -> str | None:
    """Why a visit cannot move from ``current`` to ``target``, or None when it can."""
    if current == target:
        return None
    if target not in MOVES.get(current, set()):
        return f"A visit that is {LABELS[current].lower()} cannot become {LABELS[target].lower()}."
    return None
