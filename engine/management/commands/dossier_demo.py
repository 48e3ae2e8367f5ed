"""Run a demo 低保 (JF-01) case from application to filing, with a dissenting stance and an
objection during the notice, then render its dossier as a PDF and its pages as PNG images
(the pictures under docs/dossier/ are made by this command)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from engine import clock, public, services
from engine.evidence import keys, log
from engine.evidence.dossier import render_pdf
from engine.management.commands.seed_demo import TOWNSHIP_CODE, Answers, Driver, finished
from engine.models import Case, Organization

DISSENTER = "committee_member_2"
DISSENT = "申请人长子在外务工，收入核查仅凭本人陈述，建议补充务工地收入证明后再议"
OBJECTION = "该户长子在县城务工，月收入约三千元，家庭收入可能超过低保标准"


class Command(BaseCommand):
    help = "演示：把一件低保案件从申请办到归档（含不同意见与公示异议），生成其档案 PDF 并逐页导出 PNG。"

    def add_arguments(self, parser):
        parser.add_argument("--out-dir", default="docs/dossier", help="输出目录（PDF 与 PNG）")
        parser.add_argument("--dpi", type=int, default=60, help="PNG 分辨率")

    def handle(self, *args, out_dir, dpi, **options):
        call_command("seed_demo", verbosity=0, stdout=self.stdout._out)
        from django.contrib.auth import get_user_model

        users = {u.username: u for u in get_user_model().objects.all()}
        township = Organization.objects.get(code=TOWNSHIP_CODE)
        case = self._run(users, township)
        try:
            log.make_checkpoint(now=clock.now())
        except keys.SigningKeyMissing as error:
            raise CommandError(str(error)) from error
        target = Path(out_dir)
        target.mkdir(parents=True, exist_ok=True)
        pdf = target / "dibao-dossier.pdf"
        pdf.write_bytes(render_pdf(Case.objects.get(pk=case.pk)))
        if shutil.which("pdftoppm") is None:
            raise CommandError("需要 pdftoppm（poppler-utils）把 PDF 逐页导出为 PNG")
        for old in target.glob("dibao-dossier-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(target / "dibao-dossier")], check=True)
        pages = sorted(target.glob("dibao-dossier-*.png"))
        self.stdout.write(f"{pdf}（案件 {case.reference}），{len(pages)} 页 PNG")

    def _run(self, users, township) -> Case:
        answers = Answers(now=clock.now() - timedelta(days=30), applicant="郑大妈")
        driver = Driver(users, answers)
        driver.start("JF-01", township=township, data={"demo_seed": "dossier"})
        objected = False
        for _ in range(200):
            case = Case.objects.get(pk=driver.case.pk)
            if finished(driver):
                return case
            ready = driver.ready()
            if ready:
                item = ready[0]
                answers.overrides.pop(item.bpmn_id, None)
                if item.form == "member_stance" and item.member == DISSENTER:
                    answers.overrides[item.bpmn_id] = {"stance": "disagree", "reason": DISSENT}
                if item.form == "meeting_minutes":  # the dissent written into the minutes verbatim
                    minutes = answers.for_form(item.form, item.bpmn_id)["minutes"]
                    minutes["dissent"] = [{"member": s["member"], "opinion": s["reason"]}
                                          for s in answers.stances if s["stance"] != "agree"]
                    minutes["other_opinions"] = "列席人员无不同意见"
                    answers.overrides[item.bpmn_id] = {"minutes": minutes}
                driver.complete_next()
                answers.overrides.pop(item.bpmn_id, None)
            elif case.next_timer_due is not None:
                if not objected and _on_notice(case, driver.now):
                    public.file_objection(case.pk, content=OBJECTION, objector_name="匿名", now=driver.tick())
                    objected = True
                    continue
                answers.now = max(answers.now, case.next_timer_due) + timedelta(minutes=1)
                services.fire_case_timers(case.pk, now=answers.now)
            else:
                raise CommandError(f"{case.reference} 无可办理的任务，也不在等待定时")
        raise CommandError("演示案件未能办结")


def _on_notice(case: Case, now) -> bool:
    try:
        public.get_notice(case.pk, now=now)
    except public.NoticeNotFound:
        return False
    return True
