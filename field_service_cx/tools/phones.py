"""Phone numbers in E.164, with the parser's reason when a number is not valid."""

from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

_REASONS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "the country code is not valid",
    phonenumbers.ValidationResult.TOO_SHORT: "the number is too short",
    phonenumbers.ValidationResult.TOO_LONG: "the number is too long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "the number has the wrong length",
}
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


@dataclass(frozen=True)
class PhoneCheck:
    e164: str | None
    is_mobile: bool
    problem: str | None


def check_phone(raw: str | None, country_code: str | None) -> PhoneCheck:
    """Parse ``raw`` (national numbers read in ``country_code``, ISO 3166 alpha-2)."""
    if not raw or not raw.strip():
        return PhoneCheck(None, False, None)
    try:
        number = phonenumbers.parse(raw, (country_code or "").upper() or None)
    except NumberParseException as error:
        reason = str(error).split(") ", 1)[-1].rstrip(".")
        if error.error_type == NumberParseException.INVALID_COUNTRY_CODE and not country_code:
            reason = "no country: write it with its +country code or set the contact's country"
        return PhoneCheck(None, False, f"{raw}: {reason}")
    if not phonenumbers.is_valid_number(number):
        possible = phonenumbers.is_possible_number_with_reason(number)
        reason = _REASONS.get(possible, "it is not a number in use in that country")
        return PhoneCheck(None, False, f"{raw}: {reason}")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return PhoneCheck(e164, phonenumbers.number_type(number) in _MOBILE_TYPES, None)
