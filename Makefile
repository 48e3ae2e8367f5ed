# Two commands: `make run` (set up everything, start the server with demo data) and `make test`.
# Both install what is missing on a fresh Debian machine with Python 3.11.

PYTHON   ?= $(shell command -v python3.11 || command -v python3)
VENV     := .venv
PY       := $(VENV)/bin/python
STAMP    := $(VENV)/.installed
HOST     ?= 127.0.0.1
PORT     ?= 8000
PG_URL   ?= postgres://postgres@127.0.0.1:5432/township
SUDO     := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT      := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
PYTEST   := $(PY) -m pytest -n 2 -q

.PHONY: run test test-sqlite test-postgres system-deps venv messages migrate catalog demo bench lint clean

system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	fc-list :lang=zh 2>/dev/null | grep -qi "noto" || missing="$$missing fonts-noto-cjk"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	$(PYTHON) -c "import ensurepip, venv" >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(APT) update -qq && $(APT) install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

venv: system-deps $(STAMP) messages

# English for every message (the source language is Chinese); .mo files are built, not committed
messages: $(STAMP)
	@if [ -d locale ]; then $(PY) manage.py compilemessages -v0 --ignore=.venv; fi

migrate: venv
	$(PY) manage.py migrate --noinput

catalog: migrate
	$(PY) manage.py load_catalog

demo: catalog
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: venv test-sqlite test-postgres

test-sqlite: venv
	@echo "== tests on SQLite =="
	$(PYTEST)

# The PostgreSQL half is required in CI (CI=true): an unreachable server fails the run.
test-postgres: venv
	@echo "== tests on PostgreSQL ($(PG_URL)) =="
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=5).close()" 2>/dev/null; then \
	  DATABASE_URL=$(PG_URL) $(PYTEST); \
	elif [ "$$CI" = "true" ]; then \
	  echo "ERROR: PostgreSQL at $(PG_URL) is unreachable; CI requires the PostgreSQL test run." >&2; exit 1; \
	else \
	  echo "WARNING: PostgreSQL at $(PG_URL) is unreachable: the PostgreSQL half of the suite did NOT run." >&2; \
	fi

bench: venv
	$(PY) benchmarks/engine_steps.py

clean:
	rm -rf $(VENV) db.sqlite3* test*.sqlite3* staticfiles
