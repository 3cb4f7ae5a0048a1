from django.contrib import admin

from incidents.models import Category, ImportRun


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The vocabulary is the administrators' to edit; reports are not (no content access)."""

    list_display = ["__str__", "code", "name_en", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "name_en", "code"]
    list_select_related = ["parent"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "file_name", "organisation", "status", "processed"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False


# Reports and situation pictures are deliberately not registered: an administrator manages
# the portal, not its content (DESIGN.md section 5), and the admin would bypass visible_to().
