from django.urls import URLPattern, path

from tahawul.backoffice import reengineering_views

# The national page's fixed first part keeps it from being read as an entity code.
urlpatterns: list[URLPattern] = [
    path("reengineer-next/", reengineering_views.reengineering_next_national, name="reengineering_next_national"),
    path("<str:entity_code>/reengineer-next/", reengineering_views.reengineering_next, name="reengineering_next"),
    path(
        "<str:entity_code>/services/<str:service_code>/compare/",
        reengineering_views.reengineering_report,
        name="reengineering_report",
    ),
]
