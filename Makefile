# One-command harness for the payment_request addon. See README.md.
SHELL := /bin/bash
ODOO_HOME ?= /opt/odoo/18.0
export ODOO_HOME
VENV ?= .venv
PY := $(VENV)/bin/python
BUILD := .build
DB_TEST ?= payment_request_test
DB_DEMO ?= payment_request_demo
HTTP_PORT ?= 8069
ADDONS := payment_request
TEST_MODULES := payment_request,l10n_be
ADDONS_PATH = $(ODOO_HOME)/addons,$(ODOO_HOME)/odoo/addons,$(CURDIR)
ODOO := $(PY) $(ODOO_HOME)/odoo-bin
ODOO_CONF = $(BUILD)/odoo.conf

.PHONY: help check-odoo venv system-deps postgres conf test lint run wheel pot clean

help:
	@echo "make test   - set up, install payment_request in a fresh database and run its tests"
	@echo "make lint   - ruff, pylint-odoo, oca-checks-odoo-module, oca-checks-po"
	@echo "make run    - serve Odoo with payment_request and demo data on http://localhost:$(HTTP_PORT)"

check-odoo:
	@scripts/check_odoo.sh

system-deps:
	@scripts/ensure_system_packages.sh

postgres:
	@scripts/ensure_postgres.sh

$(BUILD)/odoo-requirements.txt: $(ODOO_HOME)/requirements.txt | check-odoo
	@mkdir -p $(BUILD)
	@# cbor2 5.4.2 no longer builds on Python 3.11; 5.6.2 does.
	sed -E 's/^cbor2==5\.4\.2.*/cbor2==5.6.2 ; python_version < "3.12"/' $< > $@

$(VENV)/.installed: $(BUILD)/odoo-requirements.txt requirements.txt requirements-test.txt
	@$(MAKE) --no-print-directory system-deps
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 'setuptools<70' wheel
	$(PY) -m pip install -q -r $(BUILD)/odoo-requirements.txt
	$(PY) -m pip install -q -r requirements.txt -r requirements-test.txt
	@# Odoo is not on PyPI: point the venv at the source tree.
	$(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' | \
		xargs -I{} sh -c 'echo "$(ODOO_HOME)" > {}/odoo_home.pth'
	@touch $@

venv: check-odoo $(VENV)/.installed

conf: check-odoo
	@mkdir -p $(BUILD)
	@printf '[options]\naddons_path = %s\ndata_dir = %s\nhttp_port = %s\nadmin_passwd = admin\nwithout_demo = False\n' \
		"$(ADDONS_PATH)" "$(CURDIR)/$(BUILD)/data" "$(HTTP_PORT)" > $(ODOO_CONF)

test: venv postgres conf
	@$(PY) -c 'import odoo.release as r; assert r.version_info[:2] == (18, 0), r.version'
	-@dropdb --if-exists $(DB_TEST) >/dev/null 2>&1
	@echo "Installing $(TEST_MODULES) with demo data in a fresh database $(DB_TEST)..."
	@$(ODOO) -c $(ODOO_CONF) -d $(DB_TEST) -i $(TEST_MODULES) --stop-after-init \
		--log-level=info --logfile=$(BUILD)/install.log --http-port=$(HTTP_PORT)
	@scripts/check_install_log.sh $(BUILD)/install.log
	$(VENV)/bin/pytest -p no:cacheprovider --odoo-config=$(ODOO_CONF) --odoo-database=$(DB_TEST) \
		--odoo-http --cov=payment_request --cov-config=.coveragerc --cov-report=term:skip-covered \
		payment_request/tests

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pylint --rcfile=.pylintrc $(ADDONS)
	$(VENV)/bin/oca-checks-odoo-module $(ADDONS)
	$(VENV)/bin/oca-checks-po $$(find $(ADDONS) -name '*.po' -o -name '*.pot')

run: venv postgres conf
	@if psql -lqt | cut -d'|' -f1 | grep -qw $(DB_DEMO); then \
		echo "Updating $(DB_DEMO)..."; \
		$(ODOO) -c $(ODOO_CONF) -d $(DB_DEMO) -u payment_request --stop-after-init --logfile=$(BUILD)/run-update.log; \
	else \
		echo "Creating $(DB_DEMO) with demo data..."; \
		$(ODOO) -c $(ODOO_CONF) -d $(DB_DEMO) -i $(TEST_MODULES) --stop-after-init --logfile=$(BUILD)/run-install.log; \
	fi
	@echo "Serving http://localhost:$(HTTP_PORT) (login admin / password admin)"
	$(ODOO) -c $(ODOO_CONF) -d $(DB_DEMO) --db-filter='^$(DB_DEMO)$$'

wheel: venv
	$(PY) -m pip wheel --no-deps -w $(BUILD)/dist ./payment_request

clean:
	rm -rf $(BUILD)

pot: venv postgres conf
	$(ODOO) -c $(ODOO_CONF) -d $(DB_TEST) -u payment_request --stop-after-init --logfile=$(BUILD)/pot.log
	$(ODOO) -c $(ODOO_CONF) -d $(DB_TEST) --i18n-export=payment_request/i18n/payment_request.pot \
		--modules=payment_request --stop-after-init --logfile=$(BUILD)/pot.log
