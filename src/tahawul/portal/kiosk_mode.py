"""Kiosk mode: what every request from an enrolled kiosk's browser goes through.

A browser is a kiosk when it holds the signed device cookie set at enrolment (see
``tahawul.kiosks.devices``). For such a request this middleware:

* records the kiosk's heartbeat;
* wipes the session (signs out, forgets every answer and proof) when the last request that
  counted as activity is older than the idle limit plus its warning, so a kiosk left with JavaScript
  off, or a tab that stopped its timer, keeps nobody's session alive; the page then returns to
  the start;
* keeps the browser on kiosk pages: its own, and the journey's pages of filling in, paying and
  submitting an application; anything else (the portal, the back office) leads to the start;
* marks every response ``Cache-Control: no-store``, so nothing personal stays in the browser's cache.

Requests from any other browser pass untouched, after one cookie lookup.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers

from tahawul.kiosks.devices import record_heartbeat
from tahawul.kiosks.models import Kiosk
from tahawul.kiosks.selectors import kiosk_for_device

DEVICE_COOKIE = "tahawul_kiosk"
DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600  # the most browsers keep a cookie; renewed on each start page
LAST_ACTIVE = "kiosk.last_active"
ACTIVITY_WRITE_SECONDS = 5  # the session is saved at most this often just to note activity
HEARTBEAT_PAGE = "kiosk_heartbeat"
START_PAGE = "kiosk_start"
# The journey's pages a kiosk shows in its own layout (portal/journey.py); nothing of "my account".
JOURNEY_PAGES = frozenset(
    {
        "application_section",
        "application_documents",
        "application_review",
        "application_pay",
        "application_done",
        "test_payment",
        "document",
    }
)


def idle_limit_seconds() -> int:
    """How long a kiosk session may go without activity before the server wipes it."""
    return int(settings.TAHAWUL_KIOSK_IDLE_SECONDS) + int(settings.TAHAWUL_KIOSK_IDLE_WARNING_SECONDS)


def start_url(*, ended: bool = False) -> str:
    """The kiosk's start page, always in Arabic first: the next person starts afresh."""
    with translation.override(settings.LANGUAGE_CODE):
        url = reverse(f"portal:{START_PAGE}")
    return f"{url}?ended=1" if ended else url


def set_device_cookie(response: HttpResponse, credential: str, *, secure: bool) -> None:
    response.set_cookie(
        DEVICE_COOKIE, credential, max_age=DEVICE_COOKIE_MAX_AGE, httponly=True, samesite="Lax", secure=secure
    )


def _page(request: HttpRequest) -> str:
    """The kiosk page or journey page the request is for; "" for anything a kiosk does not show."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    name = match.url_name or ""
    if match.namespace == "portal" and (name.startswith("kiosk_") or name in JOURNEY_PAGES):
        return name
    return ""


def _wiped_for_idleness(request: HttpRequest, now: float) -> bool:
    last = request.session.get(LAST_ACTIVE)
    if isinstance(last, int | float) and now - last > idle_limit_seconds():
        logout(request)  # flushes the session: the account, the draft's pages, any proof of a contact
        return True
    return False


def _note_activity(request: HttpRequest, page: str, now: float) -> None:
    # The page's own periodic beat keeps the kiosk counted as alive, not the person's session.
    if page == HEARTBEAT_PAGE and request.POST.get("active") != "1":
        return
    last = request.session.get(LAST_ACTIVE)
    if not isinstance(last, int | float) or now - last >= ACTIVITY_WRITE_SECONDS:
        request.session[LAST_ACTIVE] = now


class KioskMode:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        credential = request.COOKIES.get(DEVICE_COOKIE, "")
        kiosk = kiosk_for_device(credential) if credential else None
        request.kiosk = kiosk  # type: ignore[attr-defined]
        if kiosk is None:
            return self.get_response(request)
        moment = timezone.now()
        record_heartbeat(kiosk=kiosk, now=moment)
        now = moment.timestamp()
        page = _page(request)
        response: HttpResponse
        if _wiped_for_idleness(request, now) and page != START_PAGE:
            response = HttpResponseRedirect(start_url(ended=True))
        elif not page:
            response = HttpResponseRedirect(start_url())
        else:
            _note_activity(request, page, now)
            response = self.get_response(request)
        add_never_cache_headers(response)
        return response


def current_kiosk(request: HttpRequest) -> Kiosk | None:
    """The enrolled kiosk the request comes from, as the middleware found it."""
    kiosk: Kiosk | None = getattr(request, "kiosk", None)
    return kiosk


def kiosk_layout(request: HttpRequest) -> dict[str, object]:
    """Template context: the kiosk (or None) and the layout the journey's pages extend."""
    kiosk = current_kiosk(request)
    if kiosk is None:
        return {"kiosk": None, "page_layout": "portal/base.html"}
    return {
        "kiosk": kiosk,
        "page_layout": "portal/kiosk/base.html",
        "kiosk_idle_seconds": settings.TAHAWUL_KIOSK_IDLE_SECONDS,
        "kiosk_warning_seconds": settings.TAHAWUL_KIOSK_IDLE_WARNING_SECONDS,
        "kiosk_heartbeat_seconds": settings.TAHAWUL_KIOSK_HEARTBEAT_SECONDS,
    }
