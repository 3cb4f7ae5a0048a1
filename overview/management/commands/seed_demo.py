"""Demo organisations and users for `make run`. Never in production (settings.TRYGG_DEMO off)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.choices import OrganisationKind, Role
from accounts.models import Membership, Organisation, User
from accounts.second_factor import TOTP_DEVICE_NAME, second_factor_required
from areas.models import District, PoliceArea
from overview.demo import demo_reports_create
from overview.demo_model import DAYS, effect_start
from overview.services.plans_rollup import rollup_plans
from overview.services.rollup import rollup_changes
from plans.demo import DemoCast, demo_plans_create

# (slug, name, kind, district slug, police area slug)
ORGANISATIONS = [
    ("sf-centrum", "Socialförvaltning Centrum", OrganisationKind.SOCIAL_SERVICES, "centrum", None),
    (
        "sf-hisingen",
        "Socialförvaltning Hisingen",
        OrganisationKind.SOCIAL_SERVICES,
        "hisingen",
        None,
    ),
    ("lpo-city", "LPO City", OrganisationKind.POLICE, None, "lpo-city"),
    ("lpo-hisingen", "LPO Hisingen", OrganisationKind.POLICE, None, "lpo-hisingen"),
    ("trygg-i-goteborg", "Göteborgs Stad, Trygg i Göteborg", OrganisationKind.OTHER, None, None),
    ("bostadsbolaget", "Bostadsbolaget", OrganisationKind.HOUSING, None, None),
    # Organisations without demo users, so every district has reports from both sides.
    ("sf-nordost", "Socialförvaltning Nordost", OrganisationKind.SOCIAL_SERVICES, "nordost", None),
    ("sf-sydvast", "Socialförvaltning Sydväst", OrganisationKind.SOCIAL_SERVICES, "sydvast", None),
    ("lpo-angered", "LPO Angered", OrganisationKind.POLICE, None, "lpo-angered"),
    (
        "lpo-sodra-goteborg",
        "LPO Södra Göteborg",
        OrganisationKind.POLICE,
        None,
        "lpo-sodra-goteborg",
    ),
]
# (username, full name, organisation slug, role, district slugs)
USERS = [
    ("samordnare", "Sara Samordnare", "trygg-i-goteborg", Role.COORDINATOR, []),
    ("polis.centrum", "Per Polis", "lpo-city", Role.ANALYST, ["centrum"]),
    ("social.centrum", "Sofia Social", "sf-centrum", Role.ANALYST, ["centrum"]),
    ("social.hisingen", "Hugo Hisingen", "sf-hisingen", Role.ANALYST, ["hisingen"]),
    # The managers who signed the demo plan of Centrum.
    ("chef.polis.centrum", "Paula Polischef", "lpo-city", Role.MANAGER, ["centrum"]),
    ("chef.social.centrum", "Stina Socialchef", "sf-centrum", Role.MANAGER, ["centrum"]),
    ("partner.bostad", "Bo Bostad", "bostadsbolaget", Role.REPORTER, ["nordost"]),
]
# The demo users whose roles require the second factor get a TOTP device with this fixed,
# published secret (README): add it to an authenticator app, or print the current code with
# `make totp USER=samordnare`. A demo secret is no secret, which is why only a local or DEBUG
# run has demo data (settings.TRYGG_DEMO).
DEMO_TOTP_SECRET = "TRYGGDEMOTRYGGDEMOTRYGGDEMOTRYGG"  # noqa: S105


def demo_totp_device_set(user) -> None:
    from base64 import b32decode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = b32decode(DEMO_TOTP_SECRET).hex()
    TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
    TOTPDevice.objects.update_or_create(
        user=user, key=key, defaults={"name": TOTP_DEVICE_NAME, "confirmed": True}
    )


class Command(BaseCommand):
    help = "Create the demo organisations and users (idempotent; refused in production)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-reports",
            dest="reports",
            action="store_false",
            help="Only organisations and users, no synthetic reports, problems or plans.",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=DAYS,
            help=f"How many days of synthetic reports before today (default {DAYS}, four years: "
            "the trend alerts need three or more).",
        )

    def handle(self, *args, **options):
        if not settings.TRYGG_DEMO:
            raise CommandError(
                "Demo data is for a local run (make run) or DEBUG only, never in production."
            )
        districts = {d.slug: d for d in District.objects.all()}
        if not districts:
            raise CommandError("Load the geography first: python manage.py load_geography")
        police_areas = {p.slug: p for p in PoliceArea.objects.all()}
        created_users = 0
        with transaction.atomic():
            organisations = {}
            for slug, name, kind, district, police_area in ORGANISATIONS:
                organisations[slug], _ = Organisation.objects.update_or_create(
                    slug=slug,
                    defaults={
                        "name": name,
                        "kind": kind,
                        "district": districts.get(district),
                        "police_area": police_areas.get(police_area),
                    },
                )
            for username, full_name, org_slug, role, district_slugs in USERS:
                first, last = full_name.split(" ", 1)
                user, created = User.objects.get_or_create(
                    username=username, defaults={"first_name": first, "last_name": last}
                )
                if created:
                    user.set_password(settings.TRYGG_DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                    created_users += 1
                membership, _ = Membership.objects.get_or_create(
                    user=user, organisation=organisations[org_slug], role=role
                )
                membership.districts.set([districts[s] for s in district_slugs])
                if second_factor_required(user):
                    demo_totp_device_set(user)
            created_reports = demo_reports_create(days=options["days"]) if options["reports"] else 0
            created_measures = (
                demo_plans_create(
                    DemoCast(
                        district=districts["centrum"],
                        analyst=User.objects.get(username="social.centrum"),
                        social_services=organisations["sf-centrum"],
                        police=organisations["lpo-city"],
                        managers=tuple(
                            User.objects.get(username=name)
                            for name in ("chef.social.centrum", "chef.polis.centrum")
                        ),
                        partner=organisations["bostadsbolaget"],
                    ),
                    start=effect_start(timezone.localdate()),
                )
                if options["reports"]
                else 0
            )
        # The reports' changes are queued by the database; fold them now, and the plans'
        # progress, so the dashboards show the demo at once even before a worker runs.
        rollup_changes(wait=True)
        rollup_plans(wait=True)
        if options["verbosity"]:
            self.stdout.write(
                f"Demo data ready: {len(ORGANISATIONS)} organisations, {len(USERS)} users "
                f"({created_users} new), {created_reports} new synthetic reports, "
                f"{created_measures} new measures in a demo action plan."
            )
