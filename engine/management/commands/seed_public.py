"""Demo data of the public's side, after seed_demo (made once, found again by their titles):
two approved 三务公开 items (one a finance item at the 三重一大 threshold without a decision), a
complaint registered from the phone, a petition accepted and waiting to be routed, and a rating
of the demo's completed case."""

from __future__ import annotations

from datetime import timedelta


from engine import complaint_channels, petitions, publications, ratings
from engine.management.demo_addon import DemoAddOnCommand
from engine.models import AuditEvent, Complaint, Organization
from engine.public_models import Petition, Publication, ServiceRating

ITEMS = [
    {"category": "government", "title": "2026年第四季度政务公开：行政审批办件情况",
     "content": "本季度受理行政审批和公共服务事项126件，按期办结124件，超期2件已督办。", "period": "2026年第四季度"},
    {"category": "finance", "title": "东村2026年第四季度财务收支公开", "content": "收入12.6万元，支出8.2万元（含道路维修5万元）。",
     "period": "2026年第四季度", "amount": 50000},
]  # fmt: skip


def seed(users: dict, township: Organization, now) -> list[str]:
    made: list[str] = []
    for item in ITEMS:
        if not Publication.objects.filter(township=township, title=item["title"]).exists():
            row = publications.register_publication(actor=users["recorder"], township=township, now=now, **item)
            publications.approve_publication(row.pk, actor=users["deputy"], now=now)
            made.append(f"三务公开：{row.title}")
    if not Complaint.objects.filter(township=township, channel=Complaint.Channel.PHONE).exists():
        row = complaint_channels.register_complaint(
            actor=users["window_clerk"], township=township, channel="phone", kind="complaint", subject="民政所",
            content="来电反映：低保申请材料一次没说清，跑了两趟", complainant_name="李大爷", complainant_contact="13700001111",
            now=now)  # fmt: skip
        made.append(f"电话投诉：{row.number}")
    if not Petition.objects.filter(township=township).exists():
        row = petitions.register_petition(actor=users["recorder"], township=township, channel="visit",
                                          subject="与邻居宅基地边界纠纷", content="请求乡里调解",
                                          petitioner_name="赵六", now=now - timedelta(days=2))  # fmt: skip
        petitions.decide_acceptance(row.pk, actor=users["deputy"], accept=True, note="予以受理，转调解", now=now)
        made.append(f"信访：{row.number}")
    done = AuditEvent.objects.filter(kind=AuditEvent.Kind.CASE_STARTED, payload__data__demo_seed="completed").first()
    rating = ServiceRating.objects.filter(case=done.case).first() if done else None
    if rating is not None and rating.rated_at is None:
        ratings.rate_service(code=rating.code, level=5, comment="一次办好", channel="window", now=now)
        made.append(f"好差评：{done.case.reference}")
    return made


class Command(DemoAddOnCommand):
    help = "在演示乡镇（seed_demo 之后）加入社会监督的演示数据：三务公开、电话投诉、信访、好差评。可重复运行。"
    usernames = ("recorder", "deputy", "window_clerk")
    seed = seed
