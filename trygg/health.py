"""Liveness (/healthz) and readiness (/readyz) probes for load balancers and `make run`.

Readiness makes a real round trip to each dependency: a query to PostgreSQL, a PING to
Redis, and a Celery ping that at least one worker must answer.
"""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis() -> None:
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=settings.TRYGG_READYZ_TIMEOUT,
        socket_connect_timeout=settings.TRYGG_READYZ_TIMEOUT,
    )
    try:
        client.ping()
    finally:
        client.close()


def check_celery() -> None:
    from trygg.celery import app

    replies = app.control.ping(timeout=settings.TRYGG_READYZ_TIMEOUT)
    if not replies:
        raise RuntimeError("no worker answered a ping")


CHECKS = {"database": check_database, "redis": check_redis, "celery": check_celery}


@require_GET
@never_cache
@login_not_required
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
@login_not_required
def readyz(request):
    results = {}
    failed = []
    for name, check in CHECKS.items():
        # Celery's ping goes through Redis: with Redis down it can only fail, slowly.
        if name == "celery" and "redis" in failed:
            results[name] = "skipped: redis is down"
            failed.append(name)
            continue
        try:
            check()
        except Exception as exc:  # each dependency may fail in its own way
            logger.warning("readyz: %s failed: %s", name, exc)
            results[name] = f"failed: {type(exc).__name__}: {exc}"
            failed.append(name)
        else:
            results[name] = "ok"
    if failed:
        return JsonResponse(
            {"status": "unavailable", "failed": failed, "checks": results}, status=503
        )
    return JsonResponse({"status": "ok", "checks": results})
