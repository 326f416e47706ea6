from django.urls import path

from tahawul.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("entities/", views.entity_list, name="entities"),
    path("entities/<str:code>/", views.entity_detail, name="entity"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("life-events/<slug:slug>/", views.life_event_detail, name="life_event"),
    path("services/<str:code>/", views.service_detail, name="service"),
    path("services/<str:code>/apply/", views.service_apply, name="apply"),
]
