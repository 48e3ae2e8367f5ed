"""Maps every error to one body shape: {"code", "detail", "fields"}.

Engine errors get their HTTP status from `HTTP_STATUS` (the one place where domain errors meet
HTTP; a test checks that every `engine.exceptions.all_error_classes()` is listed). DRF's own
errors (validation, authentication, permission, not found, throttling, malformed JSON) keep
their status and get a code of their own. The error is converted to an `APIException` and
handed to DRF's handler, so the transaction is rolled back (`set_rollback()`) as for any DRF error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.authentication import LoginLocked
from diagrams import DiagramError
from engine import exceptions as engine_errors
from engine import public
from engine import public_errors
from engine import rule_errors
from engine.institutions import errors as institution_errors

HTTP_STATUS: dict[type[engine_errors.EngineError], int] = {
    # bad input: the request names something that does not exist or breaks a form or a rule
    engine_errors.InvalidTaskData: status.HTTP_400_BAD_REQUEST,
    rule_errors.ComputedField: status.HTTP_400_BAD_REQUEST,
    engine_errors.ReasonRequired: status.HTTP_400_BAD_REQUEST,
    engine_errors.PowerNotListed: status.HTTP_400_BAD_REQUEST,  # 清单之外无权力
    engine_errors.OrganizationNotFound: status.HTTP_400_BAD_REQUEST,
    engine_errors.OrganizationNotInTownship: status.HTTP_400_BAD_REQUEST,
    engine_errors.PositionNotFound: status.HTTP_400_BAD_REQUEST,
    engine_errors.SettingNotFound: status.HTTP_400_BAD_REQUEST,
    engine_errors.DefinitionInvalid: status.HTTP_400_BAD_REQUEST,
    engine_errors.ScriptNotAllowed: status.HTTP_400_BAD_REQUEST,
    engine_errors.DefinitionNotRunnable: status.HTTP_400_BAD_REQUEST,
    engine_errors.DataTooLarge: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    # who may act: the user is known but holds no right to this step
    engine_errors.NotInLane: status.HTTP_403_FORBIDDEN,
    engine_errors.NotAuthorized: status.HTTP_403_FORBIDDEN,
    engine_errors.ProposerCannotApprove: status.HTTP_403_FORBIDDEN,
    engine_errors.NotAssignedMember: status.HTTP_403_FORBIDDEN,
    engine_errors.SeparationOfDuties: status.HTTP_403_FORBIDDEN,
    engine_errors.ConflictOfInterest: status.HTTP_403_FORBIDDEN,
    engine_errors.ChiefNotDirectHandler: status.HTTP_403_FORBIDDEN,
    rule_errors.NotThePresider: status.HTTP_403_FORBIDDEN,
    institution_errors.ProcedureStarterRequired: status.HTTP_403_FORBIDDEN,
    institution_errors.NotThePersonConcerned: status.HTTP_403_FORBIDDEN,
    # missing objects
    engine_errors.CaseNotFound: status.HTTP_404_NOT_FOUND,
    engine_errors.ChangeSetNotFound: status.HTTP_404_NOT_FOUND,
    engine_errors.TaskNotFound: status.HTTP_404_NOT_FOUND,
    public.NoticeNotFound: status.HTTP_404_NOT_FOUND,
    public.ReceiptNotFound: status.HTTP_404_NOT_FOUND,
    public.ComplaintNotFound: status.HTTP_404_NOT_FOUND,
    # the state of the case (or the order of work) does not allow it now
    engine_errors.CaseClosed: status.HTTP_409_CONFLICT,
    engine_errors.ClockBehindRecord: status.HTTP_409_CONFLICT,
    engine_errors.ChangeSetClosed: status.HTTP_409_CONFLICT,
    engine_errors.ChangeSetStale: status.HTTP_409_CONFLICT,
    engine_errors.TaskNotReady: status.HTTP_409_CONFLICT,
    engine_errors.TaskClaimedByOther: status.HTTP_409_CONFLICT,
    engine_errors.TaskNotClaimed: status.HTTP_409_CONFLICT,
    engine_errors.MessageNotExpected: status.HTTP_409_CONFLICT,
    engine_errors.ChiefMustSpeakLast: status.HTTP_409_CONFLICT,
    engine_errors.DefinitionNotFound: status.HTTP_409_CONFLICT,  # listed, but its procedure is not loaded
    public.ComplaintClosed: status.HTTP_409_CONFLICT,
    # well-formed data the procedure cannot proceed with
    engine_errors.QuorumNotMet: status.HTTP_422_UNPROCESSABLE_ENTITY,
    engine_errors.ProcessError: status.HTTP_422_UNPROCESSABLE_ENTITY,
    engine_errors.ScriptBudgetExceeded: status.HTTP_422_UNPROCESSABLE_ENTITY,
    engine_errors.SnapshotTooLarge: status.HTTP_422_UNPROCESSABLE_ENTITY,
    # the server's own state is wrong: never the client's fault
    engine_errors.ClockNotSet: status.HTTP_500_INTERNAL_SERVER_ERROR,
    engine_errors.DefinitionMismatch: status.HTTP_500_INTERNAL_SERVER_ERROR,
    engine_errors.AuditChainBroken: status.HTTP_500_INTERNAL_SERVER_ERROR,
    engine_errors.SnapshotTampered: status.HTTP_409_CONFLICT,  # the case refuses to advance
    # the public's side (好差评, standing lists, 三务公开, complaint channels, 信访)
    public_errors.RatingCodeInvalid: status.HTTP_404_NOT_FOUND,
    public_errors.FollowUpNotFound: status.HTTP_404_NOT_FOUND,
    public_errors.StandingEntryNotFound: status.HTTP_404_NOT_FOUND,
    public_errors.PublicationNotFound: status.HTTP_404_NOT_FOUND,
    public_errors.PetitionNotFound: status.HTTP_404_NOT_FOUND,
    public_errors.RatingLevelInvalid: status.HTTP_400_BAD_REQUEST,
    public_errors.RatingReasonRequired: status.HTTP_400_BAD_REQUEST,
    public_errors.TextRequired: status.HTTP_400_BAD_REQUEST,
    public_errors.ComplaintChannelInvalid: status.HTTP_400_BAD_REQUEST,
    public_errors.PublicationCategoryInvalid: status.HTTP_400_BAD_REQUEST,
    public_errors.PetitionRouteInvalid: status.HTTP_400_BAD_REQUEST,
    public_errors.ChannelRequired: status.HTTP_400_BAD_REQUEST,
    public_errors.FollowUpClosed: status.HTTP_409_CONFLICT,
    public_errors.ComplaintNotReplied: status.HTTP_409_CONFLICT,
    public_errors.ComplaintAlreadyRated: status.HTTP_409_CONFLICT,
    public_errors.StandingEntryEnded: status.HTTP_409_CONFLICT,
    public_errors.PublicationAlreadyApproved: status.HTTP_409_CONFLICT,
    public_errors.PetitionWrongState: status.HTTP_409_CONFLICT,
    public_errors.PetitionExtensionTooLong: status.HTTP_422_UNPROCESSABLE_ENTITY,
}
# the rules' refusals (engine/rule_errors.py): 422 unless listed above
HTTP_STATUS.update({cls: status.HTTP_422_UNPROCESSABLE_ENTITY
                    for cls in [rule_errors.RuleViolation, *rule_errors.RuleViolation.__subclasses__()]
                    if cls not in HTTP_STATUS})

# DRF's exceptions: code per class (the most specific class wins, so list subclasses first)
DRF_CODES: tuple[tuple[type[exceptions.APIException], str], ...] = (
    (LoginLocked, "too_many_attempts"),
    (exceptions.ValidationError, "invalid"),
    (exceptions.ParseError, "parse_error"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
)


logger = logging.getLogger("api")


class RequestTooLarge(exceptions.APIException):
    """The request body is above DATA_UPLOAD_MAX_MEMORY_SIZE; nothing of it was read or parsed."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(detail=_("请求体过大（上限 %(limit)s 字节），未处理") % {"limit": limit}, code=self.default_code)


class DatabaseUnavailable(exceptions.APIException):
    """The database cannot be reached or is locked/overloaded now: try again later."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "database_unavailable"

    def __init__(self) -> None:
        super().__init__(detail=_("数据库暂时不可用，请稍后重试；本次请求未保存任何内容"), code=self.default_code)
        self.wait = 5  # Retry-After, seconds


class DatabaseFailure(exceptions.APIException):
    """The database refused the statement: a server fault, never the client's."""

    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_code = "database_error"

    def __init__(self) -> None:
        super().__init__(detail=_("数据库出错；本次请求未保存任何内容"), code=self.default_code)


def database_error(error: DatabaseError) -> exceptions.APIException:
    """The API's answer to a database error (logged with its traceback; the body names no SQL)."""
    logger.error("database error answering an API request", exc_info=error)
    return DatabaseUnavailable() if isinstance(error, OperationalError | InterfaceError) else DatabaseFailure()


class DiagramAPIError(exceptions.APIException):
    """A chart could not be drawn from the stored definition and catalog: a server fault."""

    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR

    def __init__(self, error: DiagramError) -> None:
        super().__init__(detail=str(error), code=error.code)
        self.fields: dict[str, list[str]] = {}


class EngineAPIError(exceptions.APIException):
    """An engine error carried through DRF's handler with its status, code and field errors."""

    def __init__(self, error: engine_errors.EngineError) -> None:
        super().__init__(detail=str(error), code=error.code)
        self.status_code = HTTP_STATUS[type(error)]
        self.fields = {k: [str(m) for m in v] for k, v in error.fields.items()}


def flatten_fields(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as {"field" or "field.sub" or "items.0": [messages]}."""
    if isinstance(errors, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            name = "__all__" if key == "non_field_errors" else str(key)
            flat.update(flatten_fields(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        return {prefix or "__all__": [str(e) for e in errors]}
    if isinstance(errors, list):
        flat = {}
        for index, value in enumerate(errors):
            if value:
                flat.update(flatten_fields(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "__all__": [str(errors)]}


def _drf_code(exc: exceptions.APIException) -> str:
    for cls, code in DRF_CODES:
        if isinstance(exc, cls):
            return code
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else "error"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, engine_errors.EngineError):
        exc = EngineAPIError(exc)
    elif isinstance(exc, DiagramError):
        exc = DiagramAPIError(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, DatabaseError):
        exc = database_error(exc)
    response = exception_handler(exc, context)  # DRF's: status, headers, set_rollback()
    if response is None:
        return None
    if isinstance(exc, EngineAPIError | DiagramAPIError):
        body = {"code": exc.detail.code, "detail": str(exc.detail), "fields": exc.fields}
    elif isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "detail": _("提交的数据有误"), "fields": flatten_fields(exc.detail)}
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else _("请求有误")
        body = {"code": _drf_code(exc), "detail": str(detail), "fields": {}}
    else:  # pragma: no cover - DRF only answers for APIException, Http404 and PermissionDenied
        body = {"code": "error", "detail": str(exc), "fields": {}}
    request = context.get("request")
    if request is not None and wants_problem(request.META.get("HTTP_ACCEPT", "")):
        response.data = as_problem(body, response.status_code)
        response.content_type = PROBLEM_JSON
    else:
        response.data = body
    return response


PROBLEM_JSON = "application/problem+json"


def wants_problem(accept: str) -> bool:
    """Whether the client asked for RFC 9457 problem details (Accept names application/problem+json)."""
    return PROBLEM_JSON in accept.lower()


def as_problem(body: Mapping[str, Any], status_code: int) -> dict[str, Any]:
    """The error contract as RFC 9457 problem details: `type` is the code (a relative URI
    reference), and the contract's own members stay, so one client reads both."""
    return {"type": body["code"], "title": body["detail"], "status": status_code, **body}
