"""The cause analysis: one label per field, and a cause row added without saving first (issue
#13: "Gärningsperson / Gärningsperson", and a save was needed for more rows)."""

import re

import pytest
from django.urls import reverse

from plans.models import Cause
from tests.overview.test_map_text import _csp_violations, _sign_in, browser  # noqa: F401


def _analysis(problem):
    return reverse("plans:problem_analysis", args=[problem.pk])


def _post(problem, form, rows, **extra):
    data = {"version": problem.version, "seen": form.initial["seen"]}
    data |= {"causes-TOTAL_FORMS": str(len(rows)), "causes-INITIAL_FORMS": "0"}
    data |= {"causes-MIN_NUM_FORMS": "0", "causes-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(rows):
        data |= {f"causes-{index}-{name}": value for name, value in row.items()}
    return data | extra


ROW = {"description": "", "kind": "situational", "horizon": "short", "side": ""}


def test_each_side_of_the_triangle_is_named_once_as_a_legend(client, problem, social_centrum):
    client.force_login(social_centrum)
    page = client.get(_analysis(problem)).content.decode()
    legends = re.findall(r"<legend[^>]*>([^<]+)</legend>", page)
    assert len(legends) == 3
    labels = re.findall(r'<label class="form-label" for="id_[a-z_]+">([^<]+)</label>', page)
    for legend in legends:
        assert legend not in labels, (legend, labels)


def test_the_add_a_cause_button_adds_a_row_without_saving_and_keeps_what_was_typed(
    client, problem, social_centrum
):
    client.force_login(social_centrum)
    form = client.get(_analysis(problem)).context["form"]
    typed = ROW | {"description": "Mörkt bakom hållplatsen", "side": "place"}
    response = client.post(
        _analysis(problem),
        _post(problem, form, [typed, ROW], offender="Unga säljare", add_cause="1"),
    )
    assert response.status_code == 200
    assert not Cause.objects.exists()
    formset = response.context["formset"]
    assert [f.initial.get("description") for f in formset][:1] == ["Mörkt bakom hållplatsen"]
    assert len(formset.forms) == 3  # the typed row, the empty one, and the new one
    page = response.content.decode()
    assert "Unga säljare" in page
    assert "invalid-feedback" not in page


def test_the_page_carries_an_empty_row_for_the_script_and_loads_it_from_static(
    client, problem, social_centrum
):
    client.force_login(social_centrum)
    page = client.get(_analysis(problem)).content.decode()
    assert 'id="trygg-cause-template"' in page
    assert "causes-__prefix__-description" in page
    assert '<script src="/static/js/cause_rows.js" defer></script>' in page
    assert 'name="add_cause"' in page


def test_rows_added_in_the_page_are_saved(client, problem, social_centrum):
    # What the script sends: the count raised and a third row filled in.
    client.force_login(social_centrum)
    form = client.get(_analysis(problem)).context["form"]
    rows = [
        ROW | {"description": f"Orsak {n}", "kind": "social", "horizon": "long"} for n in range(3)
    ]
    response = client.post(_analysis(problem), _post(problem, form, rows))
    assert response.status_code == 302
    assert sorted(Cause.objects.values_list("description", flat=True)) == [
        "Orsak 0",
        "Orsak 1",
        "Orsak 2",
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_script_adds_a_row_in_the_browser_that_is_saved(
    browser,  # noqa: F811
    live_server,
    client,
    problem,
    social_centrum,
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _sign_in(browser, live_server, client, social_centrum)
    browser.get(f"{live_server.url}{_analysis(problem)}")
    rows = len(browser.find_elements(By.CSS_SELECTOR, "#trygg-causes tbody tr"))
    browser.find_element(By.ID, "trygg-add-cause").click()
    assert len(browser.find_elements(By.CSS_SELECTOR, "#trygg-causes tbody tr")) == rows + 1
    added = browser.find_element(By.ID, f"id_causes-{rows}-description")
    assert browser.switch_to.active_element == added
    added.send_keys("Ny orsak från knappen")
    browser.find_element(By.CSS_SELECTOR, "form button.btn-primary[type=submit]").click()
    detail = reverse("plans:problem_detail", args=[problem.pk])
    WebDriverWait(browser, 20).until(lambda b: b.current_url.endswith(detail))
    assert Cause.objects.filter(description="Ny orsak från knappen").exists()
    assert not _csp_violations(browser)
