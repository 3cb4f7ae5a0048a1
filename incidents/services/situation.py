"""Writes of situation pictures (lägesbilder): draft (pre-filled from its basis), edit,
refresh the basis, sign, export.

A picture is drafted and edited by the district's analysts and managers of the two parties
(social services and the police) and agreed when a manager of each party has signed it for
their own organisation. On agreement its figures are computed once from the shared base, the
district's ``partnership``-level reports: the agreed picture is the joint picture both parties
stand behind and every one of its readers sees the same figures, so it counts only what every
one of them may read (``incidents.selectors.situation``). From then on nothing in it changes.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import EDIT, SIGN, can, organisation_ids
from accounts.choices import PARTNERSHIP_KINDS, OrganisationKind
from accounts.models import Organisation
from accounts.services import audit_record
from areas.models import District
from core.concurrency import EditConflict
from core.exceptions import DomainError
from core.identity_numbers import mask_identity_numbers
from incidents.choices import PeriodKind, PictureStatus
from incidents.models import SituationPicture, SituationPictureSignature
from incidents.pdf import situation_picture_pdf
from incidents.selectors.situation import (
    BASIS_PARTNERSHIP,
    Period,
    picture_period,
    shared_reports,
    situation_figures_compute,
)
from incidents.selectors.situation_basis import (
    basis_content,
    basis_starting_texts,
    situation_basis_compute,
)

TEXT_FIELDS = ("summary", "developments", "focus_places", "assessment")
# Agreement needs one signature from each side of the partnership.
REQUIRED_SIGNATORY_KINDS = frozenset({OrganisationKind.SOCIAL_SERVICES, OrganisationKind.POLICE})


class SituationPictureConflict(EditConflict):
    """Someone else saved the picture after the editor opened it; ``current`` is their save."""


def _check_may_edit(actor, district_id: int) -> None:
    if not can(actor, EDIT, SituationPicture, district=district_id):
        raise DomainError(
            _("Only the district's analysts and managers may write its situation picture."),
            code="not_an_analyst",
        )


def _check_draft(picture: SituationPicture) -> None:
    if picture.status != PictureStatus.DRAFT:
        raise DomainError(
            _("This situation picture has been agreed and can no longer be changed."),
            code="picture_agreed",
        )


@transaction.atomic
def situation_picture_create(
    *, actor, district: District, period_kind: str, period_start: date, request=None
) -> SituationPicture:
    """Draft the situation picture of ``district`` for the period starting ``period_start``,
    pre-filled: its basis compiled (``incidents.selectors.situation_basis``) and its narrative
    started from it."""
    _check_may_edit(actor, district.pk)
    if period_kind not in PeriodKind.values:
        raise ValidationError({"period_kind": _("Choose a month, a quarter or a year.")})
    try:
        period = Period.starting(period_kind, period_start)
    except ValueError:
        raise ValidationError(
            {"period_start": _("The date must be the first day of the period.")}
        ) from None
    if period.start > timezone.localdate():
        raise ValidationError({"period_start": _("The period has not started yet.")})
    exists = _("%(district)s already has a situation picture for %(period)s.") % {
        "district": district,
        "period": period.label,
    }
    if SituationPicture.objects.filter(
        district=district, period_kind=period.kind, period_start=period.start
    ).exists():
        raise DomainError(exists, code="picture_exists")
    picture = SituationPicture(
        district=district,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        created_by=actor,
    )
    picture.full_clean(validate_constraints=False)
    try:
        # A savepoint, so that losing a race to create the same picture leaves the
        # surrounding transaction usable for the clear message.
        with transaction.atomic():
            picture.save()
    except IntegrityError:
        raise DomainError(exists, code="picture_exists") from None
    prefilled = _prefill(picture)
    audit_record(
        action="situation_picture.created",
        actor=actor,
        target=picture,
        request=request,
        details={
            "period_kind": period.kind,
            "period_start": period.start.isoformat(),
            "basis_sections": [section["key"] for section in picture.basis.get("sections", [])],
            "prefilled": prefilled,
        },
    )
    return picture


def _prefill(picture: SituationPicture) -> list[str]:
    """Compile the new draft's basis and write its starting texts into the empty narrative
    fields; the fields written. The analysts edit the text from there."""
    picture.basis = situation_basis_compute(picture=picture)
    written = []
    for field, text in basis_starting_texts(picture.basis).items():
        if field in TEXT_FIELDS and not getattr(picture, field):
            setattr(picture, field, mask_identity_numbers(text)[0])
            written.append(field)
    picture.save(update_fields=["basis", *written, "updated_at"])
    return written


@dataclass(frozen=True)
class SituationPictureWrite:
    """The picture as saved, what was masked and which signatures the change withdrew."""

    picture: SituationPicture
    masked_identity_numbers: int
    withdrawn_signatures: tuple[str, ...]


@transaction.atomic
def situation_picture_update(
    *, actor, picture: SituationPicture, version: int, request=None, **texts: str
) -> SituationPictureWrite:
    """Save the narrative of a draft. ``version`` is the one the editor read; if someone saved
    since, ``SituationPictureConflict`` carries their save and nothing is written.

    Identity numbers in the text are masked. A change withdraws the signatures already given,
    since they were given to the earlier text.
    """
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Not a text of a situation picture: {', '.join(sorted(unknown))}")
    _check_may_edit(actor, picture.district_id)
    locked = SituationPicture.objects.select_for_update().get(pk=picture.pk)
    _check_draft(locked)
    if locked.version != version:
        raise SituationPictureConflict(
            _(
                "Someone else saved this situation picture after you opened it. Their text is "
                "shown below; your text is kept in the form. Save again to replace theirs."
            ),
            current=locked,
        )
    masked_total = 0
    changed = []
    for field, value in texts.items():
        masked, count = mask_identity_numbers(value or "")
        masked_total += count
        if getattr(locked, field) != masked:
            setattr(locked, field, masked)
            changed.append(field)
    if not changed:
        return SituationPictureWrite(locked, masked_total, ())
    signatures = list(locked.signatures.select_related("organisation"))
    withdrawn = tuple(signature.organisation.name for signature in signatures)
    if signatures:
        locked.signatures.all().delete()
    locked.version += 1
    locked.full_clean(validate_constraints=False)
    locked.save(update_fields=[*changed, "version", "updated_at"])
    details = {"fields": changed, "version": locked.version}
    if masked_total:
        # That a number was masked, never the number.
        details["masked_identity_numbers"] = masked_total
    if signatures:
        details["withdrawn_signatures"] = [s.organisation_id for s in signatures]
    audit_record(
        action="situation_picture.updated",
        actor=actor,
        target=locked,
        request=request,
        details=details,
    )
    return SituationPictureWrite(locked, masked_total, withdrawn)


@transaction.atomic
def situation_picture_refresh_basis(
    *, actor, picture: SituationPicture, version: int | None = None, request=None
) -> SituationPictureWrite:
    """Compile a draft's basis again (new reports, a problem solved, a measure followed up).

    The text is left as the analysts wrote it. A basis that says something new withdraws the
    signatures already given, as a change of text does: they were given to the figures shown
    then. ``version`` (when given) is the one the editor read; a picture saved since is not
    refreshed unseen. An agreed picture keeps the basis it was agreed with.
    """
    _check_may_edit(actor, picture.district_id)
    locked = SituationPicture.objects.select_for_update().get(pk=picture.pk)
    _check_draft(locked)
    if version is not None and locked.version != version:
        raise SituationPictureConflict(
            _("The situation picture changed after you opened it. Read it again, then update."),
            current=locked,
        )
    basis = situation_basis_compute(picture=locked)
    if basis_content(basis) == basis_content(locked.basis):
        # Nothing new: keep the picture as signed, only note when it was checked.
        locked.basis = basis
        locked.save(update_fields=["basis", "updated_at"])
        return SituationPictureWrite(locked, 0, ())
    signatures = list(locked.signatures.select_related("organisation"))
    withdrawn = tuple(signature.organisation.name for signature in signatures)
    if signatures:
        locked.signatures.all().delete()
    locked.basis = basis
    locked.version += 1
    locked.save(update_fields=["basis", "version", "updated_at"])
    details = {
        "version": locked.version,
        "basis_sections": [section["key"] for section in basis["sections"]],
    }
    if signatures:
        details["withdrawn_signatures"] = [s.organisation_id for s in signatures]
    audit_record(
        action="situation_picture.basis_refreshed",
        actor=actor,
        target=locked,
        request=request,
        details=details,
    )
    return SituationPictureWrite(locked, 0, withdrawn)


@transaction.atomic
def situation_picture_sign(
    *,
    actor,
    picture: SituationPicture,
    version: int | None = None,
    organisation: Organisation | None = None,
    request=None,
) -> SituationPicture:
    """Sign ``picture`` for the actor's organisation as its manager in the picture's district.

    ``version`` (when given) is the one the manager read: a picture changed since is not
    signed unseen. When social services and the police have both signed, the picture is
    agreed and its figures frozen.
    """
    allowed_ids = organisation_ids(actor, SIGN, picture)
    if not allowed_ids:
        raise DomainError(
            _("Only a manager of social services or the police in the district may sign."),
            code="not_a_signatory",
        )
    organisations = list(
        Organisation.objects.filter(pk__in=allowed_ids, kind__in=PARTNERSHIP_KINDS).order_by("name")
    )
    if organisation is not None:
        organisations = [o for o in organisations if o.pk == organisation.pk]
    if not organisations:
        raise DomainError(
            _("Only a manager of social services or the police in the district may sign."),
            code="not_a_signatory",
        )
    locked = SituationPicture.objects.select_for_update().get(pk=picture.pk)
    _check_draft(locked)
    if version is not None and locked.version != version:
        raise SituationPictureConflict(
            _("The situation picture changed after you opened it. Read it again, then sign."),
            current=locked,
        )
    signed = dict(locked.signatures.values_list("organisation_id", "organisation__kind"))
    unsigned = [o for o in organisations if o.pk not in signed]
    if not unsigned:
        raise DomainError(
            _("%(organisation)s has already signed this situation picture.")
            % {"organisation": organisations[0]},
            code="already_signed",
        )
    if len(unsigned) > 1:
        raise DomainError(
            _("You manage more than one organisation here; choose which one you sign for."),
            code="choose_organisation",
        )
    signing = unsigned[0]
    SituationPictureSignature.objects.create(picture=locked, organisation=signing, signed_by=actor)
    audit_record(
        action="situation_picture.signed",
        actor=actor,
        target=locked,
        request=request,
        details={"organisation": signing.pk, "version": locked.version},
    )
    signed[signing.pk] = signing.kind
    if set(signed.values()) >= REQUIRED_SIGNATORY_KINDS:
        _agree(actor=actor, picture=locked, request=request)
    return locked


def _agree(*, actor, picture: SituationPicture, request) -> None:
    picture.figures = situation_figures_compute(
        reports=shared_reports(),
        district=picture.district,
        period=picture_period(picture),
        basis=BASIS_PARTNERSHIP,
    )
    picture.status = PictureStatus.AGREED
    picture.agreed_at = timezone.now()
    picture.version += 1
    picture.save(update_fields=["figures", "status", "agreed_at", "version", "updated_at"])
    audit_record(
        action="situation_picture.agreed",
        actor=actor,
        target=picture,
        request=request,
        details={"reports_counted": picture.figures["total"]["counts"]["current"]},
    )


def situation_picture_export_pdf(*, actor, picture: SituationPicture, request=None) -> bytes:
    """The PDF of an agreed picture; every export is audited."""
    if picture.status != PictureStatus.AGREED:
        raise DomainError(
            _("Only an agreed situation picture can be exported."), code="picture_not_agreed"
        )
    content = situation_picture_pdf(picture=picture)
    audit_record(
        action="situation_picture.exported",
        actor=actor,
        target=picture,
        request=request,
        details={"format": "pdf"},
    )
    return content
