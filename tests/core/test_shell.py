"""The UI shell: base page, login and logout, language, error pages, assets."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import reverse

# Every URL a page makes the browser fetch or follow.
_URL_ATTRIBUTE = re.compile(r"""\b(?:src|href|action)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def _urls(html: str) -> list[str]:
    return _URL_ATTRIBUTE.findall(html)


def test_it_redirects_anonymous_users_to_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_it_shows_the_login_page_in_swedish_by_default(client, db):
    response = client.get(reverse("login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert "Logga in" in html
    assert "Användarnamn" in html


def test_it_lets_anonymous_visitors_switch_the_login_page_to_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": reverse("login")})

    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Logga in" not in html


def test_it_switches_language_for_signed_in_users(client, outsider):
    client.force_login(outsider)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Your access" in html
    # The switch offers the way back, named in its own language.
    assert 'lang="sv"' in html and "Svenska" in html


def test_it_logs_in_and_lists_the_memberships(client, social_centrum):
    response = client.post(
        reverse("login"), {"username": "social.centrum", "password": "test-password-123"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    html = client.get("/").content.decode()
    assert "Socialförvaltning Centrum" in html
    assert "Analytiker" in html
    assert "Centrum" in html
    assert "Du har ännu ingen behörighet" not in html


def test_it_follows_next_after_login(client, outsider):
    response = client.post(
        reverse("login"),
        {"username": "utomstaende", "password": "test-password-123", "next": "/accounts/password/"},
    )

    assert response["Location"] == "/accounts/password/"


def test_it_says_all_districts_for_coordinators(client, coordinator):
    client.force_login(coordinator)

    html = client.get("/").content.decode()

    assert "Göteborgs Stad, Trygg i Göteborg" in html
    assert "Samordnare" in html
    assert "alla stadsområden" in html


def test_it_lists_every_membership_of_a_user(client, social_hisingen, organisations, centrum):
    from accounts.choices import Role
    from accounts.models import Membership

    extra = Membership.objects.create(
        user=social_hisingen, organisation=organisations["sf_centrum"], role=Role.REPORTER
    )
    extra.districts.set([centrum])
    client.force_login(social_hisingen)

    html = client.get("/").content.decode()

    assert "Socialförvaltning Hisingen" in html
    assert "Socialförvaltning Centrum" in html
    assert "Rapportör" in html


def test_it_tells_users_without_membership_to_contact_their_administrator(client, outsider):
    client.force_login(outsider)

    html = client.get("/").content.decode()

    assert "Du har ännu ingen behörighet — kontakta din administratör." in html


def test_it_keeps_the_start_page_to_a_few_queries(
    client, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)

    # Session, user, access and memberships, and a count for each kind of next step the
    # coordinator has (reports to review, delayed measures, the current trend alarms).
    with django_assert_max_num_queries(9):
        response = client.get("/")

    assert response.status_code == 200


def test_it_shows_login_errors_in_swedish(client, outsider):
    response = client.post(reverse("login"), {"username": "utomstaende", "password": "fel"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "Ange ett korrekt användarnamn och lösenord" in html
    # The username is kept so that only the password needs retyping.
    assert 'value="utomstaende"' in html


def test_it_logs_out_on_post_only(client, outsider):
    client.force_login(outsider)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get("/").status_code == 302


def test_it_changes_the_password(client, outsider):
    client.force_login(outsider)
    new_password = "Rött-äpple-i-kvällssol-26"

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "test-password-123",
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    outsider.refresh_from_db()
    assert outsider.check_password(new_password)
    html = client.get(response["Location"]).content.decode()
    assert "Lösenordet är bytt" in html


def test_it_shows_password_errors_on_the_field(client, outsider):
    client.force_login(outsider)

    response = client.post(
        reverse("password_change"),
        {"old_password": "fel", "new_password1": "x", "new_password2": "y"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_old_password_error"' in html
    assert 'id="id_old_password_error"' in html
    assert 'autocomplete="current-password"' in html
    assert 'autocomplete="new-password"' in html


@override_settings(AXES_FAILURE_LIMIT=5, AXES_COOLOFF_TIME=15 / 60)
def test_it_locks_the_account_after_five_failed_logins(client, outsider):
    for attempt in range(4):
        response = client.post(reverse("login"), {"username": "utomstaende", "password": "fel"})
        assert response.status_code == 200, attempt

    response = client.post(reverse("login"), {"username": "utomstaende", "password": "fel"})

    html = response.content.decode()
    assert response.status_code == 429
    assert "För många misslyckade inloggningsförsök" in html
    assert "Försök igen om 15 minuter." in html
    # Even the right password is refused while the lock holds.
    response = client.post(
        reverse("login"), {"username": "utomstaende", "password": "test-password-123"}
    )
    assert response.status_code == 429
    assert client.get("/").status_code == 302


def test_it_renders_the_page_not_found_in_swedish(client, outsider):
    client.force_login(outsider)

    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_it_renders_the_server_error_page_without_a_request(db, django_assert_num_queries):
    # Django renders 500.html with no request and no context processors; it must not
    # touch the database that may be the reason for the error.
    with django_assert_num_queries(0):
        html = render_to_string("500.html")

    assert "Något gick fel" in html
    assert '<html lang="sv">' in html


def test_it_renders_the_permission_denied_page_in_swedish(outsider):
    html = render_to_string("403.html", request=_request_for(outsider))

    assert "Åtkomst nekad" in html


def test_it_shows_administration_only_to_staff(client, outsider):
    client.force_login(outsider)
    assert reverse("admin:index") not in client.get("/").content.decode()

    outsider.is_staff = True
    outsider.save(update_fields=["is_staff"])
    client.force_login(outsider)  # staff reach the admin: they pass the second factor first
    assert reverse("admin:index") in client.get("/").content.decode()


def test_it_renders_messages_as_announced_alerts(outsider):
    request = _request_for(outsider)
    messages.success(request, "Sparat.")
    messages.error(request, "Det gick inte.")

    html = render_to_string("base.html", request=request)

    assert re.search(r'alert-success[^>]*role="status"[^>]*>\s*Sparat\.', html)
    assert re.search(r'alert-danger[^>]*role="alert"[^>]*>\s*Det gick inte\.', html)


def test_it_gives_the_base_page_landmarks_and_a_skip_link(client, outsider):
    client.force_login(outsider)

    html = client.get("/").content.decode()

    assert '<a class="trygg-skip-link visually-hidden-focusable" href="#main">' in html
    assert "Hoppa till innehållet" in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'aria-controls="trygg-nav"' in html
    # The logout control is a POST form with its CSRF token.
    assert re.search(
        rf'<form action="{reverse("logout")}" method="post">\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken"',
        html,
    )


def test_it_sends_the_csrf_token_with_htmx_requests(client, outsider):
    client.force_login(outsider)

    html = client.get("/").content.decode()

    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html)
    assert token and len(token.group(1)) >= 32


@pytest.mark.parametrize("signed_in", [False, True])
def test_it_references_no_external_urls(client, outsider, signed_in):
    if signed_in:
        client.force_login(outsider)
    path = "/" if signed_in else reverse("login")

    urls = _urls(client.get(path).content.decode())

    assert urls
    external = [url for url in urls if re.match(r"(?i)^(https?:)?//", url)]
    assert external == []


def test_it_references_static_files_that_exist(client, outsider, settings):
    client.force_login(outsider)

    html = client.get("/").content.decode()
    assets = [url for url in _urls(html) if url.startswith(settings.STATIC_URL)]

    assert {
        "/static/vendor/bootstrap/css/bootstrap.min.css",
        "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
        "/static/django_htmx/htmx-2.min.js",
        "/static/css/trygg.css",
    } <= set(assets)
    for url in assets:
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url


def _request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_it_stays_swedish_whatever_language_the_browser_prefers(client, db):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv">' in html
    assert "Logga in" in html
