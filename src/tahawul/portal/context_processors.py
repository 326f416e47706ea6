from django.conf import settings
from django.http import HttpRequest

from tahawul.identity.selectors import is_staff_member


def portal(request: HttpRequest) -> dict[str, object]:
    # A callable: the membership query runs only on pages whose header is rendered for a signed-in user.
    return {"demo": settings.TAHAWUL_DEMO, "works_in_office": lambda: is_staff_member(request.user)}
