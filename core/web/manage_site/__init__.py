"""Pages about communication and the site itself: campaigns and their posters, announcements, moderation,
the audit log, the tenant's settings, the members' announcements and the tenant's logo."""

from django.urls import URLPattern, path

from . import announcements, audit, campaigns, moderation, site_settings

urlpatterns: list[URLPattern] = [
    # Campaigns
    path("manage/campaigns/", campaigns.campaign_list, name="manage-campaigns"),
    path("manage/campaigns/<uuid:pk>", campaigns.campaign_detail, name="manage-campaign"),
    path("manage/campaigns/<uuid:pk>/active", campaigns.campaign_active, name="manage-campaign-active"),
    path("manage/campaigns/<uuid:pk>/archive", campaigns.campaign_archive, name="manage-campaign-archive"),
    path("manage/campaigns/<uuid:pk>/qr.svg", campaigns.campaign_qr, name="manage-campaign-qr"),
    path("manage/campaigns/<uuid:pk>/print", campaigns.campaign_print, name="manage-campaign-print"),
    # Announcements
    path("manage/announcements/", announcements.announcement_manage, name="manage-announcements"),
    path("announcements/", announcements.announcement_list, name="announcements"),
    # Moderation
    path("manage/moderation/", moderation.queue, name="moderation"),
    path("manage/moderation/<uuid:pk>", moderation.report_detail, name="moderation-report"),
    path("manage/moderation/<uuid:pk>/decide", moderation.report_decide, name="moderation-report-decide"),
    path("manage/moderation/<uuid:pk>/sanction", moderation.report_sanction, name="moderation-report-sanction"),
    path(
        "manage/moderation/<uuid:pk>/sanctions/<uuid:sanction_pk>/lift",
        moderation.sanction_lift,
        name="moderation-sanction-lift",
    ),
    # The audit log
    path("manage/audit/", audit.audit_log, name="audit"),
    # Settings
    path("manage/settings/", site_settings.site_settings, name="settings"),
    path("manage/settings/categories/", site_settings.category_add, name="settings-category-add"),
    path("manage/settings/categories/<uuid:pk>", site_settings.category_rename, name="settings-category"),
    path("manage/settings/categories/<uuid:pk>/remove", site_settings.category_remove, name="settings-category-remove"),
    path("branding/logo", site_settings.logo, name="logo"),
]
