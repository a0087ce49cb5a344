"""Skill matching: the one rule used by the visit form, the booking wizard and the route planner.

A technician qualifies for a visit when every required skill is held at or above the required
level. Skills are keys (any hashable: an ``hr.skill`` id, a name); levels are integers (the
``level_progress`` percentage of ``hr.skill.level``).
"""

from collections.abc import Hashable, Iterable, Mapping


def missing_skills(required: Mapping[Hashable, int], held: Mapping[Hashable, int]) -> list:
    """The required skills that are not held at the required level, in the order required."""
    return [skill for skill, level in required.items() if held.get(skill, -1) < level]


def qualifies(required: Mapping[Hashable, int], held: Mapping[Hashable, int]) -> bool:
    """True when every required skill is held at or above its level."""
    return not missing_skills(required, held)


def eligible_technicians(
    required: Mapping[Hashable, int], technicians: Mapping[Hashable, Mapping[Hashable, int]]
) -> list:
    """The technicians (keys of ``technicians``) who qualify, in the order given."""
    return [tech for tech, held in technicians.items() if qualifies(required, held)]


def strongest_requirements(pairs: Iterable[tuple[Hashable, int]]) -> dict:
    """Merge (skill, level) pairs, keeping the highest level asked for each skill."""
    merged: dict = {}
    for skill, level in pairs:
        merged[skill] = max(level, merged.get(skill, level))
    return merged
