import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.access import access_for
from accounts.api.services import api_client_create, api_client_revoke
from accounts.choices import ApiScope
from accounts.models import ApiClient, AuditEvent, Membership, Organisation, User
from accounts.services import audit_record, audit_request_filters
from core.csv_export import csv_lines


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
    """The audit log for administrators: searched, filtered and exported (CSV, itself
    audited), never changed: the database refuses changes anyway."""

    list_display = [
        "at",
        "actor_label",
        "action",
        "content_type",
        "object_repr",
        "object_id",
        "ip_address",
    ]
    list_filter = [
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("at", admin.DateFieldListFilter),
    ]
    list_select_related = ["content_type"]
    search_fields = ["actor_label", "action", "object_repr", "object_id"]
    search_help_text = _(
        "Who, what, or which object. A number also finds the lists and exports that held "
        "the record with that id."
    )
    date_hierarchy = "at"
    show_full_result_count = False  # the log only grows: no count of all of it per page
    change_list_template = "admin/accounts/auditevent/change_list.html"

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term.isdigit():
            # "Who read report 123" includes the lists that showed it (details.ids).
            queryset |= self.model.objects.filter(details__ids__contains=[int(term)])
        return queryset, may_have_duplicates

    def has_view_permission(self, request, obj=None):
        return access_for(request.user).is_administrator or super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="accounts_auditevent_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The entries the change list shows (its search, filters and dates), as CSV,
        streamed. The export is an entry of its own."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return redirect("admin:accounts_auditevent_changelist")
        queryset = changelist.queryset.select_related(None).select_related("content_type")
        audit_record(
            action="audit.exported",
            request=request,
            target=AuditEvent,
            details={"filters": audit_request_filters(request), "format": "csv"},
        )
        header = [
            "id",
            "at",
            "actor",
            "actor_id",
            "action",
            "object_type",
            "object_id",
            "object",
            "ip_address",
            "details",
        ]
        rows = (
            [
                event.pk,
                timezone.localtime(event.at).isoformat(),
                event.actor_label,
                event.actor_id or "",
                event.action,
                ".".join(event.content_type.natural_key()) if event.content_type_id else "",
                event.object_id,
                event.object_repr,
                event.ip_address or "",
                json.dumps(event.details, ensure_ascii=False, sort_keys=True),
            ]
            for event in queryset.iterator(chunk_size=2000)
        )
        response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"trygg-granskningslogg-{stamp}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


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
