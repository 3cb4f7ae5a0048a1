"""Signals the incidents app sends for others to listen to (incidents imports none of them).

``reports_written`` is sent inside the transaction of a write of reports that sends no model
signal: ``bulk_create``, ``bulk_update``, a queryset's ``update`` or ``delete``. Writes through a
model instance (``save``, ``delete``) send Django's ``post_save``/``post_delete`` instead.
Listeners must act after the commit (``transaction.on_commit``): the write may still roll back.
"""

from django.dispatch import Signal

# Keyword arguments: none needed; the listeners read what changed from the database.
reports_written = Signal()
