# Consultation-triage assistant: `make run` runs it, `make test` tests it. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV      := .venv
TOOLS_PY  := $(VENV)/tools/bin/python
UV        := $(VENV)/tools/bin/uv
BOT_PY    := $(VENV)/bot/bin/python
API_PY    := $(VENV)/api/bin/python
BOT_STAMP := $(VENV)/bot/.installed
API_STAMP := $(VENV)/api/.installed
SPACY_DIR := build/spacy-en
MODEL     := models/assistant.tar.gz
WIDGET    := api/web/static/vendor/webchat.js
CHROMIUM  := /usr/bin/chromium
HAPROXY   := /usr/sbin/haproxy

# Quiet, reproducible Rasa/TensorFlow; the project root is importable for the custom NLU
# component (bot.components) and the actions package.
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
# Rasa 3.6 runs on SQLAlchemy 1.4, which would warn at every start about its 2.0 migration:
# SQLAlchemy's own switch for that one warning.
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

# Read .env (created from .env.example on first use) so every target sees the same settings.
-include .env
export

step = @printf '\n\033[1m==> %s\033[0m\n' "$(1)"
fail = { printf '\n\033[31mStep failed: %s\033[0m\n%s\n' "$(1)" "$(2)" >&2; exit 1; }

# Everything the trained model is made from: the data, and the code the Rasa process loads
# (bot/ and the clinic kernel it imports). Rasa's own cache skips the parts that did not change.
TRAINING_INPUTS := config.yml domain.yml \
  $(shell find data bot clinic -type f \( -name '*.py' -o -name '*.y*ml' \) 2>/dev/null) $(SPACY_DIR)/meta.json

.PHONY: help
help:  ## List the commands
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

# --- set-up -----------------------------------------------------------------------------
.env: .env.example
	@python3 tools/setup/make_env_file.py .env.example .env || $(call fail,creating .env,Copy .env.example to .env by hand and fill in the secrets.)
	@touch .env

# Every environment installs exactly the versions in requirements/ (hashes checked); `make lock`
# re-resolves them from pyproject.toml, and `make lint` fails when the two disagree.
LOCK_BOT    := requirements/bot.txt requirements/bot-nodeps.txt
LOCK_API    := requirements/api.txt
LOCK_DEV    := requirements/dev.txt

$(UV): $(LOCK_DEV)
	$(call step,Installing the developer tools (uv, ruff, mypy) into $(VENV)/tools)
	@py=$$(tools/setup/find_python.sh api) && { [ -x $(TOOLS_PY) ] || "$$py" -m venv $(VENV)/tools; } \
	  && $(TOOLS_PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK_DEV) \
	  || $(call fail,installing the developer tools,Check that PyPI is reachable, then remove $(VENV)/tools and run the command again.)
	@touch $@

$(API_STAMP): $(LOCK_API) | $(UV)
	$(call step,Creating the API environment ($(VENV)/api: FastAPI, SQLAlchemy 2, pydantic 2))
	@py=$$(tools/setup/find_python.sh api) && { [ -x $(API_PY) ] || $(UV) venv --quiet --python "$$py" $(VENV)/api; } \
	  && $(UV) pip sync --python $(API_PY) --require-hashes $(LOCK_API) \
	  || $(call fail,creating the API environment,Remove $(VENV)/api and run the command again.)
	@touch $@

$(BOT_STAMP): $(LOCK_BOT) | $(UV)
	$(call step,Creating the bot environment ($(VENV)/bot: Python 3.10, Rasa 3.6.21, spaCy 3.4; about a minute))
	@py=$$(tools/setup/find_python.sh bot) && { [ -x $(BOT_PY) ] || $(UV) venv --quiet --python "$$py" $(VENV)/bot; } \
	  && $(UV) pip sync --python $(BOT_PY) --require-hashes $(LOCK_BOT) \
	  || $(call fail,creating the bot environment,Remove $(VENV)/bot and run the command again.)
	@touch $@

# uv resolves for the machine kind every environment runs on (Linux x86_64) and the Python
# each environment gets (find_python.sh); the weights package is locked without dependencies.
LOCK_FLAGS := --quiet --generate-hashes --python-platform x86_64-unknown-linux-gnu
.PHONY: lock
lock: | $(UV)  ## Re-resolve the locked versions (requirements/) from pyproject.toml's ranges
	$(call step,Resolving the locked versions from pyproject.toml)
	@mkdir -p requirements
	@$(UV) pip compile pyproject.toml $(LOCK_FLAGS) --python-version 3.10 --extra bot --extra bot-test -o requirements/bot.txt
	@$(UV) pip compile pyproject.toml $(LOCK_FLAGS) --python-version 3.10 --extra bot-nodeps --no-deps -o requirements/bot-nodeps.txt
	@$(UV) pip compile pyproject.toml $(LOCK_FLAGS) --python-version 3.11 --extra api --extra api-test -o $(LOCK_API)
	@$(UV) pip compile pyproject.toml $(LOCK_FLAGS) --python-version 3.11 --extra dev -o $(LOCK_DEV)
	@$(TOOLS_PY) tools/setup/check_locks.py --stamp
	@echo "requirements/ updated: commit it with pyproject.toml."

# The chat widget (rasa-webchat from npm), served by the API itself: no CDN at run time.
$(WIDGET): api/web/package.json api/web/package-lock.json api/web/build_widget.py
	$(call step,Installing the chat widget (npm: rasa-webchat))
	@command -v npm >/dev/null || $(call fail,installing the chat widget,Node.js and npm are needed: apt-get install nodejs npm)
	@npm ci --prefix api/web --no-audit --no-fund --loglevel=error \
	  && python3 api/web/build_widget.py \
	  || $(call fail,installing the chat widget,See the npm error above.)

# Browser tests drive Debian's Chromium; Playwright's own browser download cannot work offline.
$(CHROMIUM):
	$(call step,Installing Chromium for the browser tests (Debian package))
	@if [ "$$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi; \
	  DEBIAN_FRONTEND=noninteractive $$apt_get install -y -qq chromium >/dev/null \
	  || $(call fail,installing Chromium,Install it by hand: sudo apt-get install chromium)

# The load balancer of `make run-scaled` (Debian package).
$(HAPROXY):
	$(call step,Installing HAProxy for the scaled set-up (Debian package))
	@if [ "$$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi; \
	  DEBIAN_FRONTEND=noninteractive $$apt_get install -y -qq haproxy >/dev/null \
	  || $(call fail,installing HAProxy,Install it by hand: sudo apt-get install haproxy)

.PHONY: install
install: .env $(API_STAMP) $(BOT_STAMP) $(WIDGET)  ## Create both environments and the chat widget (idempotent)

$(SPACY_DIR)/meta.json: tools/spacy_pipeline.py tools/spacy_patterns.jsonl clinic/places.py $(BOT_STAMP)
	$(call step,Building the spaCy pipeline from project data ($(SPACY_DIR)))
	@$(BOT_PY) -m tools.spacy_pipeline --patterns tools/spacy_patterns.jsonl --out $(SPACY_DIR) \
	  || $(call fail,building the spaCy pipeline,See the error above; the patterns file is tools/spacy_patterns.jsonl.)

# The model gets the time training started: an input edited during training retrains next time.
# TUNE=1 retrains with a new encoder tune even when nothing changed (bot/encoder_cache.py).
.PHONY: FORCE
$(MODEL): $(TRAINING_INPUTS) $(BOT_STAMP) $(if $(filter 1 true yes,$(TUNE)),FORCE)
	$(call step,Training the Rasa model (config.yml, domain.yml or data/ changed))
	@mkdir -p models
	@$(BOT_PY) -m tools.domain_writer --write-domain domain.yml
	@touch models/.training-started
	@$(VENV)/bot/bin/rasa train --config config.yml --domain domain.yml --data data \
	    --out models --fixed-model-name assistant \
	  || $(call fail,training the Rasa model,Run 'make validate' to find the data error.)
	@touch -r models/.training-started $@

.PHONY: train
train: $(MODEL)  ## Build the spaCy pipeline and train the model if its inputs changed; TUNE=1 tunes the encoder anew

.PHONY: migrate
migrate: .env $(API_STAMP)  ## Apply the leads database migrations
	$(call step,Applying database migrations ($(DATABASE_URL)))
	@mkdir -p var
	@$(VENV)/api/bin/alembic -c api/alembic.ini upgrade head \
	  || $(call fail,applying migrations,Check DATABASE_URL in .env.)

# --- run --------------------------------------------------------------------------------
.PHONY: run
run: install train migrate  ## Set up everything, then run the API, action server, outbox and Rasa
	@printf '\n\033[1m==> Starting (Ctrl-C stops them all)\033[0m\n'
	@printf '  leads API      http://%s:%s  (docs at /docs)\n' "$(API_HOST)" "$(API_PORT)"
	@printf '  action server  http://%s:%s  (localhost only)\n' "$(ACTION_SERVER_HOST)" "$(ACTION_SERVER_PORT)"
	@printf '  Rasa           http://localhost:%s  REST: POST /webhooks/rest/webhook, socket.io: /socket.io\n\n' "$(RASA_PORT)"
	@mkdir -p -m 700 var/run
	@SUPERVISOR_SOCKET="$(CURDIR)/var/run/supervisor.sock" exec $(VENV)/api/bin/supervisord -c deploy/supervisord.conf

# Two Rasa servers and two API workers behind HAProxy, on PostgreSQL and Redis (see
# docs/scaling.md). The balancer takes the usual ports (API_PORT, RASA_PORT); the servers behind
# it listen on localhost. Settings: the "Scaled run" part of .env.
SCALED_DATABASE_URL      = postgresql+psycopg://$(POSTGRES_SERVER)/$(SCALED_LEADS_DB)
SCALED_CONVERSATIONS_URL = postgresql+psycopg://$(POSTGRES_SERVER)/$(SCALED_CONVERSATIONS_DB)
.PHONY: run-scaled
run-scaled: install train $(HAPROXY)  ## Two Rasa servers + two API workers behind HAProxy, on PostgreSQL + Redis
	$(call step,Preparing PostgreSQL ($(POSTGRES_SERVER)) and Redis ($(REDIS_HOST):$(REDIS_PORT)))
	@$(API_PY) tools/setup/create_database.py "$(SCALED_DATABASE_URL)" "$(SCALED_CONVERSATIONS_URL)" \
	  || $(call fail,preparing PostgreSQL,Is PostgreSQL running at $(POSTGRES_SERVER)? .ci/start_services.sh starts the machine's.)
	@$(VENV)/api/bin/python -c \
	  "import redis; redis.Redis(host='$(REDIS_HOST)', port=$(REDIS_PORT)).ping()" \
	  || $(call fail,preparing Redis,Is Redis running at $(REDIS_HOST):$(REDIS_PORT)? .ci/start_services.sh starts the machine's.)
	@DATABASE_URL="$(SCALED_DATABASE_URL)" $(VENV)/api/bin/alembic -c api/alembic.ini upgrade head \
	  || $(call fail,applying migrations on PostgreSQL,See the error above.)
	@printf '\n\033[1m==> Starting the scaled set-up (Ctrl-C stops it all)\033[0m\n'
	@printf '  website + leads API  http://%s:%s  -> workers on ports %s, %s\n' "$(BALANCER_HOST)" "$(API_PORT)" "$(API_PORT_1)" "$(API_PORT_2)"
	@printf '  Rasa                 http://%s:%s  -> servers on ports %s, %s (socket.io sticky by address)\n' "$(BALANCER_HOST)" "$(RASA_PORT)" "$(RASA_PORT_1)" "$(RASA_PORT_2)"
	@printf '  balancer statistics  http://127.0.0.1:%s/\n\n' "$(BALANCER_STATS_PORT)"
	@mkdir -p -m 700 var/run
	@DATABASE_URL="$(SCALED_DATABASE_URL)" TRACKER_DB_URL="$(SCALED_CONVERSATIONS_URL)" \
	  RASA_TRACKER_URL="postgresql://$(POSTGRES_SERVER)/$(SCALED_CONVERSATIONS_DB)" \
	  RASA_TRACKER_DIALECT=postgresql RASA_LOCK_STORE=redis \
	  RASA_REDIS_HOST="$(REDIS_HOST)" RASA_REDIS_PORT="$(REDIS_PORT)" \
	  RATE_LIMIT_STORAGE_URL="redis://$(REDIS_HOST):$(REDIS_PORT)/$(RATE_LIMIT_REDIS_DB)" \
	  LEADS_API_URL="http://127.0.0.1:$(API_PORT)" \
	  SUPERVISOR_SOCKET="$(CURDIR)/var/run/supervisor-scaled.sock" \
	  exec $(VENV)/api/bin/supervisord -c deploy/supervisord-scaled.conf

.PHONY: shell
shell: install train  ## Chat in the terminal (needs `make run` in another terminal for actions)
	@$(VENV)/bot/bin/rasa shell --model $(MODEL) --endpoints endpoints.yml

.PHONY: staff-user
staff-user: migrate  ## Create a staff account or reset its password: make staff-user EMAIL=... PASSWORD=... [ROLE=admin]
	@[ -n "$(EMAIL)" ] && [ -n "$(PASSWORD)" ] || $(call fail,staff-user,Usage: make staff-user EMAIL=you@clinic.example PASSWORD='a long passphrase' [ROLE=admin])
	@$(API_PY) -m api.cli staff-user --email "$(EMAIL)" --password "$(PASSWORD)" $(if $(ROLE),--role "$(ROLE)")

.PHONY: purge-leads
purge-leads: migrate  ## Delete leads and conversations older than DAYS (default RETENTION_DAYS)
	@$(API_PY) -m api.cli purge $(if $(DAYS),--days "$(DAYS)")

.PHONY: erase-abandoned
erase-abandoned: .env $(API_STAMP)  ## Erase unsent lead forms idle ABANDONED_FORM_HOURS from the conversation store, once
	@$(API_PY) -m api.cli erase-abandoned

.PHONY: deliver-outbox outbox-status outbox-retry
deliver-outbox: install  ## Deliver every lead waiting in the outbox now, whatever its wait
	@$(BOT_PY) -m actions.outbox deliver

outbox-status: install  ## Leads waiting in the outbox, needing a person, refused, quarantined; the oldest wait
	@$(BOT_PY) -m actions.outbox status

outbox-retry: install  ## Queue the refused leads again (after fixing the cause) and deliver everything now
	@$(BOT_PY) -m actions.outbox retry

# --- quality ----------------------------------------------------------------------------
# Style, types and locks. ruff and mypy come from requirements/dev.txt; mypy reads each part
# with the environment it runs in: strict for the shared kernel and the API, the default for
# the rest.
RUFF := $(VENV)/tools/bin/ruff
MYPY := $(VENV)/tools/bin/mypy
.PHONY: lint
lint: $(UV) $(API_STAMP) $(BOT_STAMP)  ## ruff (rules and format), mypy, and the lock files against pyproject.toml
	$(call step,Lint: ruff check, ruff format --check)
	@$(RUFF) check . && $(RUFF) format --check . || $(call fail,lint,Run '$(RUFF) check --fix . && $(RUFF) format .' and fix what remains.)
	$(call step,Types: mypy --strict on clinic/ and api/; mypy on the rest)
	@$(MYPY) --python-executable $(API_PY) --cache-dir .mypy_cache/api --strict clinic api \
	  && $(MYPY) --python-executable $(API_PY) --cache-dir .mypy_cache/api-rest --follow-imports silent tests/api tests/structure tests/web tests/scaled tests/processes.py bench tools/setup \
	  && $(MYPY) --python-executable $(BOT_PY) --cache-dir .mypy_cache/bot --exclude tools/setup actions bot tools tests/actions tests/bot tests/clinic \
	  || $(call fail,type check,See the errors above.)
	$(call step,Lock files against pyproject.toml)
	@$(TOOLS_PY) tools/setup/check_locks.py || $(call fail,lock check,Run 'make lock' and commit requirements/.)

.PHONY: validate
validate: install  ## Check the training data (rasa data validate)
	$(call step,Validating training data)
	@$(BOT_PY) -m tools.validate_data

.PHONY: evaluate
evaluate: install $(SPACY_DIR)/meta.json  ## NLU cross-validation against the baseline (reports/nlu/); SAVE_BASELINE=1 accepts it, SHUFFLES=2 to judge a design
	$(call step,Cross-validating the NLU (5 folds: trains 5 NLU models; about half an hour on 2 cores))
	@$(BOT_PY) -m tools.evaluate $(if $(SAVE_BASELINE),--save-baseline) $(if $(SHUFFLES),--shuffles $(SHUFFLES)) \
	  || $(call fail,NLU cross-validation,See reports/nlu/summary.md and reports/nlu/errors.json.)

.PHONY: review
review: install  ## Trainers: queue what visitors typed that was poorly understood (var/review.yml)
	@$(BOT_PY) -m tools.review collect

.PHONY: review-apply
review-apply: install  ## Trainers: move the labelled messages of var/review.yml into data/nlu/
	@$(BOT_PY) -m tools.review apply
	@$(BOT_PY) -m tools.validate_data

.PHONY: test
test: install train $(CHROMIUM)  ## Install what is needed and run every test
	@mkdir -p reports
	$(call step,Layout and API tests ($(VENV)/api))
	@$(API_PY) -m pytest tests/structure tests/test_processes.py tests/api || $(call fail,API and layout tests,See the failures above.)
	$(call step,Conversation store kernel (clinic/rasa_store.py) in both environments)
	@$(API_PY) -m pytest tests/clinic || $(call fail,conversation store tests (API env),See the failures above.)
	@$(BOT_PY) -m pytest tests/clinic || $(call fail,conversation store tests (bot env),See the failures above.)
	$(call step,Data validation)
	@$(BOT_PY) -m tools.validate_data || $(call fail,data validation,Fix the problems above in domain.yml or data/.)
	$(call step,Bot and action and conversation tests ($(VENV)/bot))
	@$(BOT_PY) -m pytest tests/bot tests/actions || $(call fail,bot tests,See the failures above.)
	$(call step,Test stories (rasa test core on tests/stories))
	@$(VENV)/bot/bin/rasa test core --model $(MODEL) --stories tests/stories --out reports/test_stories \
	    --fail-on-prediction-errors --no-plot > reports/test_stories.log 2>&1 \
	  && echo "Test stories: all passed (reports/test_stories/)" \
	  || { tail -30 reports/test_stories.log; cat reports/test_stories/failed_test_stories.yml 2>/dev/null | head -60; \
	       $(call fail,test stories,See reports/test_stories/failed_test_stories.yml.); }
	$(call step,make run under supervisord: processes killed and restarted; outbox deliverers (tests/faults))
	@$(API_PY) -m pytest tests/faults || $(call fail,fault tests,See the failures above.)
	$(call step,Website and chat widget in Chromium (tests/web; screenshots in reports/web/))
	@$(API_PY) -m pytest tests/web || $(call fail,browser tests,See the failures above.)

# The production set-up: the whole API suite again on PostgreSQL (a fresh database per test),
# then two Rasa servers sharing PostgreSQL and Redis. Needs the servers: the machine's at
# 127.0.0.1 by default; .ci/run starts them when they are not running.
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# Given to test-production's commands only: `make test` must run on SQLite, with no server.
unexport TEST_DATABASE_URL
.PHONY: test-production
test-production: install train $(HAPROXY)  ## API tests on PostgreSQL; make run-scaled and two Rasa servers on PostgreSQL + Redis
	$(call step,API tests on PostgreSQL ($(TEST_DATABASE_URL)))
	@TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(API_PY) -m pytest tests/api \
	  || $(call fail,API tests on PostgreSQL,Is PostgreSQL running? .ci/start_services.sh starts the machine's.)
	$(call step,Conversation store kernel on PostgreSQL, both environments)
	@TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(API_PY) -m pytest tests/clinic \
	  || $(call fail,conversation store on PostgreSQL (API env),Is PostgreSQL running? .ci/start_services.sh starts the machine's.)
	@TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BOT_PY) -m pytest tests/clinic \
	  || $(call fail,conversation store on PostgreSQL (bot env),Is PostgreSQL running? .ci/start_services.sh starts the machine's.)
	$(call step,Two Rasa servers sharing PostgreSQL and Redis; make run-scaled behind HAProxy (tests/scaled))
	@TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(API_PY) -m pytest tests/scaled \
	  || $(call fail,scaled set-up,See the failures above.)

.PHONY: clean
clean:  ## Remove environments, models and build output (keeps var/ data and .env)
	rm -rf $(VENV) models build .pytest_cache

# Issue #31's figures beside their targets and a `rasa init` floor: RUNS runs (default 3) and
# their medians; QUICK=1 one short run for development; SKIP_TRAINING=1 leaves out train/start.
.PHONY: bench
bench: install train  ## Train, retrain, start, memory, per-turn vs a rasa-init floor -> reports/bench.json [RUNS=3 QUICK=1]
	$(call step,Benchmark: issue #31 figures$(if $(QUICK), (quick option),) -> reports/bench.json and docs/performance.md)
	@$(API_PY) -m bench.run $(if $(RUNS),--runs $(RUNS)) $(if $(QUICK),--quick) $(if $(SKIP_TRAINING),--skip-training)
