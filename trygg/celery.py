"""The Celery application: configured from Django's settings (``CELERY_*``)."""

import os

from celery import Celery

from trygg import broker

# kombu's Redis transport ends the worker when Redis goes away while it holds unacknowledged
# messages; trygg/broker.py says why and how this is guarded.
broker.install()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")

app = Celery("trygg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
