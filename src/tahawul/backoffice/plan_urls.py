from django.urls import URLPattern, path

from tahawul.backoffice import plan_views

urlpatterns: list[URLPattern] = [
    path("plans/approvals/", plan_views.plan_approvals, name="plan_approvals"),
    path("plans/approvals/<int:plan_id>/", plan_views.decide_plan, name="decide_plan"),
    path("<str:entity_code>/plan/", plan_views.entity_plan, name="entity_plan"),
    path("<str:entity_code>/plan/new/", plan_views.new_plan, name="new_plan"),
    path("<str:entity_code>/plan/<int:plan_id>/items/new/", plan_views.new_item, name="new_plan_item"),
    path("<str:entity_code>/plan/<int:plan_id>/submit/", plan_views.submit_plan, name="submit_plan"),
    path("<str:entity_code>/plan/<int:plan_id>/history/", plan_views.plan_history, name="plan_history"),
    path("<str:entity_code>/plan/items/<int:item_id>/", plan_views.edit_item, name="edit_plan_item"),
    path("<str:entity_code>/plan/items/<int:item_id>/remove/", plan_views.remove_item, name="remove_plan_item"),
    path(
        "<str:entity_code>/plan/items/<int:item_id>/milestones/<str:kind>/",
        plan_views.edit_milestone,
        name="edit_milestone",
    ),
]
