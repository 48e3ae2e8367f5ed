"""The production configuration: no public default key, `check --deploy` clean behind HTTPS, and a
warning when the cache would not be shared between workers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py` with only the given settings, on an empty database of its own: the checks are about
    the configuration, not about what a local `make run` left in db.sqlite3 (or DATABASE_URL)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL", "DATABASE_URL"))}
    base["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(prefix="check-"), "empty.sqlite3")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_debug_off_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_off_refuses_the_public_development_key():
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="dev-only-not-secret-change-me-in-production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_the_documented_https_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="0",
                    DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_HTTPS="1",
                    DJANGO_ALLOWED_HOSTS="township.example.gov.cn", REDIS_URL="redis://127.0.0.1:6379/0")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_over_plain_http_and_without_a_shared_cache():
    result = manage("check", "--deploy", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr  # warnings only: `make serve` still runs over HTTP
    for check in ("security.W004", "security.W008", "security.W012", "security.W016", "ops.W001"):
        assert check in result.stderr
