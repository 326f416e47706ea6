from django.urls import path

from tahawul.portal import (
    feedback_views,
    journey,
    kiosk_rating_views,
    kiosk_sign_in_views,
    kiosk_views,
    performance_urls,
    status_views,
    views,
)

app_name = "portal"

urlpatterns = [
    *performance_urls.urlpatterns,  # public service performance and open data
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("entities/", views.entity_list, name="entities"),
    path("entities/<str:code>/", views.entity_detail, name="entity"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("life-events/<slug:slug>/", views.life_event_detail, name="life_event"),
    path("services/<str:code>/", views.service_detail, name="service"),
    path("services/<str:code>/apply/", views.service_apply, name="apply"),
    # The journey. The fixed pages come before the section pages, whose keys are the definition's.
    path("applications/<str:reference>/documents/", journey.application_documents, name="application_documents"),
    path("applications/<str:reference>/review/", journey.application_review, name="application_review"),
    path("applications/<str:reference>/pay/", journey.application_pay, name="application_pay"),
    path("applications/<str:reference>/done/", journey.application_done, name="application_done"),
    path("applications/<str:reference>/<slug:section>/", journey.application_section, name="application_section"),
    path("pay/test/<str:token>/", journey.test_payment, name="test_payment"),
    path("my/applications/", journey.my_applications, name="my_applications"),
    path("my/applications/<str:reference>/", journey.my_application, name="my_application"),
    path("my/applications/<str:reference>/correct/", journey.application_correction, name="application_correction"),
    path(
        "my/applications/<str:reference>/actions/<slug:action>/", journey.application_action, name="application_action"
    ),
    path("my/applications/<str:reference>/certificate.pdf", journey.certificate_pdf, name="certificate_pdf"),
    path("documents/<str:token>/", journey.document, name="document"),
    path("verify/", journey.verify, name="verify"),
    path("verify/<str:number>/", journey.verify_number, name="verify_number"),
    # The beneficiary's voice: ratings on every channel, cases, and what was changed because of them.
    path("rate/thanks/", feedback_views.rate_thanks, name="rate_thanks"),
    path("rate/receipt/<str:token>/", feedback_views.rate_receipt, name="rate_receipt"),
    path("rate/<str:service_code>/", feedback_views.rate_service, name="rate_service"),
    path("feedback/new/", feedback_views.case_new, name="case_new"),
    path("feedback/filed/", feedback_views.case_filed, name="case_filed"),
    path("feedback/cases/<str:reference>/", feedback_views.case_status, name="case_status"),
    path("feedback/cases/<str:reference>/reopen/", feedback_views.case_reopen, name="case_reopen"),
    path("feedback/cases/<str:reference>/rate/", feedback_views.case_rate_response, name="case_rate_response"),
    path("my/cases/", feedback_views.my_cases, name="my_cases"),
    path("you-said-we-did/", feedback_views.you_said_we_did, name="you_said_we_did"),
    # The public status page (docs/status.md): each channel's state, 90 days of uptime, incidents.
    path("status/", status_views.status_page, name="status"),
    path("status/incidents/<int:pk>/", status_views.incident_page, name="status_incident"),
    path("status/components/<slug:component>/", status_views.component_page, name="status_component"),
    # Kiosk mode (docs/kiosk.md): only an enrolled kiosk's browser sees these, and the journey's pages.
    path("kiosk/", kiosk_views.kiosk_start, name="kiosk_start"),
    path("kiosk/services/", kiosk_views.kiosk_services_page, name="kiosk_services"),
    path("kiosk/services/<str:code>/", kiosk_views.kiosk_service, name="kiosk_service"),
    path("kiosk/status/", kiosk_views.kiosk_status, name="kiosk_status"),
    path("kiosk/apply/", kiosk_views.kiosk_apply_list, name="kiosk_apply"),
    path("kiosk/apply/<str:code>/", kiosk_views.kiosk_apply_start, name="kiosk_apply_start"),
    path("kiosk/sign-in/", kiosk_sign_in_views.kiosk_sign_in, name="kiosk_sign_in"),
    path("kiosk/sign-in/code/", kiosk_sign_in_views.kiosk_sign_in_code, name="kiosk_sign_in_code"),
    path("kiosk/sign-in/resend/", kiosk_sign_in_views.kiosk_sign_in_resend, name="kiosk_sign_in_resend"),
    path("kiosk/end/", kiosk_views.kiosk_end, name="kiosk_end"),
    path("kiosk/heartbeat/", kiosk_views.kiosk_heartbeat, name="kiosk_heartbeat"),
    path("kiosk/enrol/<str:code>/", kiosk_views.kiosk_enrol, name="kiosk_enrol"),
    path("kiosk/rate/", kiosk_rating_views.kiosk_rate_choose, name="kiosk_rate_choose"),
    path("kiosk/rate/<str:service_code>/", kiosk_rating_views.kiosk_rate, name="kiosk_rate"),
    path("kiosk/rate/<str:service_code>/thanks/", kiosk_rating_views.kiosk_thanks, name="kiosk_thanks"),
    path("kiosk/rate/<str:service_code>/more/", kiosk_rating_views.kiosk_more, name="kiosk_more"),
]
