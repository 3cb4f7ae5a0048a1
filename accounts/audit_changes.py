"""Every change of who may do what, and of the reference data the records point at, goes to
the audit trail, wherever it is made: a page, the admin, the shell or a command.

Users, memberships (their roles and districts), groups, organisations, API clients, areas,
the category vocabulary and the priority weights are watched through Django's model signals
(post_save, post_delete, m2m_changed), so no write path can forget them. Each entry says who
(the request's user, through ``AuditContextMiddleware``; else the command or process), which
object, and what changed: field names with old → new values, except secrets (never the
password hash or a token hash) and large values (a boundary), which are named only. A
password set on an existing user is its own entry, ``auth.password_changed``.

Bulk writes (``bulk_create``, ``QuerySet.update``) send no signals: the code that makes them
audits a summary itself (``areas.services.geography_load``).
"""

import getpass
import json
import sys
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from accounts.services import audit_record

_request: ContextVar = ContextVar("trygg_audit_request", default=None)

LARGE_VALUE_CHARACTERS = 200
CHANGED = "changed"  # what a secret or large value's entry says instead of the values
# Set by the framework on every save; saying so would only add noise.
ALWAYS_IGNORED = frozenset({"created_at", "updated_at"})


class AuditContextMiddleware:
    """Makes the current request known to the audit receivers below (who, from where)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def current_request():
    return _request.get()


def process_label() -> str:
    """Who acted when no request did: the management command (and the account it ran under),
    or the process."""
    program = sys.argv[0].rsplit("/", 1)[-1] if sys.argv else ""
    if program == "manage.py" and len(sys.argv) > 1:
        try:
            account = getpass.getuser()
        except (KeyError, OSError):
            account = "?"
        return f"manage.py {sys.argv[1]} ({account})"
    if program in ("celery", "gunicorn"):
        return program
    return "system"


@dataclass(frozen=True)
class Watched:
    """How one model's changes are recorded."""

    secret: frozenset = field(default_factory=frozenset)  # named only, never their values
    ignored: frozenset = field(default_factory=frozenset)  # not recorded at all


# app label.model name → how. Models of apps that are not installed are skipped.
WATCHED = {
    # The password has an entry of its own; last_login is the login's entry.
    "accounts.user": Watched(ignored=frozenset({"password", "last_login", "date_joined"})),
    "accounts.membership": Watched(),
    "accounts.organisation": Watched(),
    "accounts.apiclient": Watched(
        secret=frozenset({"token_hash", "token_prefix"}), ignored=frozenset({"last_used_at"})
    ),
    "auth.group": Watched(),
    "areas.district": Watched(),
    "areas.intermediatearea": Watched(),
    "areas.primaryarea": Watched(),
    "areas.policearea": Watched(),
    "areas.place": Watched(),
    "areas.vulnerablearea": Watched(),
    "areas.population": Watched(),
    "incidents.category": Watched(),
    "plans.priorityweights": Watched(),
}


def _watched(model) -> Watched | None:
    return WATCHED.get(model._meta.label_lower)


def _fields(model, spec: Watched):
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in spec.ignored and f.name not in ALWAYS_IGNORED
    ]


def _plain(value):
    """A value as JSON can hold it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _recorded(field_, value):
    """What the trail keeps of one value: the value, or only that it changed."""
    value = _plain(value)
    if len(json.dumps(value, ensure_ascii=False)) > LARGE_VALUE_CHARACTERS:
        return CHANGED
    return value


def _record(action: str, instance, details: dict) -> None:
    request = current_request()
    audit_record(
        action=f"{instance._meta.model_name}.{action}",
        target=instance,
        request=request,
        actor_label="" if request is not None else process_label(),
        details=details,
    )


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    spec = _watched(sender)
    instance._audit_before = None
    if spec is None or raw or instance._state.adding or instance.pk is None:
        return
    fields = _fields(sender, spec)
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    if not fields:
        return
    instance._audit_before = (
        sender._base_manager.filter(pk=instance.pk).values(*(f.attname for f in fields)).first()
    )


def _after_save(sender, instance, created, raw=False, **kwargs):
    spec = _watched(sender)
    if spec is None or raw:
        return
    if created:
        values = {
            f.name: CHANGED if f.name in spec.secret else _recorded(f, getattr(instance, f.attname))
            for f in _fields(sender, spec)
        }
        _record("created", instance, {"fields": values})
    else:
        before = getattr(instance, "_audit_before", None) or {}
        changes = {}
        for f in _fields(sender, spec):
            if f.attname not in before:
                continue
            old, new = before[f.attname], getattr(instance, f.attname)
            if _plain(old) == _plain(new):
                continue
            if f.name in spec.secret:
                changes[f.name] = CHANGED
            else:
                old, new = _recorded(f, old), _recorded(f, new)
                changes[f.name] = CHANGED if CHANGED in (old, new) else [old, new]
        if changes:
            _record("changed", instance, {"changes": changes})
    # AbstractBaseUser keeps the raw password of a set_password() until its save: wherever
    # the password was set (the password page, the admin, changepassword, the shell).
    if getattr(instance, "_password", None) is not None and not created:
        request = current_request()
        audit_record(
            action="auth.password_changed",
            target=instance,
            request=request,
            actor_label="" if request is not None else process_label(),
        )


def _after_delete(sender, instance, **kwargs):
    if _watched(sender) is not None:
        _record("deleted", instance, {})


def _relation_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    name = _relations.get(sender)
    if name is None:
        return
    if action == "pre_clear":
        # What a clear() removes is known only before it (from the forward side).
        instance._audit_cleared = (
            None if reverse else sorted(getattr(instance, name).values_list("pk", flat=True))
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        ids = getattr(instance, "_audit_cleared", None)
        key = "removed"
    else:
        ids = sorted(pk_set or ())
        key = "added" if action == "post_add" else "removed"
    if ids == []:
        return
    details = {"field": name, key: ids if ids is not None else "all"}
    if reverse:
        details["of"] = model._meta.label_lower
    _record("changed", instance, details)


_relations: dict = {}


def connect() -> None:
    """Connect the receivers to every watched model that is installed (AppConfig.ready)."""
    for label in WATCHED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        uid = f"audit-{label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)
        for relation in model._meta.local_many_to_many:
            through = relation.remote_field.through
            _relations[through] = relation.name
            m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=f"{uid}-{through}")
