"""The audit chain catches changed, deleted and swapped events; replay catches a changed definition."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from engine import audit, services
from engine.models import AuditEvent, Case, ProcessDefinition
from engine.replay import replay_case
from tests.conftest import sample_sources

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_case(driver) -> Case:
    driver.to_chief()  # 6 events: start, accept, review, three votes
    return Case.objects.get(pk=driver.case.pk)


def test_an_untouched_chain_verifies(done_case, capsys):
    assert audit.verify_case(done_case).ok
    call_command("verify_audit")
    assert "全部通过" in capsys.readouterr().out


def test_changing_one_events_data_is_named_by_its_sequence(done_case):
    event = done_case.audit_events.get(sequence=3)
    AuditEvent.objects.filter(pk=event.pk).update(payload={**event.payload, "data": {"review_ok": True, "opinion": "改"}})
    report = audit.verify_case(done_case)
    assert (report.ok, report.first_bad_sequence) == (False, 3)
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit", "--case", str(done_case.pk))
    assert raised.value.returncode == 2


def test_verify_audit_names_the_case_and_sequence(done_case, capsys):
    AuditEvent.objects.filter(case=done_case, sequence=2).update(actor_name="someone_else")
    with pytest.raises(CommandError):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert done_case.reference in err and "第 2 条" in err


def test_deleting_one_event_is_named_by_its_sequence(done_case):
    AuditEvent.objects.filter(case=done_case, sequence=4).delete()
    report = audit.verify_case(done_case)
    assert (report.ok, report.first_bad_sequence) == (False, 4)


def test_deleting_the_last_event_is_caught_by_the_case_head(done_case):
    AuditEvent.objects.filter(case=done_case, sequence=done_case.last_sequence).delete()
    report = audit.verify_case(done_case)
    assert (report.ok, report.first_bad_sequence) == (False, done_case.last_sequence)


def test_swapping_two_events_is_named_by_the_first_swapped_sequence(done_case):
    a = done_case.audit_events.get(sequence=4)
    b = done_case.audit_events.get(sequence=5)
    AuditEvent.objects.filter(pk=a.pk).update(sequence=1000)
    AuditEvent.objects.filter(pk=b.pk).update(sequence=4)
    AuditEvent.objects.filter(pk=a.pk).update(sequence=5)
    report = audit.verify_case(done_case)
    assert (report.ok, report.first_bad_sequence) == (False, 4)


def test_replay_of_an_intact_case_matches_every_step(done_case):
    report = replay_case(done_case)
    assert (report.ok, report.step, report.divergence) == (True, 6, None)


def test_changing_the_pinned_bpmn_is_named_by_the_first_divergent_event(done_case):
    definition = done_case.definition
    sources = dict(definition.sources)
    sources["sample_approval.bpmn"] = sources["sample_approval.bpmn"].replace("review_ok == True", "review_ok == False")
    ProcessDefinition.objects.filter(pk=definition.pk).update(sources=sources)  # tampering behind the services
    done_case.refresh_from_db()
    report = replay_case(done_case)
    assert report.ok is False
    assert report.definition_intact is False
    assert report.chain["ok"] is True
    assert report.divergence.sequence == 3  # the review, whose gateway now routes elsewhere
    assert report.divergence.expected == done_case.audit_events.get(sequence=3).state_hash
    with pytest.raises(CommandError):
        call_command("replay_case", done_case.reference)


def test_replay_command_prints_the_state_as_of_a_step(done_case, capsys):
    call_command("replay_case", done_case.reference, "--step", "3")
    out = capsys.readouterr().out
    assert "回放到第 3/6 步" in out and "回放校验通过" in out and "表态" in out


def test_a_case_stays_on_its_definition_after_a_new_version_is_loaded(done_case, driver):
    sources = sample_sources()
    sources["sample_approval.bpmn"] = sources["sample_approval.bpmn"].replace('name="审核"', 'name="审核（新版）"')
    new, created = services.register_definition(process_id="sample_approval", sources=sources)
    assert created and new.version == 2
    assert services.register_definition(process_id="sample_approval", sources=sources) == (new, False)
    done_case.refresh_from_db()
    assert done_case.definition.version == 1
    driver.case = done_case
    driver.complete("chief", "chief_decision", {"approved": True})
    assert replay_case(Case.objects.get(pk=done_case.pk)).ok
    newer = services.start_case(process_id="sample_approval", actor=driver.people["clerk"],
                                organization=done_case.organization, now=driver.tick(), data={"members": ["alice"]})
    assert newer.definition == new
