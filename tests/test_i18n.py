"""English translations: every message is written in Chinese (the source language) and must also
exist in English (locale/en/LC_MESSAGES/django.po), switched by the active language.

The .mo file is built, not committed: the session fixture compiles it when it is missing or older
than the .po, so the tests work in a fresh clone. After adding or changing a message in the code:

    .venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=benchmarks --no-obsolete

then translate every new or fuzzy entry of locale/en/LC_MESSAGES/django.po.
"""

from __future__ import annotations

import ast
import fcntl
import inspect
import re
import tempfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

import engine.public  # noqa: F401  (its errors join all_error_classes())
import engine.public_errors  # noqa: F401  (the public side's refusals too)
from engine import exceptions as engine_errors
from engine.models import Case, Organization
from processes.models import Power

CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
PO_FILE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
# what `makemessages --ignore=.venv --ignore=tests --ignore=benchmarks` reads
SOURCE_SKIP = {".venv", "tests", "benchmarks", "locale", "node_modules"}
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}


# --------------------------------------------------------------------------- the compiled catalog


def _reset_translation_caches() -> None:
    """Catalogs are cached per language on first use; forget them so the new .mo is read."""
    from asgiref.local import Local
    from django.utils.translation import trans_real

    # as django.test.signals does when LANGUAGE_CODE or LOCALE_PATHS change
    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()
    trans_real.translation_catalog_exists.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def compiled_messages():
    """Builds django.mo from django.po when it is missing or stale (one process at a time)."""
    lock_path = Path(tempfile.gettempdir()) / "township-compilemessages.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
                call_command("compilemessages", locale=["en"], ignore_patterns=[".venv"], verbosity=0)
                _reset_translation_caches()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    assert MO_FILE.exists()


def assert_english(text: str) -> None:
    assert text, "empty message"
    assert not CJK.search(text), f"not English: {text!r}"


# --------------------------------------------------------------------------- (a) engine errors

CASE_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")

# sample keyword arguments by parameter name: data the caller passes in (ids, names, codes)
SAMPLE_ARGUMENTS = {
    "case_id": CASE_ID,
    "status": "completed",
    "task": "station_head_review",
    "state": "WAITING",
    "claimed_by": "alice",
    "member": "bob",
    "user": "carol",
    "lane": "handler",
    "power": "XX-99",
    "organization": "nowhere",
    "position": "janitor",
    "process_id": "power_jf_01",
    "filename": "main.bpmn",
    "line": 12,
    "message": "unexpected end of file",
    "expected": "4f2a",
    "actual": "9c1b",
    "fields": {"amount": ["must be a number"]},
    "name": "objection",
    "sequence": 7,
    "problem": "hash mismatch",
    "waiting": 2,
    "present": 3,
    "fraction": "2/3",
    "areas": ["finance", "personnel"],
    "number": "YY-20260302-0001",
    "complaint_id": 42,
    "rule": "conflict_recusal",
    "problems": ["line 1: while loops are not allowed"],
    "findings": [{"code": "unsupported_expression", "bpmn_id": "Flow_1"}],
    "kind": "time",
    "detail": "more than 0.5 s",
    "size": 200_000_000,
    "limit": 1_000_000,
    "members": ["dave", "erin"],
    "candidate": "alice",
    "presider": "dora",
    "majority": "disagree",
    "stance": "agree",
    "key": "notice_days.jf_01",
    "deadline": "2026-03-09",
    # the institutions' refusals (engine/institutions/errors.py)
    "persons": ["handler"],
    "person": "handler",
    "amount": 50000,
    "threshold": 30000,
    "procedure": "SZ-04",
    "reference": "proc_sz_04-20260302-ABCDEF",
    "earliest": "2026-03-05T00:00:00+08:00",
    "meeting_time": "2026-03-04T09:00:00+08:00",
    "required": "major",
    "given": "ordinary",
    "base": 45,
    "positions": ["discipline_inspector"],
    "source": "accountability_record",
    "value": 7,
    "at": "2026-03-02T01:00:00.000000+00:00",
    "last": "2026-03-02T02:00:00.000000+00:00",
    "action": "start",
    "change_set": 3,
    # the public's side (engine/public_errors.py)
    "channel": "pigeon",
    "level": 6,
    "followup_id": 5,
    "field": "reply",
    "entry_id": 9,
    "publication_id": 4,
    "category": "gossip",
    "petition": "XF-20260302-ABCDEFGH",
    "requested": 31,
    "allowed": 30,
    "route": "mediation JF-01",
}
# QuorumNotMet's "expected" is a head count, DefinitionMismatch's a digest
PER_CLASS = {"QuorumNotMet": {"expected": 7}}

def sample_arguments(error_class: type[engine_errors.EngineError]) -> dict:
    parameters = inspect.signature(error_class.__init__).parameters
    names = [n for n, p in parameters.items() if n != "self" and p.kind is not p.VAR_KEYWORD]
    missing = [n for n in names if n not in SAMPLE_ARGUMENTS]
    assert not missing, f"add sample values for {error_class.__name__}({', '.join(missing)}) to SAMPLE_ARGUMENTS"
    chosen = {n: SAMPLE_ARGUMENTS[n] for n in names}
    chosen.update(PER_CLASS.get(error_class.__name__, {}))
    return chosen


def error_cases():
    for error_class in engine_errors.all_error_classes():
        yield pytest.param(error_class, sample_arguments(error_class), id=error_class.__name__)
        if error_class is engine_errors.SeparationOfDuties:
            for rule in sorted(error_class.MESSAGES):
                yield pytest.param(error_class, {"rule": rule}, id=f"SeparationOfDuties-{rule}")
        if error_class is engine_errors.ScriptBudgetExceeded:
            for kind in sorted(error_class.KINDS):
                yield pytest.param(error_class, {"kind": kind, "detail": "x"}, id=f"ScriptBudgetExceeded-{kind}")


@pytest.mark.parametrize(("error_class", "arguments"), list(error_cases()))
def test_engine_error_messages_are_english(error_class, arguments):
    with translation.override("en"):
        error = error_class(**arguments)
    assert_english(str(error))
    assert_english(error.message)


@pytest.mark.parametrize("error_class", engine_errors.all_error_classes(), ids=lambda c: c.__name__)
def test_engine_error_messages_are_chinese_in_chinese(error_class):
    with translation.override("zh-hans"):
        error = error_class(**sample_arguments(error_class))
    assert CJK.search(str(error))


def test_chief_not_direct_handler_names_the_areas_in_english():
    from engine.rules import FIVE_AREAS

    with translation.override("en"):
        error = engine_errors.ChiefNotDirectHandler(areas=sorted(FIVE_AREAS[:2]))
    assert_english(str(error))


def test_separation_of_duties_reason_is_introduced_in_english():
    with translation.override("en"):
        error = engine_errors.SeparationOfDuties(rule="acceptor_not_reviewer")
    assert str(error).startswith("Separation of duties violated: ")


def test_a_message_is_translated_when_raised_not_when_imported():
    with translation.override("en"):
        english = str(engine_errors.ReasonRequired())
    with translation.override("zh-hans"):
        chinese = str(engine_errors.ReasonRequired())
    assert (english, chinese) == ("A reason is required", "必须填写理由")


def test_placeholders_are_filled_in_english():
    with translation.override("en"):
        error = engine_errors.QuorumNotMet(present=3, expected=7, fraction="2/3")
        listed = engine_errors.PowerNotListed(power="XX-99")
    assert str(error).startswith("3 of the 7 members")
    assert "%(" not in str(error)
    assert "XX-99" in str(listed)


# --------------------------------------------------------------------------- (b) models and the API


def test_model_names_are_english():
    with translation.override("en"):
        assert str(Case._meta.verbose_name) == "Case"
        assert str(Power._meta.verbose_name) == "Administrative power"
        assert str(Power._meta.verbose_name_plural) == "Power list"
        assert str(Case._meta.get_field("separate_filing").verbose_name) == "Separate filing"
        assert str(Case._meta.get_field("promised_limit").verbose_name) == "Promised time limit"
        assert str(Organization.Kind.STATION.label) == "Station"
        assert str(Case.Status.RUNNING.label) == "In progress"
    with translation.override("zh-hans"):
        assert str(Case._meta.verbose_name) == "案件"


@pytest.fixture
def api():
    with translation.override("en"):  # the middleware activates per request; restore afterwards
        yield APIClient()


def error_body(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    return body


@pytest.mark.django_db
def test_api_unauthenticated_answers_in_the_requested_language(api):
    english = error_body(api.get("/api/cases/", HTTP_ACCEPT_LANGUAGE="en"), 401)
    assert english["code"] == "not_authenticated"
    assert_english(english["detail"])
    chinese = error_body(api.get("/api/cases/", HTTP_ACCEPT_LANGUAGE="zh-hans"), 401)
    assert CJK.search(chinese["detail"])


@pytest.mark.django_db
def test_api_position_refusal_in_english(api, people):
    api.force_authenticate(people["outsider"])
    body = error_body(api.get("/api/cases/", HTTP_ACCEPT_LANGUAGE="en"), 403)
    assert body["detail"] == "Your position does not permit this action"


@pytest.mark.django_db
def test_api_validation_error_in_english(api, people):
    api.force_authenticate(people["clerk"])
    body = error_body(api.get("/api/cases/", {"organization": "nowhere"}, HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert body["detail"] == "The submitted data is invalid"
    assert body["fields"] == {"organization": ["Organization does not exist"]}


@pytest.mark.django_db
def test_api_engine_error_in_english(api, people):
    api.force_authenticate(people["clerk"])
    response = api.post("/api/cases/", {"power_code": "XX-99"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    body = error_body(response, 400)
    assert body["code"] == "power_not_listed"
    assert body["detail"] == "“XX-99” is not on the current power list; there is no power outside the list"


@pytest.mark.django_db
def test_api_public_lookup_in_english(api):
    body = error_body(api.get("/api/public/receipts/NO-SUCH-1/", HTTP_ACCEPT_LANGUAGE="en"), 404)
    assert body["detail"] == "Receipt number NO-SUCH-1 does not exist"


# --------------------------------------------------------------------------- (c) the .po file


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file (blank lines between them, as gettext writes it):
    {"flags": {...}, "msgid": ..., "msgid_plural": ..., "msgstr": {index: text}}."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry: dict = {"flags": set(), "msgstr": {}}
        target: tuple[str, int | None] | None = None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#~"):
                raise AssertionError(f"obsolete entry left in {path.name}: {line}")
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            if line.startswith("#"):
                continue
            match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")', line)
            if match:
                keyword, index, text = match.groups()
                target = (keyword, int(index or 0) if keyword == "msgstr" else None)
                value = ast.literal_eval(text)
            elif line.startswith('"') and target is not None:
                value = ast.literal_eval(line)
            else:
                raise AssertionError(f"unreadable line in {path.name}: {line!r}")
            keyword, index = target
            if keyword == "msgstr":
                entry["msgstr"][index] = entry["msgstr"].get(index, "") + value if match is None else value
            else:
                entry[keyword] = entry.get(keyword, "") + value if match is None else value
        if "msgid" in entry:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    return [e for e in read_po(PO_FILE) if e["msgid"]]  # without the header


def test_po_file_has_no_empty_or_fuzzy_translation(po_entries):
    assert len(po_entries) > 100
    empty = [e["msgid"] for e in po_entries if not e["msgstr"] or any(not s for s in e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in po_entries if "fuzzy" in e["flags"]]
    assert not empty, "untranslated (run makemessages, then translate): " + " | ".join(empty)
    assert not fuzzy, "fuzzy (check, then remove the flag): " + " | ".join(fuzzy)


def test_po_file_keeps_every_placeholder(po_entries):
    wrong = [
        (e["msgid"], text)
        for e in po_entries
        for text in e["msgstr"].values()
        if sorted(PLACEHOLDER.findall(e["msgid"])) != sorted(PLACEHOLDER.findall(text))
    ]
    assert not wrong


def test_po_file_header_declares_english_and_utf8():
    header = read_po(PO_FILE)[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"][0]
    assert "charset=UTF-8" in header["msgstr"][0]


def literal_messages() -> dict[str, str]:
    """Every string literal passed to gettext in the code makemessages reads: msgid -> file:line."""
    found: dict[str, str] = {}
    base = Path(settings.BASE_DIR)
    for path in sorted(base.rglob("*.py")):
        relative = path.relative_to(base)
        if SOURCE_SKIP & set(relative.parts) or any(p.startswith(".") for p in relative.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in GETTEXT_NAMES and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, f"{relative}:{node.lineno}")
    return found


def test_every_message_in_the_code_is_in_the_po_file(po_entries):
    """A string wrapped in gettext after the last makemessages would show up in Chinese in English."""
    known = {e["msgid"] for e in po_entries}
    missing = {msgid: where for msgid, where in literal_messages().items() if msgid not in known}
    assert not missing, "run makemessages (see the docstring of tests/test_i18n.py) and translate: " + repr(missing)


def test_translations_are_english(po_entries):
    """A translation only keeps Chinese where it quotes a value the user must type (是/否, 现行 …)."""
    allowed = re.compile(r"“[^”]*[\u4e00-\u9fff][^”]*”")
    chinese = [
        (e["msgid"], text) for e in po_entries for text in e["msgstr"].values() if CJK.search(allowed.sub("", text))
    ]
    assert not chinese
