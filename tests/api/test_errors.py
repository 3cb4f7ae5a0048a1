"""One error format for every 4xx and 5xx of the API, never an HTML page; throttling."""

import pytest
from rest_framework.settings import api_settings

from incidents.api.views import ReportViewSet
from tests.api.conftest import report_payload

KEYS = {"type", "title", "status", "detail", "errors"}


def _problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == KEYS
    assert body["status"] == status
    return body


@pytest.mark.parametrize("path", ["/api/v1/finns-inte/", "/api/v2/reports/", "/api/nej"])
def test_it_answers_an_unknown_api_address_with_a_json_404(client, bostad_client, path):
    _problem(client.get(path, headers=bostad_client.headers), 404)


def test_it_keeps_html_error_pages_outside_the_api(client, police_centrum):
    client.force_login(police_centrum)
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_it_answers_a_method_not_allowed_with_a_problem(api, police_centrum, geography):
    api.force_login(police_centrum)
    body = _problem(api.delete("/api/v1/districts/centrum/"), 405)
    assert body["type"] == "urn:trygg:problem:method_not_allowed"


def test_it_accepts_json_only(api, bostad_client):
    response = api.post(
        "/api/v1/reports/", report_payload(), format="multipart", headers=bostad_client.headers
    )
    _problem(response, 415)


def test_it_answers_broken_json_with_400(api, bostad_client):
    response = api.generic(
        "POST",
        "/api/v1/reports/",
        "{not json",
        content_type="application/json",
        headers=bostad_client.headers,
    )
    _problem(response, 400)


def test_it_answers_a_bug_with_a_plain_500_and_logs_it(api, bostad_client, monkeypatch, caplog):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(ReportViewSet, "list", broken)
    api.raise_request_exception = False
    body = _problem(api.get("/api/v1/reports/", headers=bostad_client.headers), 500)
    assert "secret" not in str(body)
    assert "secret internals" in caplog.text


def test_it_throttles_each_client_with_429_and_retry_after(
    api, bostad_client, make_api_client, settings
):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "api_client": "3/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    for _ in range(3):
        assert api.get("/api/v1/me/", headers=bostad_client.headers).status_code == 200
    refused = api.get("/api/v1/me/", headers=bostad_client.headers)
    body = _problem(refused, 429)
    assert body["type"] == "urn:trygg:problem:throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    other = make_api_client("bostad-annan")
    assert api.get("/api/v1/me/", headers=other.headers).status_code == 200
