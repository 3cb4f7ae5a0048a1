""" "Ny rapport" is offered only to those who may file (issue #13: the coordinator followed it
to "Åtkomst nekad")."""

import pytest
from django.urls import reverse

NEW_REPORT = reverse("incidents:report_create")


@pytest.mark.parametrize("page", ["incidents:report_list", "incidents:my_reports", "home"])
def test_it_hides_new_report_from_the_coordinator_who_may_not_file(client, coordinator, page):
    client.force_login(coordinator)
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert NEW_REPORT not in response.content.decode()
    assert client.get(NEW_REPORT).status_code == 403


@pytest.mark.parametrize("page", ["incidents:report_list", "incidents:my_reports", "home"])
def test_it_offers_new_report_to_the_officer_who_may_file(client, police_centrum, page):
    client.force_login(police_centrum)
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert NEW_REPORT in response.content.decode()
