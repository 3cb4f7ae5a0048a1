"""A report's history as people read it: what happened in words, and who did it by name and
organisation (issue #13: the page showed ``report.created`` and usernames).

The audit trail keeps the codes, which stay stable for auditors and exports; the words are
chosen here, one per code. A code without words yet (a new action) is shown as "Changed", never
as the raw code.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, Membership
from incidents.models import Report

ACTION_LABELS = {
    "report.created": _("Filed"),
    "report.updated": _("Edited"),
    "report.deleted": _("Deleted"),
    "report.viewed": _("Opened"),
    "report.exported": _("Exported"),
    "report.new": _("Marked as new again"),
    "report.reviewed": _("Reviewed"),
    "report.linked": _("Linked to a problem"),
    "report.dismissed": _("Dismissed"),
    "report.place_corrected": _("Place corrected"),
    "report.category_corrected": _("Category corrected"),
    "report.placed_again": _("Placed again after a change of the map"),
}
UNKNOWN_ACTION = _("Changed")
NO_NAME = _("(no name on record)")


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    who: str
    organisation: str
    what: str


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, UNKNOWN_ACTION))


def _who(event: AuditEvent) -> tuple[str, str]:
    """The person's full name and organisations; a system without a user account (an API
    client, a job) by the name it was recorded under."""
    user = event.actor
    if user is None:
        return event.actor_label, ""
    organisations = sorted({m.organisation.name for m in user.memberships.all()})
    return user.get_full_name() or str(NO_NAME), ", ".join(organisations)


def report_history(*, report: Report) -> list[HistoryRow]:
    """The report's audit events, oldest first, in words. Three queries whatever the length."""
    events = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Report), object_id=str(report.pk)
        )
        .select_related("actor")
        .prefetch_related(
            Prefetch(
                "actor__memberships",
                queryset=Membership.objects.select_related("organisation"),
            )
        )
        .order_by("at", "id")
    )
    rows = []
    for event in events:
        who, organisation = _who(event)
        rows.append(HistoryRow(event.at, who, organisation, action_label(event.action)))
    return rows
