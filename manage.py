#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    # A checkout on the embedded default (no DATABASE_URL, no SECRET_KEY) runs locally, as
    # `make run` does: commands run there as README shows them. A deployment sets both.
    if not os.environ.get("DATABASE_URL") and not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("TRYGG_LOCAL", "1")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # Load the settings first: Django's command runner would hide a refused setting
    # behind an unrelated "Apps aren't loaded yet".
    settings.INSTALLED_APPS  # noqa: B018

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
