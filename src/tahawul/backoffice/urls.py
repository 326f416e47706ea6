from django.urls import path

from tahawul.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("applications/<str:reference>/", views.application, name="application"),
    path("<str:entity_code>/queue/", views.queue, name="queue"),
    path("<str:entity_code>/load/", views.load, name="load"),
    path("<str:entity_code>/counter/", views.counter, name="counter"),
]
