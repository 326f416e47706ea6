from django.urls import path

from tahawul.insights import kpi_urls, plan_urls, report_urls, views

app_name = "insights"
urlpatterns = [
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    *kpi_urls.urlpatterns,
    *plan_urls.urlpatterns,
    *report_urls.urlpatterns,
]
