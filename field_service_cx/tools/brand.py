"""The company's colours as the customer sees them: defaults, and text that stays readable.

Colours come from the document layout (``res.company.primary_color`` / ``secondary_color``,
``#rrggbb``); anything else falls back to the defaults. Contrast follows WCAG 2.1.
"""

import re

DEFAULT_PRIMARY = "#1F4E79"
DEFAULT_SECONDARY = "#E07B00"
DARK_TEXT = "#1A1A1A"
LIGHT_TEXT = "#FFFFFF"
# WCAG AA for normal text: headings and links in the brand colour on white need this much.
MIN_TEXT_CONTRAST = 4.5

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def normalize(colour: str | None, default: str) -> str:
    """``colour`` as ``#RRGGBB`` (3-digit forms expanded), or ``default`` when not a colour."""
    match = _HEX.match((colour or "").strip())
    if not match:
        return default
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits.upper()}"


def luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#RRGGBB`` colour (0 black … 1 white)."""
    channels = []
    for index in (1, 3, 5):
        value = int(colour[index : index + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours (1 … 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background``."""
    return max((LIGHT_TEXT, DARK_TEXT), key=lambda text: contrast(text, background))


def palette(primary: str | None, secondary: str | None) -> dict[str, str]:
    """The page's and report's colours: each brand colour with its text colour, and ``ink``,
    the primary colour for text on white when it is dark enough (else near-black)."""
    primary = normalize(primary, DEFAULT_PRIMARY)
    secondary = normalize(secondary, DEFAULT_SECONDARY)
    return {
        "primary": primary,
        "on_primary": text_on(primary),
        "secondary": secondary,
        "on_secondary": text_on(secondary),
        "ink": primary if contrast(primary, LIGHT_TEXT) >= MIN_TEXT_CONTRAST else DARK_TEXT,
    }


def css_variables(colours: dict[str, str]) -> str:
    """The palette as CSS custom properties (``--fs-primary: #…;``) for a ``style`` attribute."""
    return " ".join(f"--fs-{name.replace('_', '-')}: {value};" for name, value in colours.items())
