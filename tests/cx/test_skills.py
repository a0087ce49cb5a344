from fs_cx_tools import skills


def test_qualifies_at_or_above_level():
    required = {"gas": 50, "electric": 25}
    assert skills.qualifies(required, {"gas": 50, "electric": 100})
    assert skills.qualifies(required, {"gas": 75, "electric": 25, "plumbing": 10})


def test_missing_skill_or_level_is_named_in_order():
    required = {"gas": 50, "electric": 25, "roof": 10}
    assert skills.missing_skills(required, {"gas": 49, "roof": 10}) == ["gas", "electric"]
    assert not skills.qualifies(required, {"gas": 49, "electric": 25, "roof": 10})


def test_no_requirement_means_everyone_qualifies():
    assert skills.eligible_technicians({}, {"ann": {}, "bob": {"gas": 10}}) == ["ann", "bob"]


def test_eligible_keeps_order_and_filters():
    techs = {"ann": {"gas": 100}, "bob": {"gas": 20}, "cy": {"gas": 50}}
    assert skills.eligible_technicians({"gas": 50}, techs) == ["ann", "cy"]


def test_level_zero_requirement_still_needs_the_skill():
    assert not skills.qualifies({"gas": 0}, {})
    assert skills.qualifies({"gas": 0}, {"gas": 0})


def test_strongest_requirements_keeps_highest_level():
    assert skills.strongest_requirements([("gas", 20), ("gas", 60), ("roof", 5)]) == {
        "gas": 60,
        "roof": 5,
    }
