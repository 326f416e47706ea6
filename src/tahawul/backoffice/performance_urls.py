from django.urls import URLPattern, path

from tahawul.backoffice import performance_views

urlpatterns: list[URLPattern] = [
    path("<str:entity_code>/costs/", performance_views.channel_costs, name="channel_costs"),
    path("<str:entity_code>/offline-volumes/", performance_views.offline_volumes, name="offline_volumes"),
]
