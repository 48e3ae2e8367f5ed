"""Load the power list and its BPMN procedures, atomically and idempotently.

The first load publishes the list as version 1. From then on the database is the list of record:
a difference in the files becomes a proposed change set (两阅), which takes effect only when a
leader other than the proposer approves it (`manage.py catalog_changes approve`). Running this
command (as `make run` does on every start) therefore never reverts an approved change.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from engine import clock, services
from engine import exceptions as exc
from engine.services import catalog
from processes.bpmn_build.sources import definition_sources
from processes.catalog_data import CATALOG_DIR, CatalogError, load_catalog_data
from processes.models import CatalogChangeSet, Power
from processes.procedures import procedures


class Command(BaseCommand):
    help = "载入权力清单与各项权力的 BPMN 流程：首次载入即发布第 1 版；此后文件与清单不同之处生成待审批的清单变更（两阅），不直接改动清单。"

    def add_arguments(self, parser):
        parser.add_argument("--catalog-dir", default=str(CATALOG_DIR), help="清单数据目录")
        parser.add_argument("--as", dest="actor", help="提出人（用户名；缺省为系统）")
        parser.add_argument("--reason", default="清单文件与现行清单不一致", help="变更理由")

    def handle(self, *args, catalog_dir: str, actor: str | None = None, reason: str = "", **options):
        now = clock.now()
        user = _user(actor)
        change_set = None
        first = catalog.current_version() is None
        try:
            with transaction.atomic():
                if first:
                    report = load_catalog_data(catalog_dir, now=now)
                    catalog.publish_first(actor=user, reason="首次载入权力清单", now=now)
                    self.stdout.write(report.summary())
                    self.stdout.write(self.style.SUCCESS("已发布权力清单第 1 版"))
                else:
                    change_set, _report = catalog.propose(
                        source=CatalogChangeSet.Source.FILES, actor=user, reason=reason, now=now,
                        change=lambda: load_catalog_data(catalog_dir, now=now),
                    )  # fmt: skip
                created = self._definitions()
        except CatalogError as error:
            raise CommandError(str(error)) from error
        except exc.EngineError as error:
            raise CommandError(f"[{error.code}] {error}") from error
        if not first and change_set is None:
            self.stdout.write(f"清单文件与现行清单（第 {catalog.current_version().number} 版）一致，未作改动")
        if change_set is not None:
            self.stdout.write(self.style.WARNING(
                f"清单文件与现行清单不同：已生成待审批的清单变更 #{change_set.pk}（{len(change_set.changes)} 处），"
                f"经另一位领导审批后生效：manage.py catalog_changes show {change_set.pk}"
            ))  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"流程定义：新版本 {created} 个（内容未变的不产生新版本）"))

    def _definitions(self) -> int:
        created = 0
        for power in Power.objects.filter(is_active=True).order_by("sequence"):
            try:
                sources = definition_sources(power.process_id)
            except (OSError, KeyError) as error:
                raise CommandError(f"{power.code}：找不到流程文件或其调用的环节：{error}") from error
            _, new = services.register_definition(process_id=power.process_id, sources=sources, name=power.name)
            created += int(new)
        for procedure in procedures():  # 三重一大, 四议两公开, 问责, 四谈话
            _, new = services.register_definition(process_id=procedure.process_id,
                                                  sources=definition_sources(procedure.process_id),
                                                  name=procedure.name)  # fmt: skip
            created += int(new)
        return created


def _user(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"用户不存在：{username}")
    return user
