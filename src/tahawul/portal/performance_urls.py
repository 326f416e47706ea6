from django.urls import URLPattern, path

from tahawul.portal import performance_views

urlpatterns: list[URLPattern] = [
    path("performance/", performance_views.performance_index, name="performance_index"),
    path("services/<str:code>/performance/", performance_views.service_performance, name="service_performance"),
    path("open-data/kpis.csv", performance_views.open_data_kpis_csv, name="open_data_kpis_csv"),
    path("open-data/kpis.json", performance_views.open_data_kpis_json, name="open_data_kpis_json"),
]
