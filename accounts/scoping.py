# A shim for branches written before accounts.access; the lead removes it after merging them.
from accounts.access import Access, Scope, ScopedQuerySet, access_for, visibility_filter

__all__ = ["Access", "Scope", "ScopedQuerySet", "access_for", "visibility_filter"]
