"""Ratings, NPS and the follow-up rules: plain Python, checked before anything is written."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_COMMENT_CHARS = 2000
# What a browser's rater key looks like (secrets.token_urlsafe(32)); anything else is ignored.
RATER_KEY = re.compile(r"[A-Za-z0-9_-]{32,64}")


class FeedbackError(ValueError):
    """Input a customer can correct: ``code`` says what ("missing", "not_whole",
    "out_of_range", "too_long"), ``field`` which answer ("stars", "nps", "comment") and
    ``params`` the numbers; the message is English (logs), the model translates the code."""

    def __init__(self, code: str, field: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.field = field
        self.params = params


@dataclass(frozen=True)
class Feedback:
    stars: int
    nps: int
    comment: str


def _whole_number(raw, field, name, low, high):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise FeedbackError("missing", field, f"Please give {name}.")
    not_whole = FeedbackError(
        "not_whole",
        field,
        f"{name.capitalize()} must be a whole number from {low} to {high}.",
        low=low,
        high=high,
    )
    if isinstance(raw, bool):
        raise not_whole
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise not_whole from None
    if not low <= value <= high:
        raise FeedbackError(
            "out_of_range",
            field,
            f"{name.capitalize()} must be from {low} to {high}, not {value}.",
            low=low,
            high=high,
            value=value,
        )
    return value


def parse_feedback(stars, nps, comment) -> Feedback:
    """Validate raw form values: stars 1–5, NPS 0–10, a plain-text comment of bounded length."""
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise FeedbackError(
            "too_long",
            "comment",
            f"Your comment is too long ({len(text)} characters); "
            f"please keep it under {MAX_COMMENT_CHARS}.",
            length=len(text),
            limit=MAX_COMMENT_CHARS,
        )
    return Feedback(
        stars=_whole_number(stars, "stars", "a star rating", 1, 5),
        nps=_whole_number(nps, "nps", "a recommendation score", 0, 10),
        comment=text,
    )


def nps_category(nps: int) -> str:
    """promoter (9–10), passive (7–8) or detractor (0–6)."""
    if nps >= 9:
        return "promoter"
    if nps >= 7:
        return "passive"
    return "detractor"


def needs_follow_up(stars: int, nps: int) -> bool:
    """Someone calls back when the score says detractor or the stars are 2 or fewer."""
    return nps_category(nps) == "detractor" or stars <= 2


def nps_score(scores) -> float | None:
    """% promoters − % detractors, from −100 to 100; None without any score."""
    scores = list(scores)
    if not scores:
        return None
    promoters = sum(1 for s in scores if nps_category(s) == "promoter")
    detractors = sum(1 for s in scores if nps_category(s) == "detractor")
    return 100.0 * (promoters - detractors) / len(scores)


def may_edit(submitted_at: datetime, now: datetime, edit_minutes: int) -> bool:
    """The same customer may change their rating for a short while after sending it."""
    return now - submitted_at <= timedelta(minutes=edit_minutes)


def rating_open(done_at: datetime | None, now: datetime, window_days: float) -> bool:
    """Ratings are taken for ``window_days`` after the visit was done."""
    return bool(done_at) and now - done_at <= timedelta(days=window_days)


def valid_rater_key(raw) -> str | None:
    """The browser's rater key when it has the shape we issue, else None (a new one is made)."""
    return raw if isinstance(raw, str) and RATER_KEY.fullmatch(raw) else None
