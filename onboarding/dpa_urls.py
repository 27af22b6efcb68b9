"""URLs of the DPA: the signatory's link and the console's DPA actions (public site only)."""

from django.urls import path

from . import dpa_views

app_name = "dpa"

urlpatterns = [
    path("dpa/accept/<str:token>", dpa_views.accept, name="accept"),
    path("console/cases/<uuid:case_id>/dpa/send-link", dpa_views.send_link, name="send_link"),
    path("console/cases/<uuid:case_id>/dpa/oral-intent", dpa_views.oral_intent, name="oral_intent"),
    path("console/cases/<uuid:case_id>/dpa.pdf", dpa_views.case_pdf, name="case_pdf"),
    path("console/dpa/versions", dpa_views.versions, name="versions"),
    path("console/dpa/versions/<uuid:text_id>", dpa_views.version_text, name="version_text"),
    path("console/dpa/publish", dpa_views.publish, name="publish"),
]
