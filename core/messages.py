"""Messages the pages of several apps give in the same words."""

from django.contrib import messages
from django.utils.translation import ngettext


def tell_masked_identity_numbers(request, count: int) -> None:
    """After a save whose free text held identity numbers: they were removed, and why."""
    if not count:
        return
    messages.warning(
        request,
        ngettext(
            "A personal identity number was removed from the text: Trygg holds no "
            "information about individuals.",
            "%(count)d personal identity numbers were removed from the text: Trygg holds "
            "no information about individuals.",
            count,
        )
        % {"count": count},
    )
