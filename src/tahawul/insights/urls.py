from django.urls import path

from tahawul.insights import views

app_name = "insights"
urlpatterns = [
    path("satisfaction/", views.satisfaction, name="satisfaction"),
]
