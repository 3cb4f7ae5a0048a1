"""Cursor pages walk a whole list, whatever the type of the column it is ordered by."""

from datetime import date

from django.utils import timezone

from incidents.choices import PeriodKind, PictureStatus
from incidents.models import SituationPicture


def test_it_walks_a_list_ordered_by_a_date_page_by_page(
    api, coordinator, police_centrum, geography
):
    pictures = [
        SituationPicture.objects.create(
            district=geography["centrum"],
            period_kind=PeriodKind.YEAR,
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            status=PictureStatus.AGREED,
            created_by=police_centrum,
            agreed_at=timezone.now(),
        )
        for year in (2022, 2023, 2024)
    ]
    api.force_login(coordinator)
    seen, url = [], "/api/v1/situation-pictures/?page_size=1"
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        seen += [row["id"] for row in response.json()["results"]]
        url = response.json()["next"]
    # Newest period first, each once.
    assert seen == [p.pk for p in reversed(pictures)]
