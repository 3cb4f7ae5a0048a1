"""The situation picture pages: who reads what (404 otherwise), drafting, editing with a
conflict, signing and the PDF."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.choices import Role
from accounts.models import AuditEvent, Membership, User
from incidents.choices import PeriodKind, PictureStatus
from incidents.models import SituationPicture
from incidents.selectors.situation import (
    Period,
)
from incidents.services.situation import situation_picture_sign, situation_picture_update


def _member(username, organisation, role, districts):
    user = User.objects.create_user(username=username)
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    membership.districts.set(districts)
    return user


@pytest.fixture
def reporter_centrum(organisations, centrum):
    return _member("reporter.social.centrum", organisations["sf_centrum"], Role.REPORTER, [centrum])


@pytest.fixture
def partner_analyst_centrum(organisations, centrum):
    """Staff of a housing company with an analyst role: not a party to the lägesbild."""
    return _member("analytiker.bostad", organisations["bostad"], Role.ANALYST, [centrum])


def _picture(district, author, start=date(2025, 1, 1)) -> SituationPicture:
    return SituationPicture.objects.create(
        district=district,
        period_kind=PeriodKind.QUARTER,
        period_start=start,
        period_end=Period.starting(PeriodKind.QUARTER, start).end,
        created_by=author,
    )


@pytest.fixture
def draft(centrum, social_centrum):
    return _picture(centrum, social_centrum)


@pytest.fixture
def agreed(centrum, social_centrum, manager_social_centrum, manager_police_centrum):
    picture = _picture(centrum, social_centrum, start=date(2024, 10, 1))
    situation_picture_sign(actor=manager_social_centrum, picture=picture)
    return situation_picture_sign(actor=manager_police_centrum, picture=picture)


READS = {
    # who: (reads the draft, reads the agreed picture)
    "police_centrum": (True, True),
    "social_centrum": (True, True),
    "manager_police_centrum": (True, True),
    "manager_social_centrum": (True, True),
    "reporter_centrum": (False, True),
    "coordinator": (True, True),
    "social_hisingen": (False, False),
    "police_hisingen": (False, False),
    "partner": (False, False),
    "partner_analyst_centrum": (False, False),
    "administrator": (False, False),
    "outsider": (False, False),
}


@pytest.mark.parametrize("who", sorted(READS))
def test_it_shows_each_person_exactly_the_pictures_their_role_allows(
    request, client, draft, agreed, who
):
    user = request.getfixturevalue(who)
    reads_draft, reads_agreed = READS[who]
    client.force_login(user)

    for picture, expected in ((draft, reads_draft), (agreed, reads_agreed)):
        response = client.get(reverse("incidents:situationpicture_detail", args=[picture.pk]))
        assert response.status_code == (200 if expected else 404), picture.status
    visible = set(SituationPicture.objects.visible_to(user))
    assert visible == {p for p, ok in ((draft, reads_draft), (agreed, reads_agreed)) if ok}
    listed = client.get(reverse("incidents:situationpicture_list")).content.decode()
    for picture, expected in ((draft, reads_draft), (agreed, reads_agreed)):
        link = reverse("incidents:situationpicture_detail", args=[picture.pk])
        assert (f'href="{link}"' in listed) == expected


def test_it_hides_the_pdf_of_a_picture_the_user_may_not_read(client, agreed, social_hisingen):
    client.force_login(social_hisingen)
    response = client.get(reverse("incidents:situationpicture_pdf", args=[agreed.pk]))
    assert response.status_code == 404


def test_it_filters_the_list_by_district_and_answers_htmx_with_the_table(
    client, draft, hisingen, coordinator, social_hisingen
):
    other = _picture(hisingen, social_hisingen)
    client.force_login(coordinator)

    response = client.get(
        reverse("incidents:situationpicture_list"), {"district": "hisingen"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "<html" not in html
    assert reverse("incidents:situationpicture_detail", args=[other.pk]) in html
    assert reverse("incidents:situationpicture_detail", args=[draft.pk]) not in html


@pytest.mark.parametrize("count", [2, 20])
def test_it_lists_pictures_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, centrum, social_centrum, coordinator, count
):
    for year in range(2000, 2000 + count):
        _picture(centrum, social_centrum, start=date(year, 1, 1))
    client.force_login(coordinator)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("incidents:situationpicture_list"))

    assert response.status_code == 200


# --- Drafting -----------------------------------------------------------------------------------


def test_it_drafts_a_picture_from_any_day_of_the_period(client, social_centrum, centrum):
    client.force_login(social_centrum)
    page = client.get(reverse("incidents:situationpicture_create"))
    assert page.status_code == 200

    response = client.post(
        reverse("incidents:situationpicture_create"),
        {"district": centrum.pk, "period_kind": PeriodKind.QUARTER, "period_start": "2025-02-14"},
    )

    picture = SituationPicture.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:situationpicture_detail", args=[picture.pk])
    assert (picture.period_start, picture.period_end) == (date(2025, 1, 1), date(2025, 3, 31))


def test_it_explains_that_the_period_already_has_a_picture(client, draft, police_centrum, centrum):
    client.force_login(police_centrum)

    response = client.post(
        reverse("incidents:situationpicture_create"),
        {"district": centrum.pk, "period_kind": PeriodKind.QUARTER, "period_start": "2025-03-01"},
    )

    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert SituationPicture.objects.count() == 1


def test_it_offers_only_the_users_own_districts(client, social_centrum, hisingen):
    client.force_login(social_centrum)

    response = client.post(
        reverse("incidents:situationpicture_create"),
        {"district": hisingen.pk, "period_kind": PeriodKind.YEAR, "period_start": "2024-05-01"},
    )

    assert response.status_code == 200
    assert not SituationPicture.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "police_hisingen", "partner", "administrator"])
def test_it_refuses_the_draft_form_to_those_who_may_not_draft(request, client, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("incidents:situationpicture_create")).status_code == 403


# --- Editing ------------------------------------------------------------------------------------


def test_it_shows_a_conflict_with_both_texts_and_saves_on_the_second_try(
    client, draft, social_centrum, police_centrum
):
    url = reverse("incidents:situationpicture_update", args=[draft.pk])
    client.force_login(social_centrum)
    form = client.get(url)
    assert 'name="version" value="1"' in form.content.decode()
    # The police analyst saves first.
    situation_picture_update(
        actor=police_centrum, picture=draft, version=1, summary="Polisens text"
    )

    response = client.post(url, {"version": 1, "summary": "Socialtjänstens text"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="trygg-situation-conflict"' in html
    assert "Polisens text" in html  # what the other person saved
    assert "Socialtjänstens text" in html  # the user's own text, kept in the form
    assert 'name="version" value="2"' in html
    draft.refresh_from_db()
    assert draft.summary == "Polisens text"

    again = client.post(url, {"version": 2, "summary": "Socialtjänstens text"})

    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "Socialtjänstens text"


def test_it_tells_the_user_that_an_identity_number_was_removed(client, draft, social_centrum):
    client.force_login(social_centrum)

    response = client.post(
        reverse("incidents:situationpicture_update", args=[draft.pk]),
        {"version": 1, "focus_places": "Personen 811228-9874 syns ofta vid torget."},
        follow=True,
    )

    draft.refresh_from_db()
    assert "9874" not in draft.focus_places
    messages = [str(m) for m in response.context["messages"]]
    assert any("identity number" in m or "personnummer" in m for m in messages)


def test_it_sends_an_agreed_picture_back_to_its_page(client, agreed, social_centrum):
    client.force_login(social_centrum)
    response = client.get(reverse("incidents:situationpicture_update", args=[agreed.pk]))
    assert response.status_code == 302


def test_it_refuses_the_edit_form_to_a_coordinator(client, draft, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("incidents:situationpicture_update", args=[draft.pk]))
    assert response.status_code == 403


# --- Signing and PDF ----------------------------------------------------------------------------


def test_it_offers_the_sign_button_to_managers_only(
    client, draft, manager_police_centrum, police_centrum
):
    url = reverse("incidents:situationpicture_detail", args=[draft.pk])
    sign = reverse("incidents:situationpicture_sign", args=[draft.pk])
    client.force_login(manager_police_centrum)
    assert sign in client.get(url).content.decode()
    client.force_login(police_centrum)
    assert sign not in client.get(url).content.decode()


def test_it_agrees_a_picture_signed_on_its_page_by_both_managers(
    client, draft, manager_police_centrum, manager_social_centrum, police_centrum
):
    sign = reverse("incidents:situationpicture_sign", args=[draft.pk])
    client.force_login(police_centrum)
    client.post(sign, {"version": 1})
    assert not draft.signatures.exists()

    for manager in (manager_police_centrum, manager_social_centrum):
        client.force_login(manager)
        response = client.post(sign, {"version": 1})
        assert response.status_code == 302

    draft.refresh_from_db()
    assert draft.status == PictureStatus.AGREED
    page = client.get(reverse("incidents:situationpicture_detail", args=[draft.pk]))
    assert reverse("incidents:situationpicture_pdf", args=[draft.pk]) in page.content.decode()


def test_it_exports_an_agreed_picture_as_pdf_and_audits_it(client, agreed, police_centrum):
    client.force_login(police_centrum)

    response = client.get(reverse("incidents:situationpicture_pdf", args=[agreed.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="situation_picture.exported", object_id=str(agreed.pk)
    ).exists()


def test_it_has_no_pdf_of_a_draft(client, draft, police_centrum):
    client.force_login(police_centrum)
    response = client.get(reverse("incidents:situationpicture_pdf", args=[draft.pk]))
    assert response.status_code == 404
