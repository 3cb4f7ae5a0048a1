"""Model fields that never store a personal identity number.

Every free-text column of a confidential model (reports, situation pictures, problems, causes,
plans, revisions, measures, follow-ups, priority notes and decisions, import runs) is one of
these. They mask (``core.identity_numbers``) on the one road every ORM write takes to the
database, ``get_prep_value``: ``Model.save`` (so forms, services and the admin),
``bulk_create``, ``bulk_update`` and ``QuerySet.update`` alike, and a lookup is masked the
same way, so a filter by an external id finds the stored (masked) row. ``pre_save`` puts the
masked text back on the instance, so what a view shows after saving is what was stored.

The services still mask before saving: they count what they removed, to tell the writer
(``core.messages.tell_masked_identity_numbers``) and the audit trail. These fields are the
floor under them, for the write path someone forgets. Raw SQL is the one way around them.

Migrations see the plain Django field (``deconstruct``): masking is behaviour, not schema,
so turning it on for a column costs no migration.
"""

from django.db import models

from core.identity_numbers import mask_identity_numbers


def mask_text(value, max_length: int | None = None):
    """``value`` masked if it is text, else unchanged."""
    if isinstance(value, str):
        return mask_identity_numbers(value, max_length=max_length)[0]
    return value


def mask_json(value):
    """Every string in a JSON value (keys too) masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {mask_json(key): mask_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_json(item) for item in value]
    return value


class _MasksIdentityNumbers:
    _plain_field = ""

    def _mask(self, value):
        return mask_text(value)

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        masked = self._mask(value)
        if masked != value:
            setattr(model_instance, self.attname, masked)
        return masked

    def get_prep_value(self, value):
        # After the parent's conversion: a number given for a text column becomes text first.
        return self._mask(super().get_prep_value(value))

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, self._plain_field, args, kwargs


class MaskedCharField(_MasksIdentityNumbers, models.CharField):
    """A ``CharField`` that masks identity numbers, cut to ``max_length`` if the mask is
    longer than the number it replaced."""

    _plain_field = "django.db.models.CharField"

    def _mask(self, value):
        return mask_text(value, self.max_length)


class MaskedTextField(_MasksIdentityNumbers, models.TextField):
    """A ``TextField`` that masks identity numbers."""

    _plain_field = "django.db.models.TextField"


class MaskedJSONField(_MasksIdentityNumbers, models.JSONField):
    """A ``JSONField`` whose strings are masked (e.g. a CSV's refused values, a snapshot)."""

    _plain_field = "django.db.models.JSONField"

    def _mask(self, value):
        return mask_json(value)
