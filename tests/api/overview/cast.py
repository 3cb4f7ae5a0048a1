"""The overview API tests' shared data: the reports on known days and the error shape."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from accounts.choices import Confidentiality
from incidents.choices import SourceKind

URL = "/api/v1/overview/counts/"
ORG, SHARED = Confidentiality.ORGANISATION, Confidentiality.PARTNERSHIP
PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def noon_hours_ago(days_ago: int) -> float:
    """``hours_ago`` for ``make_report`` that lands at local noon ``days_ago`` days back, so
    that a report never slips into another day (or month) with the clock of the test run."""
    local = ZoneInfo(settings.TIME_ZONE)
    noon = datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(12), local)
    return (timezone.now() - noon).total_seconds() / 3600


def day_iso(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


# The reports every test here counts: (district, organisation, confidentiality, category,
# source, days ago, how many, in a primärområde). The district's own primärområde when the
# last field is set.
F_OBS, P_EVENT, PARTNER = (
    SourceKind.FIELD_OBSERVATION,
    SourceKind.POLICE_EVENT,
    SourceKind.PARTNER_SYSTEM,
)
REPORTS = [
    # Centrum: the partnership's reports, police-only ones, and a housing company's.
    ("centrum", "sf_centrum", SHARED, "narkotikahandel", F_OBS, 1, 2, True),
    ("centrum", "sf_centrum", SHARED, "narkotikahandel", F_OBS, 9, 2, False),
    ("centrum", "lpo_city", ORG, "vald", P_EVENT, 1, 2, False),
    ("centrum", "lpo_city", SHARED, "klotter", P_EVENT, 65, 1, True),
    ("centrum", "bostad", ORG, "skadegorelse", PARTNER, 2, 1, False),
    ("hisingen", "sf_hisingen", SHARED, "brak", F_OBS, 2, 1, False),
    ("hisingen", "lpo_hisingen", ORG, "hot", P_EVENT, 33, 1, True),
    # Nordost, as Bostadsbolaget's token sees it one day: 2 and 3 of the police's (not
    # counted: it may not read them), 2 of its own (counted).
    ("nordost", "lpo_city", SHARED, "narkotikahandel", P_EVENT, 1, 2, False),
    ("nordost", "bostad", ORG, "skadegorelse", PARTNER, 1, 2, True),
    ("nordost", "lpo_city", SHARED, "klotter", P_EVENT, 1, 3, True),
    ("nordost", "bostad", ORG, "skadegorelse", PARTNER, 33, 1, False),
    # Unplaced: no district, counted citywide for coordinators.
    (None, "sf_centrum", SHARED, "rykten-sociala-medier", F_OBS, 1, 2, False),
    (None, "lpo_city", ORG, "narkotikahandel", P_EVENT, 1, 1, False),
]


def ok_body(response) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"computed_at", "counted", "results"}
    return body


def problem_body(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    return body
