"""The web side in a process of its own, on the Redis under test: files one report through the
form and one through the API, and prints each answer's status code (``form 302``,
``api 201``).

Run by test_redis_outage.py with a private ``REDIS_URL`` and the test database in
``TRYGG_TEST_WORKER_DATABASE``::

    python -m tests.api.write_during_outage USERNAME ORGANISATION_ID CATEGORY_ID TOKEN
"""

import logging
import sys
from datetime import timedelta


def main(username: str, organisation_id: str, category_id: str, token: str) -> int:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone
    from rest_framework.test import APIClient

    from accounts.models import User

    logging.basicConfig(level=logging.WARNING, stream=sys.stdout)
    setup_test_environment()  # lets the test client's host in
    when = timezone.localtime() - timedelta(minutes=5)
    client = Client()
    client.force_login(User.objects.get(username=username))
    form = client.post(
        reverse("incidents:report_create"),
        {
            "organisation": organisation_id,
            "category": category_id,
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "description": "Klotter på busskuren medan Redis låg nere",
            "place_name": "Brunnsparken",
            "severity": "3",
            "confidentiality": "partnership",
        },
    )
    print("form", form.status_code)
    api = APIClient().post(
        "/api/v1/reports/",
        {
            "category": "narkotikahandel",
            "occurred_at": when.isoformat(),
            "place": "hjallbo-centrum",
            "description": "Langning vid trappan medan Redis låg nere",
        },
        format="json",
        headers={"Authorization": f"Bearer {token}"},
    )
    print("api", api.status_code)
    return 0 if (form.status_code, api.status_code) == (302, 201) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
