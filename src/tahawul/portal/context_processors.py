from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    return {}
