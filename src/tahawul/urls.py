from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from tahawul.api.v1 import api
from tahawul.portal import status_views
from tahawul.portal import views as portal_views

urlpatterns = [
    # For load balancers (docs/status.md): outside the language prefixes, no session, no redirect.
    path("healthz", status_views.healthz, name="healthz"),
    path("readyz", status_views.readyz, name="readyz"),
    path("", portal_views.root, name="root"),
    path("language/<str:language>/", portal_views.switch_language, name="switch_language"),
    path("api/v1/", api.urls),
    path("open311/v2/", include("tahawul.api.open311.urls")),
]
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("office/", include("tahawul.backoffice.urls")),
    path("insights/", include("tahawul.insights.urls")),
    path("", include("tahawul.portal.urls")),
    prefix_default_language=True,
)

handler404 = "tahawul.error_pages.not_found"
handler500 = "tahawul.error_pages.server_error"
