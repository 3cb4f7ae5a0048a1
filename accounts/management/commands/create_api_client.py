"""Create an API client for a partner system and print its token (shown this once only)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.api.services import api_client_create
from accounts.choices import ApiScope
from accounts.models import Organisation
from areas.models import District

DEFAULT_EXPIRY_DAYS = 365


def _words(values: list[str]) -> list[str]:
    """Accepts "a b", "a,b" and a mix of both."""
    return [word for value in values for word in value.replace(",", " ").split() if word]


class Command(BaseCommand):
    help = (
        "Create an API client for an organisation and print its bearer token once. Only a "
        "hash of the token is kept: store it in the partner system now."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Names the system in the audit log.")
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument(
            "--scopes",
            nargs="+",
            required=True,
            help=f"Of: {', '.join(ApiScope.values)}.",
        )
        parser.add_argument(
            "--districts",
            nargs="+",
            required=True,
            help="District slugs (e.g. nordost centrum), or: all.",
        )
        parser.add_argument(
            "--expires-days",
            type=int,
            default=DEFAULT_EXPIRY_DAYS,
            help=f"Days until the token expires (default {DEFAULT_EXPIRY_DAYS}; 0: never).",
        )

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['organisation']!r}.")
        scopes = _words(options["scopes"])
        unknown = sorted(set(scopes) - set(ApiScope.values))
        if unknown:
            raise CommandError(
                f"Unknown scopes: {', '.join(unknown)}. Known: {', '.join(ApiScope.values)}."
            )
        slugs = _words(options["districts"])
        if slugs == ["all"]:
            districts = list(District.objects.all())
        else:
            districts = list(District.objects.filter(slug__in=slugs))
            missing = sorted(set(slugs) - {d.slug for d in districts})
            if missing:
                raise CommandError(f"Unknown districts: {', '.join(missing)}.")
        days = options["expires_days"]
        if days < 0:
            raise CommandError("--expires-days must be 0 (never) or more.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            created = api_client_create(
                name=options["name"],
                organisation=organisation,
                scopes=scopes,
                districts=districts,
                expires_at=expires_at,
                actor_label="manage.py create_api_client",
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        client = created.client
        expiry = f"{client.expires_at:%Y-%m-%d}" if client.expires_at else "never"
        self.stderr.write(
            f"Created API client {client.name!r} for {organisation.name}: "
            f"scopes {', '.join(client.scopes) or 'none'}; "
            f"districts {', '.join(sorted(d.slug for d in districts)) or 'none'}; "
            f"expires {expiry}."
        )
        self.stderr.write("The token, shown this once (only its hash is kept):")
        self.stdout.write(created.token)
