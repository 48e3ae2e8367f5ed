"""The case dossier (有记录): one A4 PDF of everything the record holds about a case, rendered from a
template with WeasyPrint. Everything in it is read from the audit events (the chain), the pinned
definition, the objection receipts and the transparency log; nothing is typed in twice."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from engine.evidence import digest, log
from engine.evidence.models import Checkpoint, LogLeaf
from engine.models import AuditEvent, Case, ObjectionReceipt
from engine.services.definitions import parsed_definition

STANCES = {"agree": "同意", "disagree": "不同意", "defer": "缓议", "abstain": "弃权"}
MEETING_FORMS = {"meeting_attendance", "member_stance", "chief_stance", "meeting_minutes", "minutes_signature"}
NOTICE_FORMS = {"notice_post", "objection_examination"}
MINUTES_LABELS = {
    "meeting_time": "会议时间", "place": "地点", "host": "主持人", "recorder": "记录人", "topic": "议题",
    "present": "出席", "absent": "缺席", "nonvoting": "列席", "recused": "回避", "matters": "议事经过",
    "member_opinions": "逐人表态", "other_opinions": "其他意见", "result": "表决结果", "decision": "决定事项",
}  # fmt: skip
CORRECTION_WORDS = ("correction", "supplement", "补正")
DECISION_WORDS = ("decision", "county_result", "service_delivery", "disbursement", "approval", "grant")


def _local(value: str | datetime) -> str:
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    if isinstance(value, Mapping):
        return "；".join(f"{k}：{_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _names() -> dict[str, str]:
    return {u: (f or u) for u, f in get_user_model().objects.values_list("username", "first_name")}


def build_context(case: Case) -> dict[str, Any]:
    parsed = parsed_definition(case.definition)
    names = _names()
    events = list(case.audit_events.order_by("sequence"))
    timeline, meetings, notices, corrections, decisions, materials = [], [], [], [], [], []
    meeting: dict[str, Any] | None = None
    notice: dict[str, Any] | None = None
    for event in events:
        task = parsed.user_tasks.get(event.bpmn_id)
        form = (task.form or "") if task else ""
        data = event.payload.get("data", {}) if isinstance(event.payload, dict) else {}
        who = "系统" if event.actor_name == "system" else f"{names.get(event.actor_name, event.actor_name)}（{event.actor_name}）"
        row = {"sequence": event.sequence, "at": _local(event.at), "kind": AuditEvent.Kind(event.kind).label,
               "actor": who, "step": task.name if task else event.bpmn_id, "position": (task.lane or "") if task else "",
               "data": _text(data if event.kind != AuditEvent.Kind.CASE_CANCELLED else event.payload)}  # fmt: skip
        timeline.append(row)
        for key in ("materials_received", "volume_contents"):
            materials += [m for m in data.get(key, []) if isinstance(m, str) and m not in materials]
        if event.kind != AuditEvent.Kind.TASK_COMPLETED and not (
            event.kind == AuditEvent.Kind.MESSAGE_RECEIVED and event.payload.get("name") == "objection"):
            continue
        if form == "meeting_attendance":
            meeting = {"attendance": data, "stances": [], "minutes": None, "signatures": [], "at": row["at"],
                       "chief": None, "attendees": _text([names.get(a, a) for a in data.get("attendees", [])]),
                       "absentees": _text([names.get(a, a) for a in data.get("absentees", [])]),
                       "recused": _text([names.get(a, a) for a in data.get("recused", [])]),
                       "nonvoting": _text([names.get(a, a) for a in data.get("nonvoting_attendees", [])])}  # fmt: skip
            meetings.append(meeting)
        elif form == "member_stance" and meeting is not None:
            meeting["stances"].append({"member": who, "stance": STANCES.get(data.get("stance"), data.get("stance")),
                                       "reason": data.get("reason", ""), "at": row["at"],
                                       "dissent": data.get("stance") != "agree"})  # fmt: skip
        elif form == "chief_stance" and meeting is not None:
            meeting["chief"] = {"member": who, "stance": STANCES.get(data.get("chief_stance"), data.get("chief_stance")),
                                "reason": data.get("chief_reason", ""), "at": row["at"]}  # fmt: skip
        elif form == "meeting_minutes" and meeting is not None:
            meeting["minutes"] = data.get("minutes", data)
        elif form == "minutes_signature" and meeting is not None:
            meeting["signatures"].append({"member": who, "confirmed": data.get("confirmed"),
                                          "remark": data.get("remark", ""), "at": row["at"]})  # fmt: skip
        elif form == "notice_post":
            notice = {"post": data, "at": row["at"], "objections": [], "examinations": []}
            notices.append(notice)
        elif event.kind == AuditEvent.Kind.MESSAGE_RECEIVED and notice is not None:
            notice["objections"].append({"at": row["at"], "number": event.payload.get("data", {}).get("receipt_number"),
                                         "content": event.payload.get("data", {}).get("content", "")})  # fmt: skip
        elif form == "objection_examination" and notice is not None:
            notice["examinations"].append(data)
        elif any(word in (form + event.bpmn_id) for word in CORRECTION_WORDS):
            corrections.append(row)
        elif any(word in form for word in DECISION_WORDS):
            decisions.append(row)
    for meeting in meetings:
        minutes = meeting["minutes"] or {}
        meeting["dissent"] = [{"member": s["member"], "stance": s["stance"], "reason": s["reason"],
                               "in_minutes": _minuted(minutes, s, names)} for s in meeting["stances"] if s["dissent"]]  # fmt: skip
        meeting["minutes_items"] = [(MINUTES_LABELS.get(k, k), _minutes_value(k, v, names))
                                    for k, v in minutes.items() if k != "dissent"]  # fmt: skip
    receipts = {r.number: r for r in ObjectionReceipt.objects.filter(case=case)}
    for notice in notices:
        for objection in notice["objections"]:
            receipt = receipts.get(objection["number"])
            objection["received"] = _local(receipt.received_at) if receipt else objection["at"]
    return {
        "case": case, "power_name": _power_name(case), "events": len(events), "timeline": timeline,
        "meetings": meetings, "notices": notices, "corrections": corrections, "decisions": decisions,
        "materials": materials, "sources": [(name, hashlib.sha256(text.encode()).hexdigest())
                                            for name, text in sorted(case.definition.sources.items())],
        "applicant": (events[0].payload.get("data", {}).get("applicant", "") if events else ""),
        "started": _local(case.started_at), "closed": _local(case.closed_at) if case.closed_at else "",
        "status": Case.Status(case.status).label, "chart": _chart(case), "anchor": _anchor(case),
        "generated": _local(timezone.now()),
    }  # fmt: skip


def _minutes_value(key: str, value: Any, names: Mapping[str, str]) -> str:
    if key == "member_opinions" and isinstance(value, list):
        return "；".join(f"{names.get(o.get('member'), o.get('member'))}：{STANCES.get(o.get('stance'), o.get('stance'))}"
                        f"（{o.get('opinion', '')}）" for o in value if isinstance(o, Mapping))  # fmt: skip
    if key == "result" and isinstance(value, Mapping):
        return "，".join(f"{STANCES.get(k, k)} {v} 票" for k, v in value.items())
    if key in ("host", "recorder"):
        return names.get(value, value)
    if isinstance(value, list):
        return _text([names.get(v, v) for v in value]) or "无"
    return _text(value)


def _minuted(minutes: Mapping[str, Any], stance: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The minutes' record of this member's dissent (verbatim), if any."""
    for item in minutes.get("dissent") or []:
        member = item.get("member", "") if isinstance(item, Mapping) else ""
        if member and (member in stance["member"] or names.get(member, "\0") in stance["member"]):
            return item.get("opinion", "")
    return ""


def _power_name(case: Case) -> str:
    from processes.models import Power

    power = Power.objects.filter(code=case.power_code).first()
    return power.name if power else case.definition.name or case.definition.process_id


def _chart(case: Case) -> str:
    from processes.charts import case_chart

    try:
        return base64.b64encode(case_chart(case, fmt="svg")).decode("ascii")
    except Exception:  # a chart is an illustration: the dossier is issued without it rather than not at all
        return ""


def _anchor(case: Case) -> dict[str, Any]:
    """The chain head and the checkpoint that includes it (text and QR)."""
    head = {"sequence": case.last_sequence, "hash": case.last_hash}
    leaf = LogLeaf.objects.filter(chain=log.CASE_CHAIN, case_id=case.pk, sequence=case.last_sequence).first()
    checkpoint = (Checkpoint.objects.filter(tree_size__gt=leaf.index).order_by("tree_size", "time").first()
                  if leaf is not None else None)  # fmt: skip
    if checkpoint is None:
        return head | {"checkpoint": None, "qr": digest.qr_svg(f"{case.pk}\n{case.last_sequence}\n{case.last_hash}")}
    signed = log.checkpoint_dict(checkpoint)
    text = f"{case.reference}\n{case.last_sequence}\n{case.last_hash}\n" + digest.checkpoint_qr_text(signed)
    return head | {"checkpoint": signed, "leaf_index": leaf.index, "qr": digest.qr_svg(text, module=3)}


def render_pdf(case: Case) -> bytes:
    from weasyprint import HTML

    html = render_to_string("engine/dossier.html", build_context(case))
    return HTML(string=html).write_pdf()


def title(case: Case) -> str:
    return _("案件档案") + f" {case.reference}"


