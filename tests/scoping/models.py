"""A stand-in confidential record, so the scoping rules are tested apart from any feature."""

from django.conf import settings
from django.db import models

from accounts.access import ScopedQuerySet
from accounts.choices import Confidentiality


class ScopedRecordQuerySet(ScopedQuerySet):
    owner_field = "filed_by"


class ScopedRecord(models.Model):
    """A record with a district, an owning organisation, a level and the person who filed it."""

    title = models.CharField(max_length=50)
    district = models.ForeignKey("areas.District", null=True, on_delete=models.CASCADE)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE)
    confidentiality = models.CharField(max_length=20, choices=Confidentiality.choices)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    objects = ScopedRecordQuerySet.as_manager()

    class Meta:
        app_label = "scoping"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
