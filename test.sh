#!/usr/bin/env bash
# Runs the whole test suite. Some tests drive real tools: promtool checks /metrics (Debian package
# 'prometheus'), headless Chromium loads the pages (Debian package 'chromium') and the Redis membership test starts a
# redis-server (Debian package 'redis-server'). Installs them when missing.
# The chart tests (test/Chart.Tests) run helm: .ci/install-helm.sh uses the one on PATH or caches one in .tools/.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if ((${#missing[@]})); then
  echo "test.sh: installing ${missing[*]} (Debian packages)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

./.ci/install-helm.sh >/dev/null

# One test project at a time (-m:1): the cluster, fault and integration suites start real silos and time what they do,
# and two of them sharing two cores held a scrape 357 ms past its slot and kept a starting silo from taking grains.
exec dotnet test OrleansKaitoScaler.sln -m:1 "$@"
