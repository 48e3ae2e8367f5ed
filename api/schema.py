"""The OpenAPI document declares every operation's error responses: the error contract's schema
(`Error`, also offered as application/problem+json) with the codes each status can carry, so a
generated client gets typed errors instead of nothing (a drf-spectacular postprocessing hook)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from api.exception_handler import HTTP_STATUS, PROBLEM_JSON

WRITE_METHODS = {"post", "put", "patch", "delete"}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "错误契约：机器可读的 code、按请求语言给出的 detail、按字段路径列出的 fields。",
    "required": ["code", "detail", "fields"],
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
DESCRIPTIONS = {
    400: "请求数据有误", 401: "未认证或令牌无效", 403: "无权办理", 404: "对象不存在", 406: "无法提供所要求的响应格式",
    409: "案件或任务当前状态不允许", 413: "请求体或提交的数据过大", 415: "请求体须为 JSON", 422: "流程无法以该数据继续",
    429: "请求过于频繁", 503: "数据库暂时不可用",
}  # fmt: skip


def _engine_codes() -> dict[int, set[str]]:
    codes: dict[int, set[str]] = defaultdict(set)
    for error_class, status in HTTP_STATUS.items():
        codes[status].add(error_class.code)
    return codes


def statuses_for(path: str, method: str, *, public: bool) -> dict[int, set[str]]:
    """The error statuses (and their codes) an operation can answer with."""
    engine = _engine_codes()
    result: dict[int, set[str]] = {401: {"authentication_failed"}, 406: {"not_acceptable"}, 429: {"throttled"},
                                   503: {"database_unavailable"}}  # fmt: skip
    if not public:
        result[401].add("not_authenticated")
        result[403] = {"permission_denied"}
    if "{" in path:
        result[404] = {"not_found"} | engine[404]
    result[400] = {"invalid"}
    if method in WRITE_METHODS:
        result[400] |= {"parse_error"} | engine[400]
        result[403] = result.get(403, {"permission_denied"}) | engine[403]
        result[409] = engine[409]
        result[413] = {"request_too_large"} | engine[413]
        result[415] = {"unsupported_media_type"}
        result[422] = engine[422]
    if method == "post":
        result[400] |= {"idempotency_key_invalid"}
        result[409] = result[409] | {"idempotency_key_in_progress"}
        result[422] = result[422] | {"idempotency_key_reused"}
    return {status: codes for status, codes in sorted(result.items()) if codes}


def _response(status: int, codes: set[str]) -> dict[str, Any]:
    schema = {"allOf": [{"$ref": "#/components/schemas/Error"},
                        {"type": "object", "properties": {"code": {"type": "string", "enum": sorted(codes)}}}]}  # fmt: skip
    return {"description": DESCRIPTIONS.get(status, "错误"), "content": {"application/json": {"schema": schema},
                                                                        PROBLEM_JSON: {"schema": schema}}}  # fmt: skip


IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "安全重试：同一调用者以同一键、同一请求体再次提交时，返回首次的应答（状态与正文）而不重复办理；"
                   "同一键配不同请求体则拒绝（422 idempotency_key_reused）。键保留 24 小时。",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}  # fmt: skip


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if method == "post":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
            anonymous = {} in (operation.get("security") or [{}])
            for status, codes in statuses_for(path, method, public=anonymous).items():
                operation["responses"].setdefault(str(status), _response(status, codes))
    return result
