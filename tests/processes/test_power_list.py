"""清单之外无权力: only powers on the current list can be started; load_catalog is atomic."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from engine import exceptions as exc
from engine import services
from engine.models import Case, ProcessDefinition
from processes.catalog_data import load_catalog_data
from processes.models import Power

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(db, capsys):
    call_command("load_catalog")
    capsys.readouterr()


def test_load_catalog_stores_one_definition_per_power_and_is_idempotent(listed, capsys):
    # 31 powers and the 7 procedures of the institutions (三重一大 ×4, 四议两公开, 问责, 四谈话)
    assert ProcessDefinition.objects.filter(is_current=True).count() == 31 + 7
    assert ProcessDefinition.objects.filter(process_id__startswith="proc_").count() == 7
    call_command("load_catalog")
    assert "新版本 0 个" in capsys.readouterr().out
    assert ProcessDefinition.objects.count() == 31 + 7


def test_a_listed_power_starts(listed, township, people, t0):
    case = services.start_case(process_id="power_qt_02", power_code="QT-02", actor=people["clerk"],
                               organization=township, now=t0)  # fmt: skip
    assert case.power_code == "QT-02" and case.definition.process_id == "power_qt_02"


@pytest.mark.parametrize(("process_id", "code"), [("power_qt_02", "XX-99"), ("power_qt_02", "QT-01"),
                                                  ("power_qt_02", "")])  # fmt: skip
def test_a_code_not_on_the_list_is_refused(listed, township, people, t0, process_id, code):
    with pytest.raises(exc.PowerNotListed) as raised:
        services.start_case(process_id=process_id, power_code=code, actor=people["clerk"], organization=township,
                            now=t0)  # fmt: skip
    assert raised.value.code == "power_not_listed"
    assert not Case.objects.exists()


def test_a_power_removed_from_the_list_is_refused(listed, township, people, t0, catalog_dir):
    path = catalog_dir / "powers.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["powers"] = [p for p in data["powers"] if p["code"] != "QT-02"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_catalog_data(catalog_dir)
    assert Power.objects.get(code="QT-02").is_active is False
    with pytest.raises(exc.PowerNotListed):
        services.start_case(process_id="power_qt_02", power_code="QT-02", actor=people["clerk"],
                            organization=township, now=t0)  # fmt: skip
    assert not Case.objects.exists()


def test_one_bad_bpmn_file_and_load_catalog_changes_nothing(db, monkeypatch):
    from processes.management.commands import load_catalog as command
    from processes.bpmn_build.sources import definition_sources

    def sources(process_id):
        result = definition_sources(process_id)
        if process_id == "power_jf_05":
            name = next(k for k in result if k.startswith("bpmn/powers/"))
            result[name] = result[name].replace("</bpmn:process>", "<bpmn:task id='x'></bpmn:process>", 1)
        return result

    monkeypatch.setattr(command, "definition_sources", sources)
    with pytest.raises(CommandError, match=r"jf_05\.bpmn:\d+"):  # the file and the line
        call_command("load_catalog")
    assert (Power.objects.count(), ProcessDefinition.objects.count()) == (0, 0)
