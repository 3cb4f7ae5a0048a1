"""Situation pictures: drafting, editing with optimistic locking, signing and freezing."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.choices import Confidentiality, OrganisationKind, Role
from accounts.models import AuditEvent, Membership, Organisation, User
from core.exceptions import DomainError
from core.identity_numbers import MASK
from incidents.choices import PeriodKind, PictureStatus, SourceKind
from incidents.models import Category, Report, SituationPicture, SituationPictureSignature
from incidents.pdf import situation_picture_pdf
from incidents.services.situation import (
    SituationPictureConflict,
    situation_picture_create,
    situation_picture_export_pdf,
    situation_picture_sign,
    situation_picture_update,
)

Q1_2025 = date(2025, 1, 1)


@pytest.fixture(autouse=True)
def english():
    """These tests read the services' messages; they are worded in English here."""
    with translation.override("en"):
        yield


def _report(district, organisation, *, day=date(2025, 2, 10), code="narkotikahandel", **extra):
    return Report.objects.create(
        category=Category.objects.get(code=code),
        occurred_at=timezone.make_aware(datetime.combine(day, time(12))),
        district=district,
        organisation=organisation,
        description="Langning vid torget",
        source_kind=SourceKind.FIELD_OBSERVATION,
        **extra,
    )


@pytest.fixture
def draft(social_centrum, centrum):
    return situation_picture_create(
        actor=social_centrum, district=centrum, period_kind=PeriodKind.QUARTER, period_start=Q1_2025
    )


def _agree(picture, manager_social_centrum, manager_police_centrum):
    situation_picture_sign(actor=manager_social_centrum, picture=picture)
    return situation_picture_sign(actor=manager_police_centrum, picture=picture)


# --- Drafting -----------------------------------------------------------------------------------


def test_it_drafts_a_picture_with_its_period_end_and_audits_it(draft, social_centrum):
    assert draft.status == PictureStatus.DRAFT
    assert draft.period_end == date(2025, 3, 31)
    assert draft.created_by == social_centrum
    assert AuditEvent.objects.filter(
        action="situation_picture.created", object_id=str(draft.pk)
    ).exists()


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        (PeriodKind.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        (PeriodKind.QUARTER, date(2024, 10, 1), date(2024, 12, 31)),
        (PeriodKind.YEAR, date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_it_derives_the_end_of_each_kind_of_period(social_centrum, centrum, kind, start, end):
    picture = situation_picture_create(
        actor=social_centrum, district=centrum, period_kind=kind, period_start=start
    )
    assert picture.period_end == end


def test_it_refuses_a_second_picture_for_the_same_period(draft, police_centrum, centrum):
    with pytest.raises(DomainError, match="already has a situation picture"):
        situation_picture_create(
            actor=police_centrum,
            district=centrum,
            period_kind=PeriodKind.QUARTER,
            period_start=Q1_2025,
        )


def test_it_refuses_a_start_that_does_not_begin_the_period(social_centrum, centrum):
    with pytest.raises(ValidationError) as error:
        situation_picture_create(
            actor=social_centrum,
            district=centrum,
            period_kind=PeriodKind.QUARTER,
            period_start=date(2025, 2, 1),
        )
    assert "period_start" in error.value.message_dict


@pytest.mark.parametrize(
    "who", ["social_hisingen", "police_hisingen", "coordinator", "partner", "administrator"]
)
def test_it_lets_only_the_districts_analysts_draft(request, centrum, who):
    with pytest.raises(DomainError):
        situation_picture_create(
            actor=request.getfixturevalue(who),
            district=centrum,
            period_kind=PeriodKind.QUARTER,
            period_start=Q1_2025,
        )


# --- Editing ------------------------------------------------------------------------------------


def test_it_saves_text_and_bumps_the_version(draft, police_centrum):
    result = situation_picture_update(
        actor=police_centrum, picture=draft, version=1, summary="Lugnare kvällar vid torget."
    )
    draft.refresh_from_db()
    assert draft.summary == "Lugnare kvällar vid torget."
    assert draft.version == 2
    assert result.masked_identity_numbers == 0
    event = AuditEvent.objects.get(action="situation_picture.updated")
    assert event.details["fields"] == ["summary"]


def test_it_refuses_a_stale_version_and_returns_the_other_save(
    draft, social_centrum, police_centrum
):
    situation_picture_update(actor=police_centrum, picture=draft, version=1, summary="Polisens")

    with pytest.raises(SituationPictureConflict) as conflict:
        situation_picture_update(
            actor=social_centrum, picture=draft, version=1, summary="Socialtjänstens"
        )

    assert "someone else saved" in conflict.value.message.lower()
    assert conflict.value.current.summary == "Polisens"
    assert conflict.value.current.version == 2
    draft.refresh_from_db()
    assert draft.summary == "Polisens"


def test_it_masks_identity_numbers_in_the_text(draft, social_centrum):
    result = situation_picture_update(
        actor=social_centrum,
        picture=draft,
        version=1,
        assessment="Gäller 19811218-9876 och 811228-9874.",
    )
    draft.refresh_from_db()
    assert result.masked_identity_numbers == 2
    assert "9876" not in draft.assessment
    assert draft.assessment.count(MASK) == 2
    event = AuditEvent.objects.get(action="situation_picture.updated")
    assert "9876" not in str(event.details)


def test_it_withdraws_signatures_when_the_text_changes(
    draft, social_centrum, manager_police_centrum
):
    situation_picture_sign(actor=manager_police_centrum, picture=draft)
    draft.refresh_from_db()

    result = situation_picture_update(
        actor=social_centrum, picture=draft, version=draft.version, summary="Ny text"
    )

    assert result.withdrawn_signatures == ("LPO City",)
    assert not draft.signatures.exists()


def test_it_lets_no_one_but_the_districts_analysts_edit(draft, coordinator, social_hisingen):
    for user in (coordinator, social_hisingen):
        with pytest.raises(DomainError):
            situation_picture_update(actor=user, picture=draft, version=1, summary="x")


# --- Signing ------------------------------------------------------------------------------------


def test_it_does_not_agree_a_picture_with_one_signature(draft, manager_social_centrum):
    situation_picture_sign(actor=manager_social_centrum, picture=draft)

    draft.refresh_from_db()
    assert draft.status == PictureStatus.DRAFT
    assert draft.agreed_at is None
    assert draft.figures == {}
    assert draft.signatures.count() == 1


def test_it_agrees_when_both_parties_have_signed(
    draft, manager_social_centrum, manager_police_centrum
):
    picture = _agree(draft, manager_social_centrum, manager_police_centrum)

    assert picture.status == PictureStatus.AGREED
    assert picture.agreed_at is not None
    assert picture.figures["basis"] == "partnership"
    assert {s.organisation.kind for s in picture.signatures.all()} == {
        OrganisationKind.SOCIAL_SERVICES,
        OrganisationKind.POLICE,
    }
    actions = set(
        AuditEvent.objects.filter(object_id=str(draft.pk)).values_list("action", flat=True)
    )
    assert {"situation_picture.signed", "situation_picture.agreed"} <= actions


@pytest.mark.parametrize("who", ["social_centrum", "police_centrum", "coordinator"])
def test_it_lets_no_one_but_a_manager_sign(request, draft, who):
    with pytest.raises(DomainError):
        situation_picture_sign(actor=request.getfixturevalue(who), picture=draft)
    assert not SituationPictureSignature.objects.exists()


def test_it_refuses_a_manager_of_another_district(draft, organisations, hisingen):
    manager = User.objects.create_user(username="chef.social.hisingen")
    membership = Membership.objects.create(
        user=manager, organisation=organisations["sf_hisingen"], role=Role.MANAGER
    )
    membership.districts.set([hisingen])

    with pytest.raises(DomainError):
        situation_picture_sign(actor=manager, picture=draft)


def test_it_refuses_a_manager_of_an_organisation_outside_the_partnership(
    draft, organisations, centrum
):
    manager = User.objects.create_user(username="chef.bostad")
    membership = Membership.objects.create(
        user=manager, organisation=organisations["bostad"], role=Role.MANAGER
    )
    membership.districts.set([centrum])

    with pytest.raises(DomainError):
        situation_picture_sign(actor=manager, picture=draft)


def test_it_refuses_a_second_signature_of_the_same_organisation(
    draft, organisations, centrum, manager_social_centrum
):
    situation_picture_sign(actor=manager_social_centrum, picture=draft)
    colleague = User.objects.create_user(username="chef2.social.centrum")
    membership = Membership.objects.create(
        user=colleague, organisation=organisations["sf_centrum"], role=Role.MANAGER
    )
    membership.districts.set([centrum])

    with pytest.raises(DomainError, match="already signed"):
        situation_picture_sign(actor=colleague, picture=draft)
    with pytest.raises(DomainError, match="already signed"):
        situation_picture_sign(actor=manager_social_centrum, picture=draft)
    assert draft.signatures.count() == 1


def test_it_does_not_agree_on_two_signatures_of_the_same_side(draft, centrum, geography):
    other_police = Organisation.objects.create(
        name="LPO Centrum Öst", slug="lpo-ost", kind=OrganisationKind.POLICE
    )
    for name, organisation in (
        ("a", other_police),
        ("b", Organisation.objects.get(slug="lpo-city")),
    ):
        manager = User.objects.create_user(username=f"chef.{name}")
        membership = Membership.objects.create(
            user=manager, organisation=organisation, role=Role.MANAGER
        )
        membership.districts.set([centrum])
        situation_picture_sign(actor=manager, picture=draft)

    draft.refresh_from_db()
    assert draft.status == PictureStatus.DRAFT


def test_it_refuses_to_sign_a_picture_changed_since_it_was_read(
    draft, social_centrum, manager_police_centrum
):
    situation_picture_update(actor=social_centrum, picture=draft, version=1, summary="Ändrad")

    with pytest.raises(SituationPictureConflict):
        situation_picture_sign(actor=manager_police_centrum, picture=draft, version=1)


# --- Agreed pictures are frozen ----------------------------------------------------------------


@pytest.fixture
def agreed(draft, organisations, centrum, manager_social_centrum, manager_police_centrum):
    for _ in range(3):
        _report(centrum, organisations["sf_centrum"])
    _report(centrum, organisations["lpo_city"], confidentiality=Confidentiality.ORGANISATION)
    return _agree(draft, manager_social_centrum, manager_police_centrum)


def test_it_freezes_figures_from_the_reports_shared_in_the_partnership(agreed):
    # The police-only report does not count: every reader of the joint picture sees these
    # figures, and social services may not read it.
    assert agreed.figures["total"]["counts"]["current"] == 3
    assert agreed.figures["city"] is None


def test_it_refuses_to_change_an_agreed_picture(agreed, social_centrum, manager_social_centrum):
    summary = agreed.summary  # as drafted: the starting text of its basis
    with pytest.raises(DomainError, match="agreed"):
        situation_picture_update(
            actor=social_centrum, picture=agreed, version=agreed.version, summary="Efteråt"
        )
    with pytest.raises(DomainError, match="agreed"):
        situation_picture_sign(actor=manager_social_centrum, picture=agreed)
    agreed.refresh_from_db()
    assert agreed.summary == summary


def test_it_keeps_figures_and_pdf_of_an_agreed_picture_when_reports_arrive(
    agreed, organisations, centrum
):
    figures_before = agreed.figures
    pdf_before = situation_picture_pdf(picture=agreed)

    _report(centrum, organisations["sf_centrum"])
    _report(centrum, organisations["sf_centrum"], code="klotter")

    agreed.refresh_from_db()
    assert agreed.figures == figures_before
    assert situation_picture_pdf(picture=agreed) == pdf_before


def test_it_exports_only_agreed_pictures_and_audits_each_export(draft, agreed, police_centrum):
    content = situation_picture_export_pdf(actor=police_centrum, picture=agreed)

    assert content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="situation_picture.exported", object_id=str(agreed.pk), actor=police_centrum
    ).exists()


def test_it_refuses_to_export_a_draft(draft, police_centrum):
    with pytest.raises(DomainError):
        situation_picture_export_pdf(actor=police_centrum, picture=draft)


def test_it_allows_only_one_picture_per_period_in_the_database(draft, social_centrum, centrum):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SituationPicture.objects.create(
            district=centrum,
            period_kind=PeriodKind.QUARTER,
            period_start=Q1_2025,
            period_end=date(2025, 3, 31),
            created_by=social_centrum,
        )
