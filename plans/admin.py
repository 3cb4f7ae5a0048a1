"""Admin of the plans app: the priority weights only. Problems, plans and measures are content,
which an administrator does not read by that role (DESIGN.md section 5)."""

from django.contrib import admin

from accounts.access import access_for
from plans.choices import Criterion
from plans.forms.priority import PriorityWeightsForm
from plans.models import PriorityWeights
from plans.services.priority import priority_weights_create


@admin.register(PriorityWeights)
class PriorityWeightsAdmin(admin.ModelAdmin):
    """Each save is a new version; versions are never changed or deleted, so every priority
    decision keeps the weights it was made with."""

    form = PriorityWeightsForm
    list_display = [
        "version",
        *Criterion.values,
        "frequency_full_at",
        "created_at",
        "created_by",
        "note",
    ]
    list_select_related = ["created_by"]
    readonly_fields = ["version", "created_at", "created_by"]

    def has_add_permission(self, request):
        return access_for(request.user).is_administrator

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return access_for(request.user).is_administrator or super().has_view_permission(
            request, obj
        )

    def has_module_permission(self, request):
        return access_for(request.user).is_administrator or super().has_module_permission(request)

    def get_changeform_initial_data(self, request):
        """A new version starts from the one in force."""
        latest = PriorityWeights.objects.order_by("-version").first()
        if latest is None:
            return super().get_changeform_initial_data(request)
        return {name: getattr(latest, name) for name in [*Criterion.values, "frequency_full_at"]}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = priority_weights_create(
            actor=request.user,
            weights={criterion: data[criterion] for criterion in Criterion.values},
            frequency_full_at=data["frequency_full_at"],
            note=data.get("note", ""),
            request=request,
        )
        obj.pk, obj.version, obj.created_at = created.pk, created.version, created.created_at
