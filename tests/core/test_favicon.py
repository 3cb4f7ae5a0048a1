"""A favicon, linked from every page and at /favicon.ico (issue #13: every page had a console
error for the missing icon)."""

from django.contrib.staticfiles import finders


def test_it_links_the_icons_from_the_login_page_and_they_exist(client):
    page = client.get("/accounts/login/").content.decode()
    for name in ("favicon.svg", "favicon.png"):
        assert f"/static/{name}" in page
        assert finders.find(name)


def test_it_answers_favicon_ico_with_the_file_for_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
    assert finders.find("favicon.ico")
