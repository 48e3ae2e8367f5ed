# Two commands: `make run` (set up everything, start the server with demo data) and `make test`.
# Both install what is missing on a fresh Debian machine with Python 3.11.
# `make serve` runs the production configuration (gunicorn + timer workers, DEBUG off): README, 部署.

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
REDIS_URL ?= redis://127.0.0.1:6379/0
ENV_FILE ?= .env
WORKERS  ?= 4
TIMER_WORKERS ?= 1

.PHONY: run serve redis test test-sqlite test-postgres system-deps venv messages migrate catalog demo bench bench-county lint clean dossier-docs miwg-docs browser-deps modeler-deps screenshots bench-web

system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	fc-list :lang=zh 2>/dev/null | grep -qi "noto" || missing="$$missing fonts-noto-cjk"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so" || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	ldconfig -p 2>/dev/null | grep -q "libzbar.so.0" || missing="$$missing libzbar0"; \
	command -v rsvg-convert >/dev/null 2>&1 || missing="$$missing librsvg2-bin"; \
	$(PYTHON) -c "import ensurepip, venv" >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(APT) update -qq && $(APT) install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

venv: system-deps $(STAMP) messages browser-deps modeler-deps

# axe-core for the browser tests (tests/browser drives /usr/bin/chromium; no browser download)
browser-deps: tests/browser/node_modules/axe-core/axe.min.js

tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package.json tests/browser/package-lock.json | system-deps
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# bpmn-moddle and bpmnlint for tests/modeler: every generated BPMN file read, linted and saved as a modeler would
modeler-deps: tests/modeler/node_modules/.package-lock.json

tests/modeler/node_modules/.package-lock.json: tests/modeler/package.json tests/modeler/package-lock.json | system-deps
	cd tests/modeler && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# the screenshots in docs/screenshots/, taken by the browser test
screenshots: venv
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest -q tests/browser

# English for every message (the source language is Chinese); .mo files are built, not committed
messages: $(STAMP)
	@if [ -d locale ]; then $(PY) manage.py compilemessages -v0 --ignore=.venv; fi

migrate: venv
	$(PY) manage.py migrate --noinput

catalog: migrate
	$(PY) manage.py load_catalog

demo: catalog
	$(PY) manage.py evidence_keygen --if-missing
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_institutions
	$(PY) manage.py seed_public

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# A Redis server for the shared cache (throttles, login limits): started here when REDIS_URL points
# at this machine and nothing answers there.
redis: venv
	@if ! $(PY) -c "import redis,sys; redis.Redis.from_url('$(REDIS_URL)', socket_connect_timeout=2).ping()" 2>/dev/null; then \
	  case "$(REDIS_URL)" in \
	    redis://127.0.0.1:*|redis://localhost:*) \
	      port=$$(echo "$(REDIS_URL)" | sed -E 's#redis://[^:]+:([0-9]+).*#\1#'); \
	      echo "Starting redis-server on port $$port"; \
	      redis-server --port $$port --bind 127.0.0.1 --daemonize yes --save "" --appendonly no >/dev/null; \
	      sleep 1;; \
	    *) echo "ERROR: Redis at $(REDIS_URL) does not answer." >&2; exit 1;; \
	  esac; \
	fi

# Production configuration on this machine: DEBUG off, gunicorn with $(WORKERS) workers and
# $(TIMER_WORKERS) timer worker(s), static files collected, Redis for shared state. Settings come
# from $(ENV_FILE) when it exists (see deploy/township.env.example); without DJANGO_SECRET_KEY a
# random key is generated once into .secret-key (never the public development key).
serve: venv redis
	@set -a; [ -f "$(ENV_FILE)" ] && . ./$(ENV_FILE); set +a; \
	if [ -z "$$DJANGO_SECRET_KEY" ]; then \
	  [ -s .secret-key ] || (umask 077; $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > .secret-key); \
	  DJANGO_SECRET_KEY=$$(cat .secret-key); \
	fi; \
	export DJANGO_SECRET_KEY DJANGO_DEBUG=0 REDIS_URL="$${REDIS_URL:-$(REDIS_URL)}"; \
	$(PY) manage.py migrate --noinput -v0 && \
	$(PY) manage.py load_catalog && \
	$(PY) manage.py collectstatic --noinput -v0 && \
	exec $(PY) manage.py serve --bind $(HOST):$(PORT) --workers $(WORKERS) --timer-workers $(TIMER_WORKERS)

test: venv redis test-sqlite test-postgres

test-sqlite: venv redis
	@echo "== tests on SQLite =="
	$(PYTEST)

# The PostgreSQL half is required in CI (CI=true): an unreachable server fails the run.
test-postgres: venv redis
	@echo "== tests on PostgreSQL ($(PG_URL)) =="
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=5).close()" 2>/dev/null; then \
	  DATABASE_URL=$(PG_URL) $(PYTEST); \
	elif [ "$$CI" = "true" ]; then \
	  echo "ERROR: PostgreSQL at $(PG_URL) is unreachable; CI requires the PostgreSQL test run." >&2; exit 1; \
	else \
	  echo "WARNING: PostgreSQL at $(PG_URL) is unreachable: the PostgreSQL half of the suite did NOT run." >&2; \
	fi

# Each benchmark prints its same-run baseline and the ratios against it (a few minutes in all).
# At county scale: make bench LIST_CASES=100000 LIST_DB=$(PG_URL)_list_bench (dropped and recreated)
LIST_CASES ?= 3000
LIST_DB    ?=
bench: venv
	$(PY) benchmarks/engine_steps.py --cases 30
	$(PY) benchmarks/http_steps.py --cases 30
	$(PY) benchmarks/replay_rate.py --cases 60
	$(PY) benchmarks/objections.py --objections 200
	$(PY) benchmarks/list_scale.py --cases $(LIST_CASES) $(if $(LIST_DB),--database-url $(LIST_DB))
	$(PY) benchmarks/evidence.py
	$(PY) benchmarks/render_posters.py processes/bpmn/powers

# the dossier pages under docs/dossier/ (a demo 低保 case in a scratch database)
# docs/diagrams/miwg/ours/: every OMG MIWG reference model drawn as modelled (one PNG per diagram)
miwg-docs: venv
	@mkdir -p docs/diagrams/miwg/ours
	@for f in tests/diagrams/miwg/*.bpmn; do \
	  name=$$(basename $$f .bpmn); n=$$(grep -oE '<([A-Za-z0-9_]+:)?BPMNDiagram[ >]' $$f | wc -l); \
	  if [ "$$n" -le 1 ]; then \
	    $(PY) manage.py render_bpmn $$f --out docs/diagrams/miwg/ours/$$name.png --max-width 1600; \
	  else for i in $$(seq 1 $$n); do \
	    $(PY) manage.py render_bpmn $$f --diagram $$i --out docs/diagrams/miwg/ours/$$name.$$i.png --max-width 1600; \
	  done; fi; \
	done

dossier-docs: venv
	rm -f /tmp/township-dossier.sqlite3
	DATABASE_URL=sqlite:////tmp/township-dossier.sqlite3 TOWNSHIP_SIGNING_KEY=/tmp/township-dossier-key.pem \
	  sh -c '$(PY) manage.py migrate -v0 && $(PY) manage.py load_catalog >/dev/null && \
	  $(PY) manage.py evidence_keygen --if-missing && $(PY) manage.py dossier_demo --out-dir docs/dossier --dpi 70'

# 20 townships on PostgreSQL ($(PG_URL)_county_bench is dropped and recreated), `make serve` with
# 4 workers and 2 timer workers, 16 API clients for 60 s; then chains, replays, nothing lost/doubled
bench-county: venv redis
	$(PY) benchmarks/county_load.py --database-url $(PG_URL)_county_bench

bench-web: venv
	$(PY) benchmarks/web_pages.py

clean:
	rm -rf $(VENV) db.sqlite3* test*.sqlite3* staticfiles
