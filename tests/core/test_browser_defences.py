"""Browser defences (issue #9, item 6): every answer carries a strict Content-Security-Policy
and a Permissions-Policy, and nothing behind the login may be stored by a browser or proxy.

Checked on each kind of answer: a signed-in page, API JSON (session and token), a CSV and a
PDF download, the error pages (404, 403, 500, and the API's JSON errors), against the public
pages and static files, which stay cacheable.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import path, reverse

from accounts.api.services import api_client_create
from accounts.choices import ApiScope
from tests.trygg.test_settings import run_django
from trygg.urls import urlpatterns as portal_urlpatterns

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


def _boom(request):
    raise RuntimeError("a bug in a view")


# The portal's URLs plus a view that fails, to see the headers of the 500 page.
urlpatterns = [path("test-boom/", _boom), *portal_urlpatterns]
handler400 = "core.api.exceptions.handler400"
handler403 = "core.api.exceptions.handler403"
handler404 = "core.api.exceptions.handler404"
handler500 = "core.api.exceptions.handler500"


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict_policy(response):
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    header = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header


def assert_permissions_policy(response):
    header = response.headers.get("Permissions-Policy", "")
    features = dict(part.strip().split("=", 1) for part in header.split(","))
    for denied in ("camera", "microphone", "payment", "usb", "serial", "bluetooth", "hid"):
        assert features[denied] == "()", denied
    # The report form fills in the phone's position; nothing outside the portal may ask.
    assert features["geolocation"] == "(self)"


def assert_common_security_headers(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def assert_no_store(response):
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    assert "no-store" in directives, response.headers.get("Cache-Control")
    assert "private" in directives


def assert_all_defences(response):
    assert_strict_policy(response)
    assert_permissions_policy(response)
    assert_common_security_headers(response)
    assert_no_store(response)


@pytest.fixture
def token_reader(organisations, nordost):
    created = api_client_create(
        name="bostad-statistik",
        organisation=organisations["bostad"],
        scopes=[ApiScope.REPORTS_READ],
        districts=[nordost],
        expires_at=None,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {created.token}"}


def test_it_defends_a_signed_in_page(client, police_centrum):
    client.force_login(police_centrum)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert_all_defences(response)


def test_it_defends_the_api_answering_a_session(client, police_centrum):
    client.force_login(police_centrum)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert_all_defences(response)


def test_it_defends_the_api_answering_a_token(client, token_reader, make_report):
    make_report(district="nordost", organisation="bostad")
    response = client.get("/api/v1/reports/", **token_reader)
    assert response.status_code == 200
    assert response.json()["results"]
    assert_all_defences(response)


def test_it_keeps_a_refused_token_answer_out_of_caches(client, db):
    response = client.get("/api/v1/reports/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert_all_defences(response)


def test_it_defends_a_csv_download(client, police_centrum, make_report):
    make_report(organisation="lpo_city")
    client.force_login(police_centrum)
    response = client.get(reverse("incidents:report_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    b"".join(response.streaming_content)
    assert_all_defences(response)


def test_it_defends_a_pdf_download(client, agreed_plan, police_centrum):
    client.force_login(police_centrum)
    response = client.get(reverse("plans:plan_pdf", args=[agreed_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_all_defences(response)


def test_it_defends_the_not_found_page(client, police_centrum):
    client.force_login(police_centrum)
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert_all_defences(response)


def test_it_defends_the_api_not_found_answer(client, token_reader):
    response = client.get("/api/v1/reports/999999999/", **token_reader)
    assert response.status_code == 404
    assert_all_defences(response)


def test_it_defends_the_forbidden_page(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("overview:city"))
    assert response.status_code == 403
    assert_all_defences(response)


@pytest.mark.urls(__name__)
def test_it_defends_the_server_error_page(client, police_centrum):
    client.force_login(police_centrum)
    client.raise_request_exception = False
    response = client.get("/test-boom/")
    assert response.status_code == 500
    assert_all_defences(response)


def test_it_lets_the_public_pages_be_cached(client, organisations):
    response = client.get(reverse("plans:public_index"))
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert_strict_policy(response)
    assert_permissions_policy(response)


def test_it_keeps_the_login_page_out_of_caches_all_the_same(client, db):
    # Django's LoginView never lets its page (with a CSRF token) be cached.
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_all_defences(response)


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_it_lets_static_files_be_cached_by_signed_in_users(client, police_centrum):
    client.force_login(police_centrum)
    response = client.get("/static/css/trygg.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_it_serves_the_api_docs_without_inline_script(client, db):
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    assert_strict_policy(page)
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline <script> is back"
    assert "<style" not in html and "style=" not in html
    # Swagger UI's start-up script comes from the page's own ?script address.
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


@pytest.mark.parametrize(
    "template",
    sorted(p.relative_to(TEMPLATES_DIR).as_posix() for p in TEMPLATES_DIR.rglob("*.html")),
)
def test_it_has_no_inline_script_or_style_in_templates(template):
    source = (TEMPLATES_DIR / template).read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", source), "inline event handler"
    assert not re.search(r"\sstyle\s*=", source), "inline style attribute"
    assert "<style" not in source, "inline <style>"
    assert "javascript:" not in source


def _development(**env) -> dict:
    # The servers this run uses, so that settings start no embedded ones.
    servers = {k: os.environ[k] for k in ("DATABASE_URL", "REDIS_URL") if k in os.environ}
    return {"DEBUG": "1", **servers, **env}


@pytest.mark.parametrize(
    ("tile_url", "img_src"),
    [
        ("", "'self' data:"),
        ("https://tiles.example.se/{z}/{x}/{y}.png", "'self' data: https://tiles.example.se"),
        ("https://{s}.tiles.example.se/{z}/{x}/{y}.png", "'self' data: https://*.tiles.example.se"),
        ("/tiles/{z}/{x}/{y}.png", "'self' data:"),
    ],
)
def test_it_allows_the_map_tile_server_as_an_image_source(tile_url, img_src):
    result = run_django(
        _development(TRYGG_MAP_TILE_URL=tile_url),
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(*s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == img_src


def test_it_refuses_a_map_tile_address_that_is_no_web_address():
    result = run_django(_development(TRYGG_MAP_TILE_URL="javascript:alert(1)"), "check")
    assert result.returncode != 0
    assert "TRYGG_MAP_TILE_URL must be an http(s) URL" in result.stderr
