"""A real day on the portal, for locust (driven by ``bench/load/run_load.py``).

The cast comes from the JSON file named by ``TRYGG_LOAD_CAST`` (written by the driver):
the password, the coordinators' logins and their TOTP secret, and one API token per partner
system. Five kinds of users, weighted like a working day:

- reporters file from the phone form (logged in, CSRF) and look at "Mina rapporter";
- partner systems post reports through the API (bearer token);
- analysts list, filter, search, page on and open reports;
- coordinators (password + TOTP) open the citywide and district dashboards;
- partner systems pull lists and counts through the API.

Every request is named by its kind, so the statistics come per kind. The users step up
(``TRYGG_LOAD_STEPS``, e.g. ``10,20,40``): each step runs ``TRYGG_LOAD_WARMUP`` seconds (its
new users log in: a password hash costs about a second, once a day in real life) and then
``TRYGG_LOAD_SECONDS`` measured seconds, whose statistics per kind are written to the JSON
file ``TRYGG_LOAD_OUT`` as each step ends.
"""

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from datetime import date, datetime, timedelta

import gevent
from locust import HttpUser, LoadTestShape, between, events, task

CAST = json.loads(open(os.environ["TRYGG_LOAD_CAST"]).read())  # noqa: SIM115
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A hidden field when the reporter files for one organisation, else a choice.
ORGANISATION = re.compile(r'name="organisation"[^>]*?(?:value="(\d+)"|>\s*<option value="(\d+)")')
CATEGORY = re.compile(r'<option value="(\d+)"')
REPORT_LINK = re.compile(r'href="/rapporter/(\d+)/"')
NEXT_PAGE = re.compile(r'href="(\?[^"]*cursor=[^"]+)" rel="next"')
API_CATEGORIES = ["klotter", "nedskrapning", "storande-grupper", "belysning", "narkotikahandel"]
PLACES = ["Hjällbo centrum", "Angered centrum", "Brunnsparken", "Järntorget", "Frölunda torg"]
# Each locust run starts at another coordinator: a TOTP code is taken once per device.
_coordinators = itertools.count(int(os.environ.get("TRYGG_LOAD_COORDINATOR_OFFSET", "0")))
_partners = itertools.count()
STEPS = [int(users) for users in os.environ.get("TRYGG_LOAD_STEPS", "10").split(",")]
WARMUP = float(os.environ.get("TRYGG_LOAD_WARMUP", "30"))
MEASURED = float(os.environ.get("TRYGG_LOAD_SECONDS", "60"))
SPAWN_RATE = 5


class StepShape(LoadTestShape):
    """The users of each step in turn, each for its warm-up and measured time."""

    def tick(self):
        step = int(self.get_run_time() // (WARMUP + MEASURED))
        return (STEPS[step], SPAWN_RATE) if step < len(STEPS) else None


def _snapshot(environment, users: int, seconds: float, exceptions: int) -> dict:
    kinds = {}
    for entry in [*environment.stats.entries.values(), environment.stats.total]:
        kinds[entry.name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": entry.num_requests / seconds,
            "p50": entry.get_response_time_percentile(0.5) if entry.num_requests else 0,
            "p95": entry.get_response_time_percentile(0.95) if entry.num_requests else 0,
        }
    return {
        "users": users,
        "seconds": seconds,
        "exceptions": exceptions,
        "errors": sorted(
            {f"{error.name}: {error.error}"[:300] for error in environment.stats.errors.values()}
            | {e["msg"][:300] for e in environment.runner.exceptions.values()}
        ),
        "kinds": kinds,
    }


@events.test_start.add_listener
def _measure(environment, **kwargs):
    """Per step: wait out the warm-up, reset the statistics, measure, write them out."""

    def measure():
        results = []
        for users in STEPS:
            gevent.sleep(WARMUP)
            environment.stats.reset_all()
            exceptions = sum(e["count"] for e in environment.runner.exceptions.values())
            started = time.monotonic()
            gevent.sleep(MEASURED)
            exceptions = (
                sum(e["count"] for e in environment.runner.exceptions.values()) - exceptions
            )
            results.append(_snapshot(environment, users, time.monotonic() - started, exceptions))
            with open(os.environ["TRYGG_LOAD_OUT"], "w") as out:
                json.dump(results, out, indent=2)

    gevent.spawn(measure)


def totp(secret: str, at: float) -> str:
    """RFC 6238: six digits, 30-second steps, HMAC-SHA1 (django-otp's defaults)."""
    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    username = ""

    def on_start(self):
        self.log_in(self.username)

    def csrf(self, html: str) -> str:
        return CSRF.search(html).group(1)

    def log_in(self, username: str, totp_secret: str | None = None) -> None:
        page = self.client.get("/accounts/login/", name="login")
        answer = self.client.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": CAST["password"],
                "csrfmiddlewaretoken": self.csrf(page.text),
            },
            name="login",
        )
        if totp_secret is not None:
            answer = self.client.post(
                answer.url,
                data={
                    "code": totp(totp_secret, time.time()),
                    "csrfmiddlewaretoken": self.csrf(answer.text),
                },
                name="login: second factor",
            )
        if "/accounts/" in answer.url:
            raise RuntimeError(f"{username} could not log in (ended at {answer.url})")


class Reporter(PortalUser):
    """A housing company's caretaker filing from the phone form."""

    weight = 3
    username = "partner.bostad"

    @task(3)
    def file_report(self):
        form = self.client.get("/rapporter/ny/", name="form: open")
        occurred = datetime.now() - timedelta(minutes=random.randint(5, 600))
        with self.client.post(
            "/rapporter/ny/",
            data={
                "csrfmiddlewaretoken": self.csrf(form.text),
                "organisation": next(filter(None, ORGANISATION.search(form.text).groups())),
                "category": random.choice(CATEGORY.findall(form.text)),
                "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
                "place_name": random.choice(PLACES[:2]),
                "description": "Grupp som stör vid entrén, nedskräpat i trapphuset.",
                "severity": "2",
                "confidentiality": "partnership",
            },
            name="form: file",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"form answered {answer.status_code}, not a redirect")

    @task(1)
    def my_reports(self):
        self.client.get("/rapporter/mina/", name="my reports")


class Analyst(PortalUser):
    """A police or social-services analyst working the report list."""

    weight = 4
    analysts = ["polis.centrum", "social.centrum", "social.hisingen"]

    def on_start(self):
        self.username = random.choice(self.analysts)
        super().on_start()

    def open_some(self, html: str) -> None:
        ids = REPORT_LINK.findall(html)
        if ids:
            self.client.get(f"/rapporter/{random.choice(ids)}/", name="report")

    @task(3)
    def list_and_page(self):
        page = self.client.get("/rapporter/", name="list")
        following = NEXT_PAGE.search(page.text)
        if following:
            following_url = "/rapporter/" + following.group(1).replace("&amp;", "&")
            self.client.get(following_url, name="list: next page")
        self.open_some(page.text)

    @task(2)
    def filtered(self):
        district = "centrum" if self.username != "social.hisingen" else "hisingen"
        self.client.get(f"/rapporter/?district={district}&category=brott", name="list: filter")

    @task(2)
    def search(self):
        page = self.client.get("/rapporter/?q=narkotika", name="list: search")
        self.open_some(page.text)


class Coordinator(PortalUser):
    """Trygg i Göteborg's coordinator: dashboards, city first, then a district."""

    weight = 2

    def on_start(self):
        number = next(_coordinators) % len(CAST["coordinators"])
        self.log_in(CAST["coordinators"][number], CAST["totp_secret"])

    @task(2)
    def city(self):
        self.client.get("/oversikt/", name="dashboard: city")

    @task(3)
    def district(self):
        district = random.choice(["centrum", "hisingen", "nordost", "sydvast"])
        self.client.get(f"/oversikt/{district}/", name="dashboard: district")


class PartnerSystem(HttpUser):
    """A partner's system: posts its reports and pulls its lists and counts."""

    weight = 3
    wait_time = between(0.5, 1.5)

    def on_start(self):
        token = CAST["tokens"][next(_partners) % len(CAST["tokens"])]
        self.client.headers["Authorization"] = f"Bearer {token}"

    @task(2)
    def post_report(self):
        occurred = datetime.now().astimezone() - timedelta(minutes=random.randint(5, 600))
        with self.client.post(
            "/api/v1/reports/",
            json={
                "category": random.choice(API_CATEGORIES),
                "occurred_at": occurred.isoformat(timespec="seconds"),
                "latitude": f"{57.79 + random.random() * 0.02:.5f}",
                "longitude": f"{12.02 + random.random() * 0.02:.5f}",
                "description": "Fastighetsskötare: klotter i trapphuset.",
                "source_kind": "property_owner",
            },
            name="api: file",
            catch_response=True,
        ) as answer:
            if answer.status_code != 201:
                answer.failure(f"API answered {answer.status_code}: {answer.text[:200]}")

    @task(3)
    def pull_list(self):
        self.client.get(
            "/api/v1/reports/?district=nordost&category=brott&page_size=50", name="api: list"
        )

    @task(1)
    def pull_counts(self):
        end = date.today()
        start = (end.replace(day=1) - timedelta(days=330)).replace(day=1)
        self.client.get(
            f"/api/v1/overview/counts/?grain=month&by=category&start={start}&end={end}",
            name="api: counts",
        )
