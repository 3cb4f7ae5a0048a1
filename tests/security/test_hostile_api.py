"""Every API write, every writable field, every hostile value (``tests/security/hostile.py``).

The writes and their fields come from the OpenAPI schema, so a new endpoint or field is
attacked as soon as it exists; ``test_it_has_a_case_for_every_api_write`` fails until the
new write is given a caller and a valid body here. Each call runs in a savepoint that is
rolled back, so every value meets the same valid request.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.settings import api_settings

from accounts.choices import ApiScope
from plans.models import FollowUp, Problem
from tests.api.conftest import report_payload
from tests.security.hostile import (
    HOSTILE,
    PERSONNUMMER,
    assert_no_identity_number_stored,
    assert_shown_escaped,
)

KEYS = {"type", "title", "status", "detail", "errors"}


@dataclass(frozen=True)
class ApiCase:
    caller: str  # a fixture: a token (Caller) or a person (signed in with the session)
    url: Callable
    body: Callable
    # Where the written record is shown in the portal, and to whom.
    page: Callable
    viewer: str
    bulk: bool = False


def _write_path(model, response):
    return model.objects.get(pk=response.json()["id"])


CASES = {
    ("post", "/api/v1/reports/"): ApiCase(
        "bostad_client",
        lambda fx: "/api/v1/reports/",
        lambda fx: report_payload(),
        lambda fx, body: reverse("incidents:report_detail", args=[body["id"]]),
        "partner",
    ),
    ("put", "/api/v1/reports/{id}/"): ApiCase(
        "bostad_client",
        lambda fx: f"/api/v1/reports/{fx.own_report}/",
        lambda fx: report_payload(),
        lambda fx, body: reverse("incidents:report_detail", args=[body["id"]]),
        "partner",
    ),
    ("patch", "/api/v1/reports/{id}/"): ApiCase(
        "bostad_client",
        lambda fx: f"/api/v1/reports/{fx.own_report}/",
        lambda fx: {},
        lambda fx, body: reverse("incidents:report_detail", args=[body["id"]]),
        "partner",
    ),
    ("patch", "/api/v1/reports/{id}/correction/"): ApiCase(
        "police_centrum",
        lambda fx: f"/api/v1/reports/{fx.own_report}/correction/",
        lambda fx: {},
        lambda fx, body: reverse("incidents:report_detail", args=[body["id"]]),
        "police_centrum",
    ),
    ("post", "/api/v1/reports/bulk/"): ApiCase(
        "bostad_client",
        lambda fx: "/api/v1/reports/bulk/",
        lambda fx: report_payload(),
        lambda fx, body: reverse("incidents:report_detail", args=[body["results"][0]["id"]]),
        "partner",
        bulk=True,
    ),
    ("post", "/api/v1/problems/"): ApiCase(
        "social_centrum",
        lambda fx: "/api/v1/problems/",
        lambda fx: {"district": "centrum", "title": "Bråk vid torget"},
        lambda fx, body: reverse("plans:problem_detail", args=[body["id"]]),
        "social_centrum",
    ),
    ("patch", "/api/v1/problems/{id}/"): ApiCase(
        "social_centrum",
        lambda fx: f"/api/v1/problems/{fx.problem.pk}/",
        lambda fx: {"version": Problem.objects.get(pk=fx.problem.pk).version},
        lambda fx, body: reverse("plans:problem_detail", args=[body["id"]]),
        "social_centrum",
    ),
    ("post", "/api/v1/follow-ups/"): ApiCase(
        "police_system",
        lambda fx: "/api/v1/follow-ups/",
        lambda fx: {
            "measure": fx.agreed_plan.measures.get().pk,
            "date": timezone.localdate().isoformat(),
            "status": "started",
            "indicator_value": "87.00",
            "note": "Från polisens system",
        },
        lambda fx, body: reverse(
            "plans:measure_detail", args=[FollowUp.objects.get(pk=body["id"]).measure_id]
        ),
        "social_centrum",
    ),
}


def _schema() -> dict:
    return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)


def _writable_fields(schema: dict, operation: dict, *, bulk: bool) -> list[str]:
    components = schema["components"]["schemas"]
    content = operation["requestBody"]["content"]["application/json"]["schema"]
    request_schema = components[content["$ref"].rsplit("/", 1)[-1]]
    if bulk:
        item = request_schema["properties"]["reports"]["items"]
        request_schema = components[item["$ref"].rsplit("/", 1)[-1]]
    return sorted(
        name
        for name, spec in request_schema.get("properties", {}).items()
        if not spec.get("readOnly")
    )


def _writes(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in {"post", "put", "patch"} and "requestBody" in operation:
                yield (method, path), operation


def test_it_has_a_case_for_every_api_write():
    assert {key for key, _operation in _writes(_schema())} == set(CASES)


class Fixtures:
    def __init__(self, request) -> None:
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


@pytest.fixture
def police_system(make_api_client):
    return make_api_client(
        "lpo-city-indikatorer",
        organisation="lpo_city",
        scopes=(ApiScope.PLANS_READ, ApiScope.PLANS_WRITE),
        districts=("centrum",),
    )


@pytest.fixture
def own_report(api, bostad_client):
    response = api.post(
        "/api/v1/reports/", report_payload(), format="json", headers=bostad_client.headers
    )
    assert response.status_code == 201
    return response.json()["id"]


@pytest.fixture
def unthrottled(settings):
    cache.clear()
    rates = {
        **api_settings.DEFAULT_THROTTLE_RATES,
        "api_client": "100000/min",
        "user": "100000/min",
    }
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def _call(api, method, url, body, headers):
    return getattr(api, method)(url, body, format="json", headers=headers)


def _check_refusal(response, fields, *, bulk, where):
    assert response["Content-Type"].startswith("application/json"), where
    problem = response.json()
    assert set(problem) == KEYS and problem["status"] == response.status_code, where
    if response.status_code == 400 and problem["type"] == "urn:trygg:problem:invalid":
        errors = problem["errors"]["reports"]["0"] if bulk else problem["errors"]
        assert set(fields) & set(errors) or "non_field_errors" in errors, (where, problem)


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda key: f"{key[0]} {key[1]}")
def test_it_survives_hostile_input_in_every_field_of_the_write(
    key,
    api,
    request,
    unthrottled,
    geography,
    count_cases,
):
    case = CASES[key]
    fx = Fixtures(request)
    method, _path = key
    caller = getattr(fx, case.caller)
    headers = getattr(caller, "headers", {})
    if not headers:
        api.force_login(caller)
    viewer = Client()
    viewer.force_login(getattr(fx, case.viewer))
    schema = _schema()
    operation = dict(_writes(schema))[key]
    url = case.url(fx)

    def send(fields, label, value) -> bool:
        """Send ``value`` in ``fields`` at once; whether it was stored."""
        where = f"{method.upper()} {url} {'+'.join(fields)} = {label}"
        item = case.body(fx) | dict.fromkeys(fields, value)
        body = {"reports": [item]} if case.bulk else item
        with transaction.atomic():
            response = _call(api, method, url, body, headers)
            assert response.status_code < 500, (where, response.content[:500])
            if response.status_code >= 400:
                _check_refusal(response, fields, bulk=case.bulk, where=where)
            else:
                shown = viewer.get(case.page(fx, response.json()))
                assert shown.status_code == 200, where
                page = shown.content.decode()
                assert_shown_escaped(page, where=where)
                assert PERSONNUMMER not in page, where
            if label == "personnummer":
                assert_no_identity_number_stored(where=where)
            transaction.set_rollback(True)
        count_cases["api requests"] += 1
        return response.status_code < 400

    fields = _writable_fields(schema, operation, bulk=case.bulk)
    # Which fields take free text: the others (codes, dates, numbers, choices) refuse any
    # of these values, and are sent them all at once; each refusal must name a field.
    takes_text = [name for name in fields if send([name], "probe", "Klotter vid torget")]
    refuses_text = [name for name in fields if name not in takes_text]
    for label, value in HOSTILE.items():
        # The text fields at once; where the value is refused, each alone, so that a field
        # that takes it is seen to store and show it, and each refusal names its field.
        if takes_text and not send(takes_text, label, value) and len(takes_text) > 1:
            for field_name in takes_text:
                send([field_name], label, value)
        if refuses_text:
            assert not send(refuses_text, label, value), (key, label)
        count_cases["api fields × values"] += len(fields)
