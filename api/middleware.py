"""Errors under /api/ that DRF's exception handler never sees, in the same {code, detail, fields}
shape: a body above DATA_UPLOAD_MAX_MEMORY_SIZE (413, refused before a byte of it is read; DRF
streams bodies to its parsers without Django's size check), and the 400/500 answers Django gives
for failures outside a view (a database error in a middleware, say: 503 or 500 with a code)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.exceptions import APIException

from api.exception_handler import (
    PROBLEM_JSON,
    DatabaseFailure,
    DatabaseUnavailable,
    RequestTooLarge,
    as_problem,
    wants_problem,
)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(request: HttpRequest, status: int, code: str, detail: str) -> JsonResponse:
    body = {"code": code, "detail": detail, "fields": {}}
    if wants_problem(request.META.get("HTTP_ACCEPT", "")):
        return JsonResponse(as_problem(body, status), status=status, content_type=PROBLEM_JSON,
                            json_dumps_params={"ensure_ascii": False})  # fmt: skip
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _from(request: HttpRequest, error: APIException) -> JsonResponse:
    response = error_response(request, error.status_code, str(error.default_code), str(error.detail))
    if getattr(error, "wait", None):
        response["Retry-After"] = str(error.wait)
    return response


class RequestSizeLimitMiddleware:
    """413 for an API request whose declared body is above DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return _from(request, RequestTooLarge())
        return self.get_response(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's page outside /api/, the error contract inside."""
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return _from(request, RequestTooLarge())
    return error_response(request, 400, "bad_request", _("请求有误"))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500 (called while the exception is being handled; Django has logged it)."""
    if not is_api(request):
        return defaults.server_error(request)
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return _from(request, DatabaseUnavailable())
    if isinstance(error, DatabaseError):
        return _from(request, DatabaseFailure())
    return error_response(request, 500, "server_error", _("服务器内部错误"))
