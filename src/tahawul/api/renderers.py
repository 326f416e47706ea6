from ninja.renderers import JSONRenderer


class UnicodeJSONRenderer(JSONRenderer):
    """JSON with Arabic as UTF-8 rather than \\u escapes: a third of the bytes."""

    json_dumps_params = {"ensure_ascii": False}  # noqa: RUF012 (ninja's own attribute)
