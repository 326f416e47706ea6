from django.urls import path

from tahawul.backoffice import case_views, response_time_views, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("applications/<str:reference>/", views.application, name="application"),
    # The fixed case pages come before the one whose last part is a reference.
    path("cases/routing/", case_views.routing_queue, name="routing_queue"),
    path("cases/new/", case_views.new_case, name="new_case"),
    path("cases/attachments/<str:token>/", case_views.case_attachment, name="case_attachment"),
    path("cases/<str:reference>/", case_views.case_page, name="case"),
    path("<str:entity_code>/queue/", views.queue, name="queue"),
    path("<str:entity_code>/load/", views.load, name="load"),
    path("<str:entity_code>/counter/", views.counter, name="counter"),
    path("<str:entity_code>/cases/", case_views.case_queue, name="cases"),
    path("<str:entity_code>/response-times/", response_time_views.response_times, name="response_times"),
    path("<str:entity_code>/you-said-we-did/new/", case_views.new_service_change, name="new_service_change"),
]
