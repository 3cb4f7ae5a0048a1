"""The basis (underlag) of a lägesbild on every surface: its page, its PDF and its API; who may
not reach it; refreshing it while a draft, and not once agreed."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from reportlab import rl_config
from rest_framework.test import APIClient

from accounts.api.services import api_client_create
from accounts.choices import ApiScope, Confidentiality, Role
from accounts.models import AuditEvent
from core.exceptions import DomainError
from incidents.choices import PeriodKind, PictureStatus, SourceKind
from incidents.models import Category, Report, SituationPicture
from incidents.pdf import situation_picture_pdf
from incidents.selectors.situation_basis import basis_content
from incidents.services.situation import (
    situation_picture_create,
    situation_picture_refresh_basis,
    situation_picture_sign,
)
from overview.services.rollup import rollup_changes
from tests.conftest import _member

LAST_QUARTER_START = date(timezone.localdate().year - 1, 10, 1)


@pytest.fixture(autouse=True)
def english():
    """The services' messages in English (the pages answer in Swedish whatever the test's
    language; the basis is Swedish either way: it is one joint document)."""
    with translation.override("en"):
        yield


def _report(district, organisation, *, level=Confidentiality.PARTNERSHIP, day=None):
    day = day or date(LAST_QUARTER_START.year, 11, 10)
    return Report.objects.create(
        category=Category.objects.get(code="narkotikahandel"),
        occurred_at=timezone.make_aware(datetime.combine(day, time(12))),
        district=district,
        organisation=organisation,
        confidentiality=level,
        description="Langning vid torget",
        source_kind=SourceKind.FIELD_OBSERVATION,
    )


@pytest.fixture
def draft(centrum, organisations, social_centrum):
    for _ in range(3):
        _report(centrum, organisations["sf_centrum"])
    rollup_changes()
    return situation_picture_create(
        actor=social_centrum,
        district=centrum,
        period_kind=PeriodKind.QUARTER,
        period_start=LAST_QUARTER_START,
    )


@pytest.fixture
def agreed(draft, manager_social_centrum, manager_police_centrum):
    situation_picture_sign(actor=manager_social_centrum, picture=draft)
    situation_picture_sign(actor=manager_police_centrum, picture=draft)
    draft.refresh_from_db()
    assert draft.status == PictureStatus.AGREED
    return draft


@pytest.fixture
def reporter_centrum(organisations, centrum):
    """A social services field worker in Centrum: reads agreed pictures, not drafts."""
    return _member("reporter.social.centrum", organisations["sf_centrum"], Role.REPORTER, [centrum])


def _rates_count(picture) -> str:
    section = next(s for s in picture.basis["sections"] if s["key"] == "rates")
    return section["rows"][0]["cells"][1]["text"]


# --- Who reaches it ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """Who, on which picture, and whether the basis is theirs to see on the page and PDF."""

    who: str
    picture: str
    sees: bool


READERS = [
    Reach("social_centrum", "draft", True),
    Reach("police_centrum", "draft", True),
    Reach("coordinator", "draft", True),
    Reach("reporter_centrum", "draft", False),  # a reporter reads agreed pictures only
    Reach("social_hisingen", "draft", False),  # another district
    Reach("police_hisingen", "agreed", False),
    Reach("partner", "agreed", False),  # a housing company: no lägesbild at all
    Reach("administrator", "agreed", False),
    Reach("reporter_centrum", "agreed", True),
    Reach("social_centrum", "agreed", True),
]


@pytest.mark.parametrize("case", READERS, ids=lambda case: f"{case.who}-{case.picture}")
def test_it_shows_the_basis_on_the_page_only_to_readers_of_the_picture(
    client, request, case, draft
):
    picture = request.getfixturevalue(case.picture)
    client.force_login(request.getfixturevalue(case.who))

    response = client.get(reverse("incidents:situationpicture_detail", args=[picture.pk]))

    if not case.sees:
        assert response.status_code == 404
        return
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-basis-section="rates"' in html
    assert "Stadsområdet och dess mellanområden" in html
    assert "confidentiality=partnership" in html  # the figures link to their reports


def test_it_offers_the_refresh_button_to_editors_of_a_draft_only(
    client, draft, social_centrum, coordinator
):
    url = reverse("incidents:situationpicture_detail", args=[draft.pk])
    refresh = reverse("incidents:situationpicture_refresh_basis", args=[draft.pk])
    client.force_login(social_centrum)
    assert refresh in client.get(url).content.decode()
    client.force_login(coordinator)  # reads every picture, writes none
    assert refresh not in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["social_hisingen", "partner", "reporter_centrum", "outsider"])
def test_it_refuses_to_refresh_for_anyone_who_may_not_edit_the_draft(client, request, draft, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("incidents:situationpicture_refresh_basis", args=[draft.pk]),
        {"version": draft.version},
    )
    assert response.status_code in (403, 404)
    draft.refresh_from_db()
    assert not AuditEvent.objects.filter(action="situation_picture.basis_refreshed").exists()


def test_it_puts_the_basis_in_the_pdf_with_its_sources_as_text(agreed, monkeypatch):
    # Uncompressed, so that the text can be found in the bytes.
    monkeypatch.setattr(rl_config, "pageCompression", 0)

    with translation.override("sv"):
        content = situation_picture_pdf(picture=agreed)

    assert b"Underlag" in content
    assert b"Rapportlistan" in content  # a mellanområde's source, as words
    assert b"Centrum, kvartal 4" in content


@pytest.mark.parametrize("who", ["social_hisingen", "partner", "police_hisingen"])
def test_it_refuses_the_pdf_to_anyone_who_may_not_read_the_picture(client, request, agreed, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("incidents:situationpicture_pdf", args=[agreed.pk]))
    assert response.status_code == 404


def test_it_gives_the_basis_in_the_api_to_readers_of_the_picture(agreed, police_centrum):
    api = APIClient()
    api.force_login(police_centrum)

    response = api.get(f"/api/v1/situation-pictures/{agreed.pk}/")

    assert response.status_code == 200, response.content
    basis = response.json()["basis"]
    assert [s["key"] for s in basis["sections"]] == ["rates", "previous_problems", "measures"]
    rates = basis["sections"][0]
    assert rates["rows"][0]["cells"][0]["text"] == "Centrum"
    assert rates["rows"][0]["url"].startswith("/oversikt/centrum/")
    assert basis["failed"] == []


@pytest.mark.parametrize("who", ["social_hisingen", "partner", "administrator"])
def test_it_gives_no_basis_in_the_api_to_anyone_else(agreed, request, who):
    api = APIClient()
    api.force_login(request.getfixturevalue(who))
    response = api.get(f"/api/v1/situation-pictures/{agreed.pk}/")
    assert response.status_code == 404
    assert "basis" not in response.content.decode()


def test_it_gives_a_token_of_the_district_no_basis(agreed, organisations, centrum):
    token = api_client_create(
        name="polisens-system",
        organisation=organisations["lpo_city"],
        scopes=[ApiScope.REPORTS_READ, ApiScope.PLANS_READ],
        districts=[centrum],
        expires_at=timezone.now() + timedelta(days=1),
    ).token
    api = APIClient()
    response = api.get(
        f"/api/v1/situation-pictures/{agreed.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code in (403, 404)
    assert "basis" not in response.content.decode()


# --- What it counts -------------------------------------------------------------------------------


def test_it_changes_no_figure_for_organisation_level_reports(
    draft, centrum, organisations, social_centrum
):
    before = draft.basis
    for organisation in ("lpo_city", "sf_centrum"):
        for _ in range(4):
            _report(centrum, organisations[organisation], level=Confidentiality.ORGANISATION)
    rollup_changes()

    result = situation_picture_refresh_basis(
        actor=social_centrum, picture=draft, version=draft.version
    )

    assert basis_content(result.picture.basis) == basis_content(before)
    assert result.picture.version == draft.version  # nothing new: the picture stays as signed


def test_it_changes_no_figure_for_another_districts_reports(
    draft, hisingen, organisations, social_centrum
):
    before = draft.basis
    for _ in range(4):
        _report(hisingen, organisations["sf_hisingen"])
    rollup_changes()

    result = situation_picture_refresh_basis(actor=social_centrum, picture=draft)

    assert basis_content(result.picture.basis) == basis_content(before)


# --- Refreshing it --------------------------------------------------------------------------------


def test_it_refreshes_a_drafts_basis_and_keeps_its_text(
    draft, centrum, organisations, social_centrum, manager_social_centrum
):
    situation_picture_sign(actor=manager_social_centrum, picture=draft)
    draft.refresh_from_db()
    summary = draft.summary
    _report(centrum, organisations["sf_centrum"])
    rollup_changes()

    result = situation_picture_refresh_basis(
        actor=social_centrum, picture=draft, version=draft.version
    )

    picture = result.picture
    assert _rates_count(picture) == "4"
    assert picture.summary == summary  # the analysts' text is theirs
    assert picture.version == draft.version + 1
    # The signature was given to the figures shown then.
    assert result.withdrawn_signatures == ("Socialförvaltning Centrum",)
    assert not picture.signatures.exists()
    assert AuditEvent.objects.filter(
        action="situation_picture.basis_refreshed", object_id=str(picture.pk)
    ).exists()


def test_it_refreshes_through_the_button(client, draft, centrum, organisations, social_centrum):
    _report(centrum, organisations["sf_centrum"])
    rollup_changes()
    client.force_login(social_centrum)

    response = client.post(
        reverse("incidents:situationpicture_refresh_basis", args=[draft.pk]),
        {"version": draft.version},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#underlag")
    assert _rates_count(SituationPicture.objects.get(pk=draft.pk)) == "4"


def test_it_refuses_a_refresh_of_a_picture_changed_since_it_was_read(draft, social_centrum):
    with pytest.raises(DomainError, match="changed"):
        situation_picture_refresh_basis(
            actor=social_centrum, picture=draft, version=draft.version + 1
        )


def test_it_refuses_to_refresh_an_agreed_picture(
    client, agreed, centrum, organisations, social_centrum
):
    frozen = agreed.basis
    _report(centrum, organisations["sf_centrum"])
    rollup_changes()

    with pytest.raises(DomainError, match="agreed") as refused:
        situation_picture_refresh_basis(actor=social_centrum, picture=agreed)
    assert refused.value.code == "picture_agreed"

    client.force_login(social_centrum)
    response = client.post(
        reverse("incidents:situationpicture_refresh_basis", args=[agreed.pk]),
        {"version": agreed.version},
        follow=True,
    )
    assert "Lägesbilden är fastställd och kan inte längre ändras." in response.content.decode()
    agreed.refresh_from_db()
    assert agreed.basis == frozen
    assert _rates_count(agreed) == "3"


def test_it_shows_an_older_picture_without_a_basis(client, draft, social_centrum):
    SituationPicture.objects.filter(pk=draft.pk).update(basis={})
    client.force_login(social_centrum)

    html = client.get(reverse("incidents:situationpicture_detail", args=[draft.pk])).content
    assert "Lägesbilden har inget underlag" in html.decode()
