from django.urls import URLPattern, path

from tahawul.insights import plan_views

urlpatterns: list[URLPattern] = [
    path("plans/", plan_views.national_plan, name="national_plan"),
    path("plans/<int:plan_id>/", plan_views.plan_dashboard, name="plan_dashboard"),
]
