"""What the plans pages share: messages about a save, and the conflict box."""

from django.contrib import messages
from django.utils.translation import gettext as _

from core.concurrency import EditConflict, field_changes


def tell_change(request, change) -> None:
    """What a change to a plan did besides itself: a revision, or withdrawn signatures."""
    if change.revision is not None:
        messages.info(
            request,
            _("The plan is in force, so the change is kept as revision %(number)d.")
            % {"number": change.revision.number},
        )
    if change.withdrawn_signatures:
        messages.warning(
            request,
            _("The plan changed, so these signatures were withdrawn: %(names)s.")
            % {"names": ", ".join(change.withdrawn_signatures)},
        )


def conflict_context(form, error: EditConflict, *, seen, labels: dict[str, str]) -> dict:
    """The conflict box: the other person's changes, field by field, against what the editor
    saw. The form keeps the editor's entries and takes the new version, so saving again
    replaces the other person's save knowingly."""
    saved = seen(error.current)
    changes = field_changes(seen=form.seen_values, saved=saved, labels=labels)
    form.take_version(error.current.version, saved)
    return {"conflict": error, "changes": changes}
