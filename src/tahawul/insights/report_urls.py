from django.urls import URLPattern, path

from tahawul.insights import report_views

urlpatterns: list[URLPattern] = [
    path("reports/cabinet.pdf", report_views.cabinet_report, name="cabinet_report"),
]
