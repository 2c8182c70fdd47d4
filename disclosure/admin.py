"""Staff see every disclosure package and every download, read-only: they are the record that a disclosure
was made and who fetched it. A package given up after its last attempt can be built again."""

from django.contrib import admin

from core.admin import CustomerNumberColumn, JobAdminMixin, ReadOnlyAdminMixin

from .models import DisclosureDownload, DisclosurePackage


class DownloadInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DisclosureDownload
    fields = ["downloaded_at", "ip_address", "user_agent"]
    readonly_fields = fields
    extra = 0


@admin.register(DisclosurePackage)
class DisclosurePackageAdmin(JobAdminMixin, CustomerNumberColumn, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "requested_at", "customer_number", "request_number", "status", "built_at", "expires_at", "size", "attempts",
        "last_error",
    ]
    list_filter = ["status", "requested_at"]
    search_fields = ["=policyholder__customer_number", "=request_number"]
    list_select_related = ["policyholder"]
    fields = [
        "customer_number", "request_number", "requested_by", "status", "requested_at", "built_at", "expires_at",
        "file_deleted_at", "size", "sha256", "attempts", "last_error", "email",
    ]
    readonly_fields = fields
    inlines = [DownloadInline]
    show_full_result_count = False


@admin.register(DisclosureDownload)
class DisclosureDownloadAdmin(CustomerNumberColumn, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["downloaded_at", "customer_number", "package", "ip_address", "user_agent"]
    list_filter = ["downloaded_at"]
    search_fields = ["=policyholder__customer_number"]
    list_select_related = ["policyholder", "package__policyholder"]
    fields = list_display
    readonly_fields = fields
    show_full_result_count = False

