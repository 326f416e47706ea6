from django.urls import URLPattern, path

from tahawul.backoffice import designer_views

urlpatterns: list[URLPattern] = [
    path("<str:entity_code>/services/", designer_views.designer_services, name="designer_services"),
    path(
        "<str:entity_code>/services/<str:service_code>/",
        designer_views.designer_service,
        name="designer_service",
    ),
]
