"""Bearer tokens for the mobile app: log in with a username and password, get a token, send it
with every request, revoke it when logging out. No session cookie and so no CSRF on the API."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status
from ninja.security import HttpBearer

from tahawul.api.application_schemas import Credentials, TokenOut, UserOut
from tahawul.api.schemas import Problem
from tahawul.core.errors import DomainError
from tahawul.identity.models import User
from tahawul.identity.tokens import issue_token, revoke_token, user_for_token

# Real tokens are "thw_" and 43 characters; anything far longer is not worth hashing.
_LONGEST_TOKEN = 200


class BadCredentials(DomainError):
    # One message whether the username is unknown, the password wrong or the account disabled:
    # the answer tells a guesser nothing, and a rate limiter in front sees one kind of failure.
    code = "invalid_credentials"
    message = _("The username or password is not correct.")
    status = 401


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``, a token from POST /api/v1/auth/token."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > _LONGEST_TOKEN:
            return None
        return user_for_token(token)


bearer = BearerToken()


def presented_token(request: HttpRequest) -> str:
    _scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip()


def token_user(request: HttpRequest) -> User:
    """The person the bearer token belongs to (the operation's auth already checked it)."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


router = Router(tags=["authentication"])


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: Problem, 422: Problem},
    url_name="auth_token",
    summary="Log in: exchange a username and password for a bearer token",
)
def log_in(request: HttpRequest, credentials: Credentials) -> TokenOut:
    """Each device gets its own token; keep it in the platform's secure storage. A wrong username
    or password is a 401 with always the same message."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if not isinstance(user, User) or not user.is_active:
        raise BadCredentials()
    token = issue_token(user=user, name=credentials.device or "mobile")
    return TokenOut(token=token, user=UserOut.of(user))


@router.delete(
    "/auth/token",
    auth=bearer,
    response={204: None, 401: Problem},
    url_name="auth_token_revoke",
    summary="Log out: revoke the token sent with this request",
)
def log_out(request: HttpRequest) -> Status[None]:
    revoke_token(raw=presented_token(request))
    return Status(204, None)
