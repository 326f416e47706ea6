"""What every back-office view needs from a request: the signed-in staff member, and 404 for
what the domain says is not theirs to see."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.http import Http404, HttpRequest

from tahawul.core.errors import DomainError
from tahawul.identity.models import User

T = TypeVar("T")


def or_404(read: Callable[[], T]) -> T:
    """``read()``, with a domain NotFound turned into Django's 404 page."""
    try:
        return read()
    except DomainError as error:
        if error.status == 404:
            raise Http404(str(error.message)) from None
        raise


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    return user
