"""Write the power catalog as the spreadsheets staff keep (one XLSX workbook, or one CSV file per sheet),
or back as the YAML files of processes/catalog/ (--format yaml)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from processes.catalog_yaml_export import write_yaml
from processes.exchange import export_csv, export_xlsx


class Command(BaseCommand):
    help = gettext_lazy(
        "导出权力清单（行政权力总表、各类分表、实施依据、廉政风险点、责任清单）为 XLSX 工作簿或 CSV 文件"
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any):
        self.help = str(self.help)  # argparse needs a str, not a lazy translation
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, help=_("XLSX 文件路径，或 CSV 文件所在目录"))
        parser.add_argument(
            "--format",
            choices=["xlsx", "csv", "yaml"],
            default=None,
            help=_("导出格式；不指定时按路径判断：以 .xlsx 结尾为 XLSX，否则为 CSV 目录。yaml：写回现行清单的 YAML 文件（与 processes/catalog/ 同格式）"),
        )

    def handle(self, *args: Any, output: Path, format: str | None, **options: Any) -> None:
        chosen = format or ("xlsx" if output.suffix.lower() == ".xlsx" else "csv")
        if chosen == "yaml":
            paths = write_yaml(output, header=str(_("由 export_catalog 从现行清单导出")))
            self.stdout.write(str(_("已导出 %(n)d 个 YAML 文件到：%(path)s") % {"n": len(paths), "path": output}))
        elif chosen == "xlsx":
            export_xlsx(output)
            self.stdout.write(str(_("已导出工作簿：%(path)s") % {"path": output}))
        else:
            paths = export_csv(output)
            self.stdout.write(
                str(_("已导出 %(n)d 个 CSV 文件到：%(path)s") % {"n": len(paths), "path": output})
            )
