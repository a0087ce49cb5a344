from fs_cx_tools import kits, phones


def test_missing_parts_only_lists_shortfalls():
    assert kits.missing_parts({"valve": 2, "seal": 1}, {"valve": 1, "seal": 3}) == {"valve": 1}
    assert kits.missing_parts({"valve": 2}, {"valve": -4}) == {"valve": 2}


def test_best_pickup_prefers_full_cover_then_distance():
    missing = {"valve": 1, "seal": 2}
    stock = {"depot": {"valve": 5, "seal": 5}, "van2": {"valve": 1}, "far": {"valve": 9, "seal": 9}}
    distance = {"depot": 12.0, "van2": 1.0, "far": 40.0}
    assert kits.best_pickup(missing, stock, distance) == "depot"
    assert kits.best_pickup(missing, {"van2": {"valve": 1}}, distance) == "van2"
    assert kits.best_pickup({}, stock, distance) is None
    assert kits.best_pickup(missing, {"x": {}}, distance) is None


def test_phone_national_number_becomes_e164_with_country():
    check = phones.check_phone("06 12 34 56 78", "FR")
    assert check.e164 == "+33612345678" and check.is_mobile and check.problem is None


def test_landline_is_valid_but_not_mobile():
    check = phones.check_phone("01 42 68 53 00", "fr")
    assert check.e164 == "+33142685300" and not check.is_mobile


def test_invalid_numbers_carry_the_parsers_reason():
    assert "too short" in phones.check_phone("+33 6 12", None).problem
    assert "country" in phones.check_phone("0612345678", None).problem
    assert phones.check_phone("not a phone", "FR").problem


def test_empty_number_is_no_problem():
    assert phones.check_phone("  ", "FR") == phones.PhoneCheck(None, False, None)


def test_parser_errors_are_said_in_our_translatable_words():
    assert phones.check_phone("not a phone", "FR").reason == phones.NOT_A_NUMBER
    assert phones.check_phone("+33 6", None).reason == "the number is too short"
