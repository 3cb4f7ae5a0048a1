from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.api.services import api_client_create, api_client_revoke
from accounts.choices import ApiScope
from accounts.models import ApiClient, AuditEvent, Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    filter_horizontal = ["districts"]
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "police_area"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "organisation__name"]
    filter_horizontal = ["districts"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, read-only: the database refuses changes anyway."""

    list_display = ["at", "actor_label", "action", "object_repr", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_repr", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ApiClient
        fields = ["name", "organisation", "scopes", "districts", "expires_at"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Partner systems' tokens: created here (the token is shown once), revoked by action."""

    form = ApiClientForm
    list_display = ["name", "organisation", "scopes", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation__name", "token_prefix"]
    filter_horizontal = ["districts"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["token_prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A client's organisation and name are what its audit entries point at.
        return [*self.readonly_fields, "name", "organisation"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit log keeps naming the client

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = api_client_create(
            name=data["name"],
            organisation=data["organisation"],
            scopes=data["scopes"],
            districts=list(data["districts"]),
            expires_at=data["expires_at"],
            request=request,
        )
        obj.pk = created.client.pk
        self._created_token = created.token

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def response_add(self, request, obj, post_url_continue=None):
        # The token is shown on this one page and nowhere else: not in a message, which
        # would travel in a cookie or sit in the session.
        return TemplateResponse(
            request,
            "admin/accounts/apiclient/token_created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "client": obj,
                "token": self._created_token,
                "title": _("The new API client's token"),
            },
        )

    @admin.action(description=_("Revoke the selected clients' tokens"))
    def revoke(self, request, queryset):
        for client in queryset:
            api_client_revoke(client=client, request=request)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d token revoked: it is refused from now on.",
                "%(count)d tokens revoked: they are refused from now on.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
