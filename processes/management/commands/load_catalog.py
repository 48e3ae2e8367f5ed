"""Load the power list and its BPMN procedures, atomically and idempotently."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from engine import exceptions as exc
from engine import services
from processes.bpmn_build.sources import definition_sources
from processes.catalog_data import CATALOG_DIR, CatalogError, load_catalog_data
from processes.models import Power
from processes.procedures import procedures


class Command(BaseCommand):
    help = "载入权力清单与各项权力的 BPMN 流程：整体成功或整体不变；内容未变时不产生新版本。"

    def add_arguments(self, parser):
        parser.add_argument("--catalog-dir", default=str(CATALOG_DIR), help="清单数据目录")

    def handle(self, *args, catalog_dir: str, **options):
        created = 0
        try:
            with transaction.atomic():
                report = load_catalog_data(catalog_dir)
                for power in Power.objects.filter(is_active=True).order_by("sequence"):
                    try:
                        sources = definition_sources(power.process_id)
                    except (OSError, KeyError) as error:
                        raise CommandError(f"{power.code}：找不到流程文件或其调用的环节：{error}") from error
                    _, new = services.register_definition(process_id=power.process_id, sources=sources,
                                                          name=power.name)  # fmt: skip
                    created += int(new)
                for procedure in procedures():  # 三重一大, 四议两公开, 问责, 四谈话
                    _, new = services.register_definition(process_id=procedure.process_id,
                                                          sources=definition_sources(procedure.process_id),
                                                          name=procedure.name)  # fmt: skip
                    created += int(new)
        except CatalogError as error:
            raise CommandError(str(error)) from error
        except exc.DefinitionInvalid as error:
            raise CommandError(f"[{error.code}] {error}") from error
        self.stdout.write(report.summary())
        self.stdout.write(self.style.SUCCESS(f"流程定义：新版本 {created} 个（内容未变的不产生新版本）"))
