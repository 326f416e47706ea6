"""GeoReport v2's resources under /open311/v2/; anything else there is its 404, not the portal's."""

from django.urls import re_path

from tahawul.api.open311 import views

_FORMAT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^$", views.root, name="open311_root"),
    re_path(r"^discovery" + _FORMAT, views.discovery, name="open311_discovery"),
    re_path(r"^services" + _FORMAT, views.services, name="open311_services"),
    re_path(r"^services/(?P<code>[^/.]+)" + _FORMAT, views.service_definition, name="open311_service"),
    re_path(r"^requests" + _FORMAT, views.service_requests, name="open311_requests"),
    re_path(r"^requests/(?P<public_id>[^/.]+)" + _FORMAT, views.service_request, name="open311_request"),
    re_path(r"^tokens/(?P<token>[^/.]+)" + _FORMAT, views.token, name="open311_token"),
    re_path(r"^(?P<path>.*)$", views.unknown, name="open311_unknown"),
]
