#!/usr/bin/env bash
# The provider profile, our integration's scenarios included, against glewlwyd (Debian's package; CI does not
# install it): `apt-get install glewlwyd`, then dev/provider-servers/run-glewlwyd.sh. Starts it on ports of its own
# (dev/provider-servers/glewlwyd.mjs), signs in through its pages of script in Chromium (PROVIDER_LOGIN=browser,
# its own buttons named by PROVIDER_SUBMIT_SELECTOR), and writes reports/provider-glewlwyd/. Prints the counts and
# the differences from the mock; its failures are findings (docs/provider-mode.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v glewlwyd >/dev/null || { echo "glewlwyd is not installed: apt-get install glewlwyd"; exit 1; }
node -e "require('./dev/build.cjs').buildIfStale('harness')"
secret="glewlwyd-run-$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
PORT=4641 CLIENT_ID=provider-run CLIENT_SECRET="$secret" PROVIDER_USERNAME=alice PROVIDER_PASSWORD=wonderland \
  REDIRECT_URI="http://127.0.0.1:4642/callback http://127.0.0.1:4643/callback" \
  node dev/provider-servers/glewlwyd.mjs >reports/glewlwyd.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q '^glewlwyd at' reports/glewlwyd.log 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { echo "glewlwyd did not start (reports/glewlwyd.log)"; exit 1; }
  sleep 0.2
done
rm -rf reports/provider-glewlwyd
mkdir -p reports/provider-glewlwyd
status=0
ISSUER_URL=http://127.0.0.1:4641/api/oidc CLIENT_ID=provider-run CLIENT_SECRET="$secret" \
  REDIRECT_URI=http://127.0.0.1:4642/callback INTEGRATION_REDIRECT_URI=http://127.0.0.1:4643/callback \
  PROVIDER_USERNAME=alice PROVIDER_PASSWORD=wonderland PROVIDER_LOGIN=browser \
  PROVIDER_SUBMIT_SELECTOR='#loginbut, button:has-text("Grant access"), button:has-text("Continue")' \
  REPORTS_DIR=reports/provider-glewlwyd npx cucumber-js -p provider >reports/provider-glewlwyd/run.log 2>&1 || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`provider profile against glewlwyd: ${JSON.stringify(r.scenarios.counts)}`);
  for (const d of r.differences) console.log(`  ${d.id}: ${d.provider} (mock: ${d.mock})`);
  for (const s of r.scenarios.list.filter((s) => s.status !== "passed"))
    console.log(`  ${s.status}: ${s.name}${s.reason ? ` (${s.reason.slice(0, 160)})` : ""}`);
' reports/provider-glewlwyd/provider.json || { echo "no report (reports/provider-glewlwyd/run.log)"; exit 1; }
exit "$status"
