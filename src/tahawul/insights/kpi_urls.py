from django.urls import URLPattern, path

from tahawul.insights import kpi_views

urlpatterns: list[URLPattern] = [
    path("kpis/", kpi_views.kpis, name="kpis"),
]
