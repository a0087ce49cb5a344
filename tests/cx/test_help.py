from fs_cx_tools import help as help_rules


def test_experts_win_over_the_dispatchers_on_duty():
    helpers = help_rules.pick_helpers(1, experts=[7, 8], on_duty=[3], office=4)
    assert helpers == help_rules.Helpers((7, 8), help_rules.EXPERTS)


def test_dispatchers_on_duty_when_the_job_type_names_no_expert():
    helpers = help_rules.pick_helpers(1, experts=[], on_duty=[3, 5, 3], office=4)
    assert helpers == help_rules.Helpers((3, 5), help_rules.ON_DUTY)


def test_the_office_user_when_nobody_works_now():
    assert help_rules.pick_helpers(1, on_duty=[], office=4) == help_rules.Helpers(
        (4,), help_rules.OFFICE
    )


def test_the_asker_is_never_his_own_helper():
    # A dispatcher who is the only expert (or the only one on duty) falls through to the next.
    assert help_rules.pick_helpers(3, experts=[3], on_duty=[3, 5]).user_ids == (5,)
    assert help_rules.pick_helpers(3, experts=[3], on_duty=[3], office=3) == help_rules.Helpers(
        (), help_rules.NOBODY
    )
    assert help_rules.pick_helpers(1, office=None).source == help_rules.NOBODY


def test_checklist_progress_counts_done_and_required_open():
    lines = [(True, True), (False, True), (False, False), (True, False)]
    assert help_rules.checklist_progress(lines) == help_rules.Progress(2, 4, 1)
    assert help_rules.checklist_progress([]) == help_rules.Progress(0, 0, 0)
