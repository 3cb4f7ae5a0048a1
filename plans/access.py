# A shim for branches written before accounts.access; the lead removes it after merging them.
from accounts.access import EDIT, FOLLOW_UP, READ, SIGN, can, district_ids
from accounts.access import organisation_ids as _organisation_ids

_PLANS = "plans.problem"


def reader_district_ids(user):
    return district_ids(user, READ, _PLANS)


def reads_district(user, district_id):
    return can(user, READ, _PLANS, district=district_id)


def reads_public_measures(user):
    return can(user, READ, "plans.measure", public=True)


def editor_district_ids(user):
    return district_ids(user, EDIT, _PLANS) or frozenset()


def may_edit(user, district_id):
    return can(user, EDIT, _PLANS, district=district_id)


def follow_up_district_ids(user):
    return district_ids(user, FOLLOW_UP, _PLANS) or frozenset()


def may_follow_up(user, district_id):
    return can(user, FOLLOW_UP, _PLANS, district=district_id)


def managed_organisation_ids(user, district_id):
    return _organisation_ids(user, SIGN, "plans.actionplan", district=district_id)


__all__ = [
    "editor_district_ids",
    "follow_up_district_ids",
    "managed_organisation_ids",
    "may_edit",
    "may_follow_up",
    "reader_district_ids",
    "reads_district",
    "reads_public_measures",
]
