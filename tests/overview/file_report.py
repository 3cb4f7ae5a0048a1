"""The web side in a process of its own: files one report through the report form.

Run by test_rollup_worker.py with the environment under test (a private ``REDIS_URL``, the
test database in ``TRYGG_TEST_WORKER_DATABASE``)::

    python -m tests.overview.file_report USERNAME ORGANISATION_ID CATEGORY_ID

Prints the response's status code on the last line.
"""

import logging
import sys
from datetime import timedelta


def main(username: str, organisation_id: str, category_id: str) -> int:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User

    logging.basicConfig(level=logging.WARNING, stream=sys.stdout)
    setup_test_environment()  # lets the test client's host in
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.post(
        reverse("incidents:report_create"),
        {
            "organisation": organisation_id,
            "category": category_id,
            "occurred_at": (timezone.localtime() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "description": "Langning vid trappan medan Redis låg nere",
            "place_name": "Brunnsparken",
            "severity": "3",
            "confidentiality": "partnership",
        },
    )
    print(response.status_code)
    return 0 if response.status_code == 302 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
