"""The method notes as a page: what the analysis' figures link to."""

from django.urls import reverse

from analysis.views import METHOD_FILE


def test_it_shows_the_method_notes_to_a_signed_in_person(client, social_centrum):
    client.force_login(social_centrum)
    response = client.get(reverse("analysis:method"))
    assert response.status_code == 200
    page = response.content.decode()
    # Each heading of the notes is a heading of the page, and Markdown's tables render.
    first_heading = next(
        line[2:] for line in METHOD_FILE.read_text().splitlines() if line.startswith("# ")
    )
    assert f">{first_heading}</h1>" in page
    assert "Reports are not crime." in page


def test_it_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("analysis:method"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
