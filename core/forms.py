from django import forms
from django.core.exceptions import ValidationError

from core.exceptions import DomainError


class BootstrapFormMixin:
    """Gives each widget Bootstrap's class. Invalid fields carry Django's aria-invalid,
    which static/css/trygg.css styles like Bootstrap's is-invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: each message at its field, or above
    the form when the form has no such field."""
    fields = set(form.fields)
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


def form_service_call(form, call):
    """``call()``, a service's write for ``form``'s page, or None when the service refused
    it: the refusal is then shown on ``form`` (a ``ValidationError`` at its fields, a
    ``DomainError`` above the form), and the page renders the form again with what was
    typed."""
    try:
        return call()
    except ValidationError as error:
        add_service_errors(form, error)
    except DomainError as error:
        form.add_error(None, error.message)
    return None
