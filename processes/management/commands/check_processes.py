"""Check every power on the list: legal basis, process, lanes and forms, paths, timers."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from processes.checks import check_all, check_procedures


class Command(BaseCommand):
    help = "逐项检查权力和制度程序：实施依据、流程可解析、每个用户任务有岗位泳道和表单、每个网关出口都能走到结束、定时器表达式可解析。"

    def handle(self, *args, **options):
        results = check_all()
        if not results:
            raise CommandError("权力清单为空：请先运行 load_catalog")
        categories = set()
        for r in results:
            categories.add(r.category)
            self._line(r)
        passed = sum(r.ok for r in results)
        summary = f"合计：{passed} / {len(results)} 项权力通过检查，共 {len(categories)} 类"
        procedures = check_procedures()
        for r in procedures:
            self._line(r)
        done = sum(r.ok for r in procedures)
        institutions = f"制度程序：{done} / {len(procedures)} 项通过检查（“三重一大”、“四议两公开”、问责、“四谈话”）"
        if passed != len(results) or done != len(procedures):
            raise CommandError(f"{summary}；{institutions}")
        self.stdout.write(self.style.SUCCESS(summary))
        self.stdout.write(self.style.SUCCESS(institutions))

    def _line(self, r) -> None:
        status = "OK " if r.ok else "失败"
        self.stdout.write(f"{status} {r.code:<6} {r.category:<6} {r.name[:30]:<30}  任务 {r.user_tasks:>2}  "
                          f"网关 {r.gateways:>2}（出口 {r.outcomes:>2}）  定时器 {r.timers}")  # fmt: skip
        for problem in r.problems:
            self.stdout.write(f"       - {problem}")
