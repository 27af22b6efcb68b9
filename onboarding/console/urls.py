"""URLs of the vendor console, under /console/ on the public site only."""

from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("login/", views.login, name="login"),
    path("login/code/", views.verify, name="verify"),
    path("login/enrol/", views.enrol, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("leads/", views.leads, name="leads"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case"),
    path("cases/<uuid:case_id>/provision/", views.case_provision, name="provision"),
    path("cases/<uuid:case_id>/progress", views.case_progress, name="progress"),
    path("tenants/", views.tenant_list, name="tenants"),
]
