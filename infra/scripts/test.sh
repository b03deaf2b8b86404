#!/usr/bin/env bash
# The whole test suite: static checks, unit and integration tests (real PostgreSQL and Redis),
# then the portal end to end in Debian's Chromium. Prints "N passed, N failed" at the end.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .rayon/reports
rm -f .rayon/reports/*.json  # never count an earlier run
status=0
failed_checks=0
step() { echo; echo "== $1"; shift; "$@" || status=1; }
check() { echo; echo "== $1"; shift; "$@" || { status=1; failed_checks=$((failed_checks + 1)); }; }

check "tenant migrations name no \"public\"." pnpm -s db:check
check "typecheck" pnpm -s typecheck
check "lint" pnpm -s lint
check "format" pnpm -s format:check
check "unused files and dependencies (knip)" pnpm -s knip
step "unit and integration tests (vitest)" pnpm -s exec vitest run --reporter=default --reporter=json --outputFile.json=.rayon/reports/vitest.json
step "portal end to end (playwright)" env PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/.rayon/reports/playwright.json" pnpm -s --filter @rayon/web exec playwright test --reporter=list,json

FAILED_CHECKS=$failed_checks node -e '
const fs = require("fs");
// Each failed static check (migrations, typecheck, lint, format, knip) counts as one failure.
let passed = 0, failed = Number(process.env.FAILED_CHECKS), skipped = 0;
try { const v = JSON.parse(fs.readFileSync(".rayon/reports/vitest.json", "utf8"));
  passed += v.numPassedTests; failed += v.numFailedTests + (v.numRuntimeErrorTestSuites ?? 0); skipped += v.numPendingTests + v.numTodoTests; } catch { failed += 1; }
try { const p = JSON.parse(fs.readFileSync(".rayon/reports/playwright.json", "utf8"));
  passed += p.stats.expected; failed += p.stats.unexpected + p.stats.flaky; skipped += p.stats.skipped; } catch { failed += 1; }
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
'
exit $status
