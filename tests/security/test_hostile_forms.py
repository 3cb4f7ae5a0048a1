"""Every user-facing form, every field, every hostile value (``tests/security/hostile.py``).

A page is read as a browser reads it (``form_on_page``): the fields are what the page
offers, so a field added to a form is attacked without a change here. Each form class of the
portal must be named by a case below (``test_it_has_a_case_for_every_form``), so a new form
cannot be forgotten either. Each post runs in a savepoint that is rolled back, so that every
value meets the same valid form (a second plan for the same period would be refused for
another reason).
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django import forms
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

import accounts.forms
import incidents.filtersets
import incidents.forms
import incidents.forms_imports
import incidents.forms_situation
import plans.forms.plans
import plans.forms.priority
import plans.forms.problems
from accounts.views import LoginView
from incidents.models import Category
from incidents.services.situation import situation_picture_create
from tests.security.hostile import (
    HOSTILE,
    HOSTILE_FOR_CHOICES,
    PERSONNUMMER,
    assert_no_identity_number_stored,
    assert_not_server_error,
    assert_shown_escaped,
    form_on_page,
)

PASSWORD = "test-password-123"


class Fixtures:
    """The test's fixtures by attribute: ``fx.centrum``."""

    def __init__(self, request) -> None:
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


@dataclass(frozen=True)
class FormCase:
    forms: tuple[type, ...]
    user: str | None
    page: Callable[[Fixtures], str]
    # Where the form posts; by default the page itself.
    action: Callable[[Fixtures], str] | None = None
    # What a person types in to make the form valid, beside what the page holds.
    fill: Callable[[Fixtures], dict] = lambda fx: {}
    # Whether the filled-in form saves; not for one-time codes, which change every 30 s.
    saves: bool = True
    # How the person signs in: force_login, or the password only (before the second factor).
    password_only: bool = False
    # Fields that are not the form's (the language switch's, the CSRF token).
    not_attacked: frozenset = field(default_factory=lambda: frozenset({"csrfmiddlewaretoken"}))


def _subcategory(fx) -> int:
    return Category.objects.filter(is_active=True, parent__isnull=False).order_by("pk")[0].pk


CASES = {
    "report": FormCase(
        (incidents.forms.ReportForm,),
        "partner",
        lambda fx: reverse("incidents:report_create"),
        fill=lambda fx: {"category": _subcategory(fx), "description": "Klotter vid torget"},
    ),
    "situation_create": FormCase(
        (incidents.forms_situation.SituationPictureCreateForm,),
        "social_centrum",
        lambda fx: reverse("incidents:situationpicture_create"),
    ),
    "situation_update": FormCase(
        (incidents.forms_situation.SituationPictureUpdateForm,),
        "social_centrum",
        lambda fx: reverse("incidents:situationpicture_update", args=[fx.picture.pk]),
    ),
    "situation_sign": FormCase(
        (incidents.forms_situation.SituationPictureSignForm,),
        "manager_social_centrum",
        lambda fx: reverse("incidents:situationpicture_detail", args=[fx.picture.pk]),
        action=lambda fx: reverse("incidents:situationpicture_sign", args=[fx.picture.pk]),
    ),
    "situation_refresh_basis": FormCase(
        (incidents.forms_situation.SituationPictureRefreshBasisForm,),
        "social_centrum",
        lambda fx: reverse("incidents:situationpicture_detail", args=[fx.picture.pk]),
        action=lambda fx: reverse("incidents:situationpicture_refresh_basis", args=[fx.picture.pk]),
    ),
    "import_upload": FormCase(
        (incidents.forms_imports.ImportUploadForm,),
        "partner",
        lambda fx: reverse("incidents:import_csv_create"),
        saves=False,  # no file: the files themselves are test_hostile_limits' and the fuzz's
    ),
    # The analyst's placement: the place name is looked up, so a hostile name is refused
    # with the form shown again; the district alone saves.
    "report_placement": FormCase(
        (incidents.forms.ReportPlacementForm,),
        "social_centrum",
        lambda fx: reverse("incidents:report_detail", args=[fx.centrum_report.pk]),
        action=lambda fx: reverse(
            "incidents:report_placement_correct", args=[fx.centrum_report.pk]
        ),
        fill=lambda fx: {"district": fx.centrum.pk},
    ),
    "problem_create": FormCase(
        (plans.forms.problems.ProblemForm,),
        "social_centrum",
        lambda fx: reverse("plans:problem_create"),
        fill=lambda fx: {"district": fx.centrum.pk, "title": "Bråk vid torget"},
    ),
    "problem_update": FormCase(
        (plans.forms.problems.ProblemUpdateForm,),
        "social_centrum",
        lambda fx: reverse("plans:problem_update", args=[fx.problem.pk]),
    ),
    "cause_analysis": FormCase(
        (plans.forms.problems.CrimeTriangleForm, plans.forms.problems.CauseForm),
        "social_centrum",
        lambda fx: reverse("plans:problem_analysis", args=[fx.problem.pk]),
    ),
    "link_reports": FormCase(
        (plans.forms.problems.LinkReportsForm,),
        "social_centrum",
        lambda fx: reverse("incidents:report_list"),
        action=lambda fx: reverse("plans:problem_link_reports"),
        fill=lambda fx: {"problem": fx.problem.pk, "report": fx.centrum_report.pk},
        saves=False,  # the list's form posts to the problem page by a button's formaction
    ),
    "plan_create": FormCase(
        (plans.forms.plans.PlanCreateForm,),
        "social_centrum",
        lambda fx: reverse("plans:plan_create"),
        # The owners must work in the district: the police analyst makes LPO City one.
        fill=lambda fx: (
            fx.police_centrum
            and {
                "district": fx.centrum.pk,
                "social_services": fx.organisations["sf_centrum"].pk,
                "police": fx.organisations["lpo_city"].pk,
            }
        ),
    ),
    "plan_update": FormCase(
        (plans.forms.plans.PlanUpdateForm,),
        "social_centrum",
        lambda fx: reverse("plans:plan_update", args=[fx.plan.pk]),
    ),
    "measure_create": FormCase(
        (plans.forms.plans.MeasureForm,),
        "social_centrum",
        lambda fx: reverse("plans:measure_create", args=[fx.plan.pk]),
        fill=lambda fx: {
            "title": "Belysning vid trappan",
            "responsible": fx.organisations["sf_centrum"].pk,
            "problems": fx.problem.pk,
            "target": "Trappan upplyst",
        },
    ),
    "measure_update": FormCase(
        (plans.forms.plans.MeasureUpdateForm,),
        "social_centrum",
        lambda fx: reverse("plans:measure_update", args=[fx.measure.pk]),
    ),
    "follow_up": FormCase(
        (plans.forms.plans.FollowUpForm,),
        "police_centrum",
        lambda fx: reverse("plans:measure_detail", args=[fx.agreed_measure.pk]),
        action=lambda fx: reverse("plans:follow_up_create", args=[fx.agreed_measure.pk]),
    ),
    "priority_decision": FormCase(
        (plans.forms.priority.PriorityDecisionForm,),
        "social_centrum",
        lambda fx: reverse("plans:priority_review", args=["centrum"]),
        action=lambda fx: reverse("plans:priority_decide", args=["centrum", fx.problem.pk]),
        fill=lambda fx: {f"p{fx.problem.pk}-level": "watch", f"p{fx.problem.pk}-reason": "Skäl"},
    ),
    "resident_concern": FormCase(
        (plans.forms.priority.ResidentConcernForm,),
        "social_centrum",
        lambda fx: reverse("plans:resident_concern"),
        fill=lambda fx: {"district": fx.centrum.pk, "level": 3, "basis": "Enkät 2025"},
    ),
    "second_factor_enrol": FormCase(
        (accounts.forms.SecondFactorEnrolForm,),
        "police_centrum",
        lambda fx: reverse("second_factor_enrol"),
        fill=lambda fx: {"code": "000000"},
        saves=False,
    ),
    "second_factor_code": FormCase(
        (accounts.forms.SecondFactorCodeForm,),
        "verifying_coordinator",
        lambda fx: reverse("second_factor_verify"),
        fill=lambda fx: {"code": "000000"},
        saves=False,
        password_only=True,
    ),
    "login": FormCase(
        (LoginView.form_class,),
        None,
        lambda fx: reverse("login"),
        fill=lambda fx: {"username": fx.police_centrum.username, "password": PASSWORD},
    ),
    "password_change": FormCase(
        (auth_views.PasswordChangeView.form_class,),
        "police_centrum",
        lambda fx: reverse("password_change"),
        fill=lambda fx: {
            "old_password": PASSWORD,
            "new_password1": "Ett nytt lösenord 2026",
            "new_password2": "Ett nytt lösenord 2026",
        },
    ),
}
# Forms that are not a person's: the admin's (staff only, Django's own pages), and the
# report list's filter, which answers GET (test_it_survives_hostile_filters_on_the_report_list).
NOT_HERE = {
    incidents.filtersets.ReportFilterForm: "GET filters, tested below",
    plans.forms.priority.PriorityWeightsForm: "the admin's",
    # One choice of category, no text: its refusals are in tests/incidents/corrections/.
    incidents.forms.ReportCategoryForm: "a category choice only",
    # The report form's base (covered by the report case and the placement case).
    incidents.forms.PlaceNameForm: "the report form's base",
}
FORM_MODULES = (
    accounts.forms,
    incidents.filtersets,
    incidents.forms,
    incidents.forms_imports,
    incidents.forms_situation,
    plans.forms.plans,
    plans.forms.priority,
    plans.forms.problems,
)


@pytest.fixture
def picture(social_centrum, centrum):
    return situation_picture_create(
        actor=social_centrum,
        district=centrum,
        period_kind="quarter",
        period_start=date(date.today().year, 1, 1),
    )


@pytest.fixture
def agreed_measure(agreed_plan):
    return agreed_plan.measures.get()


@pytest.fixture
def centrum_report(make_report):
    return make_report(district="centrum")


@pytest.fixture
def verifying_coordinator(coordinator):
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    return coordinator


def test_it_has_a_case_for_every_form():
    """A form added to the portal's form modules must be given a case (or a reason)."""
    defined = {
        obj
        for module in FORM_MODULES
        for _name, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, forms.BaseForm)
        and obj.__module__ == module.__name__
        and not obj.__name__.endswith("Mixin")
    }
    covered = {form for case in CASES.values() for form in case.forms}
    assert defined - covered - set(NOT_HERE) == set()


def _errors(page: str) -> list[str]:
    """The error messages a page shows, for a failing case's message."""
    import re

    return re.findall(r"(?:invalid-feedback|alert-danger|errorlist)[^>]*>(.*?)<", page, re.S)


def _sign_in(client, case, fx):
    if case.user is None:
        return
    user = getattr(fx, case.user)
    if case.password_only:
        response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
    else:
        client.force_login(user)


def _post(client, action, data, *, where):
    response = client.post(action, data)
    assert_not_server_error(response, where=where)
    page = response.content.decode(errors="replace")
    assert_shown_escaped(page, where=where)
    if response.status_code in (301, 302, 303):
        shown = client.get(response["Location"])
        assert_not_server_error(shown, where=f"{where} → {response['Location']}")
        page = shown.content.decode(errors="replace")
        assert_shown_escaped(page, where=f"{where} → {response['Location']}")
    return response, page


@pytest.mark.parametrize("name", sorted(CASES))
def test_it_survives_hostile_input_in_every_field_of_the_form(
    name, client, request, geography, count_cases
):
    case = CASES[name]
    fx = Fixtures(request)
    _sign_in(client, case, fx)
    page_url = case.page(fx)
    action = case.action(fx) if case.action else page_url
    shown = client.get(page_url)
    assert shown.status_code == 200, (name, shown.status_code)
    data, kinds = form_on_page(shown.content.decode(), action=action)
    filled = case.fill(fx)
    data |= {key: value if isinstance(value, list) else [value] for key, value in filled.items()}
    kinds = dict.fromkeys(filled, "choice") | kinds
    if case.saves:
        with transaction.atomic():
            response, _page = _post(client, action, data, where=f"{name} as filled in")
            assert response.status_code == 302, (name, _errors(_page))
            transaction.set_rollback(True)
    attacked = sorted(set(kinds) - case.not_attacked)
    assert attacked, name
    texts = [field_name for field_name in attacked if kinds[field_name] == "text"]
    choices = [field_name for field_name in attacked if kinds[field_name] != "text"]

    def post(fields, label, value) -> bool:
        """Post ``value`` in ``fields`` at once; whether the form saved it."""
        where = f"{name}.{'+'.join(fields)} = {label}"
        with transaction.atomic():
            response, page = _post(
                client, action, data | {field_name: [value] for field_name in fields}, where=where
            )
            if label == "personnummer":
                assert_no_identity_number_stored(where=where)
                if response.status_code == 302:
                    assert PERSONNUMMER not in page, where
            transaction.set_rollback(True)
        count_cases["form requests"] += 1
        return response.status_code == 302

    # Every text field at once; where the form refuses the value, each field alone, so that
    # a field that takes it is seen to store and show it.
    for label, value in HOSTILE.items():
        if not post(texts, label, value) and len(texts) > 1:
            for field_name in texts:
                post([field_name], label, value)
        count_cases["form fields × values"] += len(texts)
    # Fields that take a choice, a number or a date refuse text; all at once shows none errs.
    for label, value in HOSTILE_FOR_CHOICES.items():
        if choices:
            post(choices, label, value)
        count_cases["form fields × values"] += len(choices)
