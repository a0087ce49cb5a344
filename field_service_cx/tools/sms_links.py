"""Short visit links for SMS and how many segments an SMS costs (pure rules).

A short link is ``/v/<visit id in base 36>-<code>``: the code is a keyed hash of the visit's own
access token, so it is as unguessable as ten base-62 characters (about 59 bits) and it changes
when the token rotates (an old SMS link stops working with the long link). Nothing is stored and
no link tracker is involved (Odoo's shortener has 3-character codes).
"""

import hashlib
import hmac
import string

ALPHABET = string.digits + string.ascii_letters  # base 62, safe in a URL path
CODE_LENGTH = 10
BASE36 = string.digits + string.ascii_lowercase

# GSM 03.38: the basic alphabet (one septet each) and the extension table (two septets each).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = BASE36[rest] + digits
        if not number:
            return digits


def short_code(visit_id: int, token: str, secret: str) -> str:
    """The path part of a visit's short link: '<id base 36>-<10 characters>'."""
    if visit_id <= 0 or not token or not secret:
        raise ValueError("a short link needs a visit id, its token and the database secret")
    digest = hmac.new(secret.encode(), f"{visit_id}:{token}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    code = ""
    for _ in range(CODE_LENGTH):
        number, rest = divmod(number, len(ALPHABET))
        code += ALPHABET[rest]
    return f"{_base36(visit_id)}-{code}"


def parse_short_code(code: str) -> int | None:
    """The visit id a short code names, or None when it is not one of ours."""
    head, _sep, tail = (code or "").partition("-")
    if not head or len(tail) != CODE_LENGTH or not set(tail) <= set(ALPHABET):
        return None
    if not set(head) <= set(BASE36) or len(head) > 12:
        return None
    return int(head, 36) or None


def sms_segments(text: str) -> tuple[str, int]:
    """('gsm7' or 'ucs2', segments) an SMS of ``text`` is sent as.

    GSM-7: 160 septets in one segment, 153 per segment when concatenated; extension characters
    count two. Anything outside GSM-7 makes the whole SMS UCS-2: 70, then 67 per segment
    (characters beyond the BMP count two UTF-16 units).
    """
    if all(char in GSM_BASIC or char in GSM_EXTENDED for char in text):
        length = sum(2 if char in GSM_EXTENDED else 1 for char in text)
        return "gsm7", 1 if length <= 160 else -(-length // 153)
    length = sum(2 if ord(char) > 0xFFFF else 1 for char in text)
    return "ucs2", 1 if length <= 70 else -(-length // 67)


# Typography that would make a whole SMS UCS-2 (70 characters a segment), and its GSM-7 twin.
GSM_FRIENDLY = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
    }
)


def gsm_friendly(text: str) -> str:
    """``text`` with dashes, curly quotes and no-break spaces as GSM-7 has them."""
    return text.translate(GSM_FRIENDLY)
