from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    SOCIAL_SERVICES = "social_services", _("City social services")
    POLICE = "police", _("Police")
    HOUSING = "housing", _("Housing company")
    TRANSPORT = "transport", _("Transport")
    SCHOOL = "school", _("School")
    ASSOCIATION = "association", _("Association")
    SECURITY = "security", _("Security company")
    OTHER = "other", _("Other")


# The two parties of the agreement: their staff may read each other's `partnership` records.
PARTNERSHIP_KINDS = frozenset({OrganisationKind.SOCIAL_SERVICES, OrganisationKind.POLICE})


class Role(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    ANALYST = "analyst", _("Analyst")
    MANAGER = "manager", _("Manager")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Administrator")


# Roles that may read records at all; an administrator manages the portal, not its content.
CONTENT_ROLES = frozenset({Role.REPORTER, Role.ANALYST, Role.MANAGER, Role.COORDINATOR})
# Roles that curate a district's records (review, import, export, write the lägesbild).
ANALYST_ROLES = frozenset({Role.ANALYST, Role.MANAGER})
# Roles that file reports for their organisation (and so may upload a CSV of them).
FILING_ROLES = (Role.REPORTER, Role.ANALYST, Role.MANAGER)


class Confidentiality(models.TextChoices):
    PARTNERSHIP = "partnership", _("Partnership: city and police staff of the district")
    ORGANISATION = "organisation", _("Organisation: only the owning organisation")


class ApiScope(models.TextChoices):
    """What a partner system's token may do; its organisation and districts say where."""

    REPORTS_READ = "reports:read", _("Read the organisation's reports")
    REPORTS_WRITE = "reports:write", _("File, change and delete the organisation's reports")
    OVERVIEW_READ = "overview:read", _("Read aggregates")
    PLANS_READ = "plans:read", _("Read problems and plans")
    PLANS_WRITE = "plans:write", _("Write problems and plans")
