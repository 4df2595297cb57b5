#!/usr/bin/env bash
# The whole check: lint, types, migrations, translations, tests on SQLite, on PostgreSQL and
# in the browser. On a developer machine a missing PostgreSQL or Chromium is skipped with a
# note; with CI=true nothing may be skipped: PostgreSQL is started and Chromium installed.
set -uo pipefail
BIN=.venv/bin
ci=${CI:-false}
skipped=()
failed=()

step() { echo; echo "==> $*"; }
run() { "$@" || failed+=("$*"); }

export LAYANAN_DATA_DIR=${LAYANAN_DATA_DIR:-$(mktemp -d /tmp/layanan-test.XXXXXX)}
export PYTHONDONTWRITEBYTECODE=1

step "ruff (lint and format)"
run $BIN/ruff check .
run $BIN/ruff format --check .

step "mypy"
run $BIN/mypy layanan

step "migrations are up to date"
run env -u DATABASE_URL $BIN/layanan makemigrations --check --dry-run

step "translations are compiled"
run env -u DATABASE_URL $BIN/layanan messages check

step "tests on SQLite"
run env -u DATABASE_URL $BIN/pytest -q -n 2 -m "not browser"

# PostgreSQL: DATABASE_URL if it names one, else the local server.
pg_url=${DATABASE_URL:-}
if [[ "$pg_url" != postgres* ]]; then
    pg_url="postgres://postgres@127.0.0.1:5432/layanan"
fi
pg_up() { $BIN/python scripts/pg_ready.py "$pg_url"; }
if ! pg_up && [ "$ci" = "true" ]; then
    step "starting PostgreSQL"
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
        for _ in $(seq 1 20); do pg_up && break; sleep 1; done
    fi
fi
if pg_up; then
    step "tests on PostgreSQL ($pg_url)"
    run env DATABASE_URL="$pg_url" $BIN/pytest -q -n 2 -m "not browser"
elif [ "$ci" = "true" ]; then
    failed+=("PostgreSQL is not available at $pg_url (CI must not skip it)")
else
    skipped+=("PostgreSQL tests: no server answers at $pg_url (set DATABASE_URL or start one)")
fi

# Browser tests: the system Chromium driven by Playwright.
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ] && [ "$ci" = "true" ]; then
    step "installing Chromium"
    (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || true
fi
if [ -x "$chromium" ]; then
    step "browser tests (Chromium)"
    run env -u DATABASE_URL CHROMIUM="$chromium" $BIN/pytest -q -m browser -p no:xdist
elif [ "$ci" = "true" ]; then
    failed+=("Chromium is not available at $chromium (CI must not skip browser tests)")
else
    skipped+=("browser tests: no Chromium at $chromium (apt-get install chromium)")
fi

echo
if [ ${#skipped[@]} -gt 0 ]; then
    echo "Skipped:"
    printf '  - %s\n' "${skipped[@]}"
fi
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED:"
    printf '  - %s\n' "${failed[@]}"
    exit 1
fi
echo "All checks passed."
