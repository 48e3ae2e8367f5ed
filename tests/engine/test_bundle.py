"""The offline inspector bundle verifies on a machine without the project (a fresh virtualenv with
only `cryptography`), and one changed byte is refused."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import rfc8785
from django.core.management import call_command

from engine.evidence import log
from engine.evidence.bundle import build_bundle, standalone_verifier
from engine.evidence.verify_bundle import jcs, verify

pytestmark = pytest.mark.django_db

CRYPTOGRAPHY = "cryptography==50.0.2"  # as pinned in pyproject.toml


@pytest.fixture
def bundle(driver, tmp_path) -> Path:
    driver.to_chief()
    log.make_checkpoint(now=driver.tick())
    driver.complete("chief", "chief_decision", {"approved": True})
    path = tmp_path / "bundle.zip"
    call_command("export_bundle", driver.case.reference, "--out", str(path))  # signs a checkpoint covering event 7
    return path


def _rewrite(path: Path, name: str, change) -> Path:
    source = zipfile.ZipFile(path)
    target = path.with_name("tampered.zip")
    with zipfile.ZipFile(target, "w") as out:
        for item in source.namelist():
            data = source.read(item)
            out.writestr(item, change(data) if item == name else data)
    return target


def _flip_one_byte(data: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new) and sum(a != b for a, b in zip(old, new, strict=True)) == 1 and old in data
    return data.replace(old, new, 1)


def test_the_bundle_verifies_in_process_and_names_what_it_checked(bundle):
    ok, lines = verify(zipfile.ZipFile(bundle))
    assert ok, lines
    assert any("7 of 7 events proven included in checkpoint 7" in line for line in lines)
    names = set(zipfile.ZipFile(bundle).namelist())
    assert {"manifest.json", "events.json", "checkpoints.json", "proofs.json", "public_key.pem", "verify_bundle.py",
            "README.md", "definition/sample_approval.bpmn"} <= names
    proofs = json.loads(zipfile.ZipFile(bundle).read("proofs.json"))
    assert [c["from"] for c in proofs["consistency"]] == [6]


@pytest.mark.parametrize(("name", "old", "new", "why"), [
    ("events.json", b'"actor": "clerk"', b'"actor": "clerj"', "chain: event 1"),
    ("definition/sample_approval.bpmn", b"review_ok == True", b"review_ok == Trug", "definition"),
    ("checkpoints.json", b'"tree_size": 6', b'"tree_size": 5', "bad signature"),
])  # fmt: skip
def test_one_changed_byte_is_refused_and_named(bundle, name, old, new, why):
    tampered = _rewrite(bundle, name, lambda data: _flip_one_byte(data, old, new))
    ok, lines = verify(zipfile.ZipFile(tampered))
    assert not ok and any(line.startswith("FAIL") and why in line for line in lines), lines


def test_the_fallback_jcs_of_the_standalone_verifier_agrees_with_rfc8785():
    rng = random.Random(8785)
    values = [0.0, -0.0, 200.0, 1e21, 1e-7, 123.456, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, -1e-6, 1e20, 3.0e-5]
    values += [rng.uniform(-1e30, 1e30) for _ in range(300)] + [rng.random() * 10 ** rng.randint(-12, 25) for _ in range(300)]
    document = {"numbers": values, "text": "中文\u2028\t\"\\\u0001😀", "keys": {"é": 1, "a": 2, "\U0001f600": 3, "\ufb01": 4},
                "nested": [None, True, False, 2**53 - 1, -17, {"z": [], "y": {}}]}  # fmt: skip
    assert jcs(document) == rfc8785.dumps(document)


def test_a_fresh_virtualenv_with_only_cryptography_verifies_it_and_refuses_a_changed_byte(bundle, tmp_path):
    offline = tmp_path / "offline"
    offline.mkdir()
    (offline / "verify_bundle.py").write_bytes(zipfile.ZipFile(bundle).read("verify_bundle.py"))
    (offline / "bundle.zip").write_bytes(bundle.read_bytes())
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", CRYPTOGRAPHY],
                   check=True, timeout=240)  # fmt: skip
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True,
                            check=True).stdout  # fmt: skip
    assert "SpiffWorkflow" not in listed and "Django" not in listed
    env = {"PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"}
    run = subprocess.run([str(python), "verify_bundle.py", "bundle.zip"], cwd=offline, capture_output=True, text=True,
                         timeout=120, env=env)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "VERIFIED" in run.stdout and "replay: skipped" in run.stdout
    tampered = _rewrite(bundle, "events.json", lambda data: _flip_one_byte(data, b'"actor": "clerk"', b'"actor": "clerj"'))
    (offline / "bundle.zip").write_bytes(tampered.read_bytes())
    run = subprocess.run([str(python), "verify_bundle.py", "bundle.zip"], cwd=offline, capture_output=True, text=True,
                         timeout=120, env=env)  # fmt: skip
    assert run.returncode == 1 and "REFUSED" in run.stdout, run.stdout + run.stderr
    raw = bytearray(bundle.read_bytes())
    info = zipfile.ZipFile(bundle).getinfo("events.json")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)  # its stored data
    raw[start + info.compress_size // 2] ^= 0x01  # one byte of the zip file itself
    (offline / "bundle.zip").write_bytes(bytes(raw))
    run = subprocess.run([str(python), "verify_bundle.py", "bundle.zip"], cwd=offline, capture_output=True, text=True,
                         timeout=120, env=env)  # fmt: skip
    assert run.returncode != 0 and "VERIFIED" not in run.stdout


def test_the_standalone_verifier_is_one_file_without_project_imports():
    source = standalone_verifier()
    compile(source, "verify_bundle.py", "exec")
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert not [line for line in imports if "engine" in line or "django" in line.lower()], imports
