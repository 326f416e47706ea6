from django.urls import path

from tahawul.backoffice import (
    case_views,
    designer_urls,
    incident_views,
    integration_views,
    kiosk_views,
    performance_urls,
    plan_urls,
    reengineering_urls,
    response_time_views,
    views,
    webhook_views,
)

app_name = "backoffice"

# Each area keeps its own patterns (fixed first parts before the entity-code ones below).
urlpatterns = [
    *designer_urls.urlpatterns,
    *reengineering_urls.urlpatterns,
    *plan_urls.urlpatterns,
    *performance_urls.urlpatterns,
    path("", views.home, name="home"),
    path("applications/<str:reference>/", views.application, name="application"),
    # The fixed case pages come before the one whose last part is a reference.
    path("cases/routing/", case_views.routing_queue, name="routing_queue"),
    path("cases/new/", case_views.new_case, name="new_case"),
    path("cases/attachments/<str:token>/", case_views.case_attachment, name="case_attachment"),
    path("cases/<str:reference>/", case_views.case_page, name="case"),
    path("incidents/", incident_views.incident_board, name="incidents"),
    path("incidents/new/", incident_views.new_incident, name="new_incident"),
    path("incidents/<int:pk>/", incident_views.incident_page, name="incident"),
    path("incidents/checks/<slug:component>/", incident_views.check_results, name="check_results"),
    path("webhooks/<int:subscription_id>/", webhook_views.subscription_detail, name="webhook"),
    path("webhooks/<int:subscription_id>/do/", webhook_views.subscription_action, name="webhook_action"),
    path("webhooks/<int:subscription_id>/delete/", webhook_views.subscription_delete, name="webhook_delete"),
    path("webhooks/deliveries/<int:delivery_id>/", webhook_views.delivery_detail, name="webhook_delivery"),
    path("kiosks/", kiosk_views.kiosk_registry, name="kiosks"),
    path("kiosks/centres/<str:code>/", kiosk_views.kiosk_centre, name="kiosk_centre"),
    path("kiosks/<str:code>/enrol/", kiosk_views.kiosk_enrolment, name="kiosk_enrolment"),
    path("kiosks/<str:code>/active/", kiosk_views.kiosk_active, name="kiosk_active"),
    path("<str:entity_code>/queue/", views.queue, name="queue"),
    path("<str:entity_code>/load/", views.load, name="load"),
    path("<str:entity_code>/counter/", views.counter, name="counter"),
    path("<str:entity_code>/cases/", case_views.case_queue, name="cases"),
    path("<str:entity_code>/response-times/", response_time_views.response_times, name="response_times"),
    path("<str:entity_code>/you-said-we-did/new/", case_views.new_service_change, name="new_service_change"),
    path("<str:entity_code>/webhooks/", webhook_views.subscription_list, name="webhooks"),
    path("<str:entity_code>/webhooks/new/", webhook_views.subscription_new, name="new_webhook"),
    path("<str:entity_code>/integrations/", integration_views.api_keys, name="integrations"),
    path("<str:entity_code>/integrations/keys/<int:key_id>/revoke/", integration_views.revoke_key, name="revoke_key"),
    path("<str:entity_code>/integrations/open311/", integration_views.open311_services, name="open311_services"),
    path(
        "<str:entity_code>/integrations/open311/<str:service_code>/",
        integration_views.open311_service,
        name="open311_service",
    ),
]
