"""Login throttling (django-axes + accounts.login_throttle): an account locks across
addresses, an address locks across accounts, and the attempt before a lock warns."""

from django.urls import reverse

from accounts.models import AuditEvent

PASSWORD = "test-password-123"
WARNING = "1 försök kvar innan inloggningen spärras i 15 minuter."
WARNING_2 = "2 försök kvar innan inloggningen spärras i 15 minuter."
LOCKED = "För många misslyckade inloggningsförsök"


WRONG = "fel"


def _login(client, username, password=WRONG, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_it_takes_the_limit_and_the_cool_off_from_the_settings(client, outsider, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 30 / 60
    page = _login(client, "utomstaende").content.decode()
    assert "2 försök kvar innan inloggningen spärras i 30 minuter." in page


def test_it_has_five_tries_per_account_and_twenty_per_address(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.TRYGG_LOGIN_ADDRESS_FAILURE_LIMIT == 20
    assert settings.AXES_COOLOFF_TIME * 60 == 15
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_it_locks_the_account_from_every_address(client, outsider, police_centrum):
    # The probe: right after a lockout, the right password worked from a second address.
    for n in range(5):
        _login(client, "utomstaende", address=f"10.0.0.{n + 1}")

    refused = _login(client, "utomstaende", PASSWORD, address="10.9.9.9")

    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Only that account: another person at the same address logs in.
    assert _login(client, "polis.centrum", PASSWORD, address="10.9.9.9").status_code == 302


def test_it_locks_an_address_that_sprays_many_accounts(client, police_centrum, social_centrum):
    # The probe: 46 failures across 34 usernames from one address did not stop the address.
    usernames = [f"anvandare{n}" for n in range(34)]
    statuses = [
        _login(client, usernames[n % 34], address="192.0.2.7").status_code for n in range(46)
    ]

    assert statuses[:19] == [200] * 19
    assert set(statuses[19:]) == {429}
    # Not even a real account's right password gets through from that address ...
    assert _login(client, "polis.centrum", PASSWORD, address="192.0.2.7").status_code == 429
    # ... while the same person elsewhere, and the other accounts, are not locked.
    assert _login(client, "polis.centrum", PASSWORD, address="198.51.100.1").status_code == 302


def test_it_warns_on_the_two_attempts_before_the_lock(client, outsider):
    pages = [_login(client, "utomstaende").content.decode() for _ in range(4)]

    assert all("försök kvar" not in page for page in pages[:2])
    assert WARNING_2 in pages[2]
    assert WARNING in pages[3]
    assert 'class="alert alert-warning" role="alert"' in pages[3]
    assert _login(client, "utomstaende").status_code == 429


def test_it_warns_before_the_address_locks_too(client, settings, db):
    settings.TRYGG_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    pages = [_login(client, f"namn{n}").content.decode() for n in range(5)]

    assert "försök kvar" not in pages[2]
    assert WARNING_2 in pages[3]
    assert WARNING in pages[4]
    assert _login(client, "namn9").status_code == 429


def test_it_forgets_an_accounts_own_failures_after_a_good_login(client, outsider):
    for _ in range(4):
        _login(client, "utomstaende")
    assert _login(client, "utomstaende", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    for _ in range(4):
        assert _login(client, "utomstaende").status_code == 200


def test_it_does_not_let_a_good_login_wipe_the_address_count(client, police_centrum, settings):
    # Someone with one valid account must not reset their spraying by logging in.
    settings.TRYGG_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for n in range(6):
        _login(client, f"offer{n}")
    assert _login(client, "polis.centrum", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    assert _login(client, "offer6").status_code == 200
    assert _login(client, "offer7").status_code == 429


def test_it_counts_the_address_the_proxy_reports(client, outsider, settings):
    settings.TRYGG_BEHIND_PROXY = True
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": "utomstaende", "password": "fel"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    events = AuditEvent.objects.filter(action="auth.login_failed")
    assert set(events.values_list("ip_address", flat=True)) == {f"203.0.113.{n}" for n in range(5)}
    # Five addresses, one account: the account is locked wherever the next try comes from.
    assert _login(client, "utomstaende", PASSWORD, address="10.0.0.1").status_code == 429


def test_the_login_page_links_the_public_citizen_promises(client, db):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("plans:public_index")}"' in page
    assert "medborgarlöften" in page
    assert client.get(reverse("plans:public_index")).status_code == 200
