import pytest
from fs_cx_tools import sms_links


def test_short_code_is_stable_short_and_changes_with_the_token():
    code = sms_links.short_code(4242, "token-a", "secret")
    assert code == sms_links.short_code(4242, "token-a", "secret")
    assert code != sms_links.short_code(4242, "token-b", "secret"), "a new token, a new link"
    assert code != sms_links.short_code(4242, "token-a", "other secret")
    assert code.startswith("39u-") and len(code) == len("39u-") + sms_links.CODE_LENGTH
    assert sms_links.parse_short_code(code) == 4242


@pytest.mark.parametrize(
    "bad", ["", "39u", "39u-short", "39u-0123456789x", "-0123456789", "!-0123456789"]
)
def test_parse_refuses_what_is_not_a_short_code(bad):
    assert sms_links.parse_short_code(bad) is None


def test_short_code_needs_its_inputs():
    with pytest.raises(ValueError, match="needs a visit id"):
        sms_links.short_code(0, "token", "secret")


def test_segments_gsm7_and_ucs2():
    assert sms_links.sms_segments("a" * 160) == ("gsm7", 1)
    assert sms_links.sms_segments("a" * 161) == ("gsm7", 2)
    assert sms_links.sms_segments("€" * 80) == ("gsm7", 1), "extension characters count two"
    assert sms_links.sms_segments("€" * 81) == ("gsm7", 2)
    assert sms_links.sms_segments("Réparation à 15:00, déjà vu") == ("gsm7", 1)
    assert sms_links.sms_segments("ç" + "a" * 69) == ("ucs2", 1), "ç is not GSM-7"
    assert sms_links.sms_segments("ő" + "a" * 70) == ("ucs2", 2)


def test_typography_does_not_force_ucs2():
    text = sms_links.gsm_friendly("Lyon Confort : mardi 24 novembre, 13:00–15:00 ’…’")
    assert text == "Lyon Confort : mardi 24 novembre, 13:00-15:00 '...'"
    assert sms_links.sms_segments(text)[0] == "gsm7"
