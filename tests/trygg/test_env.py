import pytest
from django.core.exceptions import ImproperlyConfigured

from trygg.env import RANDOM_PAGE_COST, Env, celery_broker_url, database_settings


def test_it_reads_booleans_in_their_usual_spellings():
    env = Env({"A": "yes", "B": "0", "C": " True "})
    assert env.get_bool("A") is True
    assert env.get_bool("B") is False
    assert env.get_bool("C") is True
    assert env.get_bool("MISSING", default=True) is True


@pytest.mark.parametrize("value", ["maybe", "2", "ja"])
def test_it_rejects_a_boolean_it_cannot_read(value):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        Env({"DEBUG": value}).get_bool("DEBUG")


def test_it_rejects_a_number_that_is_not_one_or_out_of_range():
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        Env({"N": "ten"}).get_int("N", 1)
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        Env({"N": "0"}).get_int("N", 1, min_value=1)
    assert Env({"N": "7"}).get_int("N", 1, min_value=1) == 7


def test_it_rejects_empty_items_in_a_list():
    assert Env({"H": "a.se, b.se"}).get_list("H") == ["a.se", "b.se"]
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        Env({"H": "a.se,,b.se"}).get_list("H")


def test_it_rejects_a_value_outside_the_choices():
    with pytest.raises(ImproperlyConfigured, match="must be one of"):
        Env({"LOG_LEVEL": "LOUD"}).get_choice("LOG_LEVEL", ["INFO", "DEBUG"], "INFO")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "must start with"),
        ("postgresql:///", "names no host"),
        ("postgresql://h:port/db", "port that is not a number"),
    ],
)
def test_it_rejects_malformed_urls(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        Env({"DATABASE_URL": url}).get_url("DATABASE_URL", {"postgres", "postgresql"})


def test_it_turns_a_socket_url_into_a_socket_host():
    config = database_settings("postgresql://postgres@/trygg?host=/srv/var/pg")
    assert config["HOST"] == "/srv/var/pg"
    assert config["NAME"] == "trygg"
    assert "host" not in config["OPTIONS"]


@pytest.mark.django_db
def test_it_plans_queries_for_data_on_ssd_or_in_memory():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == RANDOM_PAGE_COST < 4


def test_it_refuses_a_database_url_without_a_database():
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        database_settings("postgresql://postgres@localhost:5432")


def test_it_spells_a_redis_socket_the_way_celery_reads_it():
    assert (
        celery_broker_url("unix:///srv/var/redis.socket") == "redis+socket:///srv/var/redis.socket"
    )
    assert celery_broker_url("redis://localhost:6379/0") == "redis://localhost:6379/0"
