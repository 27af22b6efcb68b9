"""Members' own pages: groups to join and their declarations, the profile, qualifications, notification
preferences, and the installable web app (manifest, service worker, offline page)."""

from django.urls import URLPattern, path

from . import app, groups, me

urlpatterns: list[URLPattern] = [
    path("groups/", groups.group_list, name="groups"),
    path("groups/<uuid:pk>", groups.group_detail, name="group"),
    path("groups/<uuid:pk>/apply", groups.group_apply, name="group-apply"),
    path("groups/<uuid:pk>/leave", groups.group_leave, name="group-leave"),
    path("groups/<uuid:pk>/declaration", groups.group_declaration, name="group-declaration"),
    path("me/", me.profile, name="profile"),
    path("me/birth-date", me.birth_date, name="profile-birth-date"),
    path("me/qualifications", me.qualifications, name="qualifications"),
    path("me/notifications", me.notifications, name="notifications"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service-worker"),
    path("offline", app.offline, name="offline"),
]
