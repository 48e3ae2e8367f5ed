"""Users for the sample process walkthrough (README): one per lane, in the first township."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from engine import clock, services
from engine.models import Assignment, Organization
from processes.models import Position

SAMPLE_ROLES = {
    "clerk": ("window_clerk", "窗口受理员"), "handler": ("handler", "经办人"), "alice": ("committee_member", "班子成员"),
    "bob": ("committee_member", "班子成员"), "carol": ("committee_member", "班子成员"), "chief": ("chief", "主要负责人"),
    "archivist": ("archivist", "档案管理员"),
}  # fmt: skip


class Command(BaseCommand):
    help = "为示例流程创建用户（clerk、handler、alice、bob、carol、chief、archivist），各任其泳道岗位；可重复运行。"

    @transaction.atomic
    def handle(self, *args, **options):
        township = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).order_by("pk").first()
        if township is None:
            township = Organization.objects.create(code="township", name="示范乡", kind=Organization.Kind.TOWNSHIP)
        for username, (code, label) in SAMPLE_ROLES.items():
            user, created = get_user_model().objects.get_or_create(username=username)
            if created:
                user.set_unusable_password()
                user.save()
            Position.objects.get_or_create(code=code, defaults={"name": label, "order": 99})
            if not Assignment.objects.filter(user=user, position__code=code, organization=township).exists():
                services.assign_position(user=user, position_code=code, organization=township, actor=None,
                                         reason="示例流程用户（seed_sample）", now=clock.now())  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"示例用户已就绪：{'、'.join(SAMPLE_ROLES)}（{township}）"))
