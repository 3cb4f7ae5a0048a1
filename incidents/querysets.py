from accounts.scoping import ScopedQuerySet


class ReportQuerySet(ScopedQuerySet):
    """Reports: visible by district, owning organisation and level; always to their reporter."""

    owner_field = "reporter"
