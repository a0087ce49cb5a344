"""Phone numbers in E.164, with our own (translatable) reason when a number is not valid."""

from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType


def _lt(text: str) -> str:
    """Marks a reason for the translation template; the model shows it through ``env._``."""
    return text


_REASONS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: _lt("the country code is not valid"),
    phonenumbers.ValidationResult.TOO_SHORT: _lt("the number is too short"),
    phonenumbers.ValidationResult.TOO_LONG: _lt("the number is too long"),
    phonenumbers.ValidationResult.INVALID_LENGTH: _lt("the number has the wrong length"),
}
# The parser's errors, in our words (its own texts are English only).
_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: _lt("the country code is not valid"),
    NumberParseException.NOT_A_NUMBER: _lt("this is not a phone number"),
    NumberParseException.TOO_SHORT_AFTER_IDD: _lt("the number is too short"),
    NumberParseException.TOO_SHORT_NSN: _lt("the number is too short"),
    NumberParseException.TOO_LONG: _lt("the number is too long"),
}
NO_COUNTRY = _lt("no country: write it with its +country code or set the contact's country")
NOT_IN_USE = _lt("it is not a number in use in that country")
NOT_A_NUMBER = _lt("this is not a phone number")
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


@dataclass(frozen=True)
class PhoneCheck:
    e164: str | None
    is_mobile: bool
    problem: str | None  # English, for logs: the model shows "number: reason" translated
    reason: str | None = None  # the problem without the number (marked for translation)


def check_phone(raw: str | None, country_code: str | None) -> PhoneCheck:
    """Parse ``raw`` (national numbers read in ``country_code``, ISO 3166 alpha-2)."""
    if not raw or not raw.strip():
        return PhoneCheck(None, False, None)
    try:
        number = phonenumbers.parse(raw, (country_code or "").upper() or None)
    except NumberParseException as error:
        reason = _PARSE_REASONS.get(error.error_type, NOT_A_NUMBER)
        if error.error_type == NumberParseException.INVALID_COUNTRY_CODE and not country_code:
            reason = NO_COUNTRY
        return PhoneCheck(None, False, f"{raw}: {reason}", reason)
    if not phonenumbers.is_valid_number(number):
        possible = phonenumbers.is_possible_number_with_reason(number)
        reason = _REASONS.get(possible, NOT_IN_USE)
        return PhoneCheck(None, False, f"{raw}: {reason}", reason)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return PhoneCheck(e164, phonenumbers.number_type(number) in _MOBILE_TYPES, None)
