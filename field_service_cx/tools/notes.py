"""Notes for the office with data in them: a text marked for translation and its parameters.

Pure rules say *what* happened (a ``Note``); models say it in the reader's language with
``env._(note.text, **params)``, formatting datetimes with babel. Parameters may be plain
values, datetimes (aware: shown in their zone; naive: UTC), times, other notes, or tuples of
notes (said one after the other, separated by "; ").
"""

from dataclasses import dataclass, field


def _lt(text: str) -> str:
    """Marks a text for the translation template (Odoo's exporter reads ``_lt``)."""
    return text


@dataclass(frozen=True)
class Note:
    text: str  # English source with %(name)s placeholders, translated by the model
    params: dict = field(default_factory=dict)

    def english(self) -> str:
        """The untranslated text (logs, pure tests)."""
        values = {name: _english(value) for name, value in self.params.items()}
        return self.text % values if values else self.text


def _english(value):
    if isinstance(value, Note):
        return value.english()
    if isinstance(value, tuple):
        return "; ".join(_english(part) for part in value)
    return value
