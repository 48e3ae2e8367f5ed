"""What every benchmark script does before it imports the project: a fresh SQLite database in a
temporary folder (no DATABASE_URL), production settings (DEBUG off, a throwaway secret key),
the project and this folder on the import path, then django.setup()."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fresh_sqlite_django(prefix: str, *, debug: bool = False, signing_key: bool = False) -> Path:
    """Set up Django on a new SQLite file; returns its folder (which also holds the installation's
    signing key with `signing_key`)."""
    for path in (str(ROOT), str(ROOT / "benchmarks")):
        if path not in sys.path:
            sys.path.insert(0, path)
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["SQLITE_PATH"] = str(folder / "bench.sqlite3")
    if signing_key:
        os.environ["TOWNSHIP_SIGNING_KEY"] = str(folder / "key.pem")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_DEBUG"] = "1" if debug else "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + os.urandom(24).hex())
    import django

    django.setup()
    return folder
