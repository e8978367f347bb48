#!/usr/bin/env bash
# Runs every test of Movement. On a fresh Debian machine it first installs what the tests need
# (idempotent, non-interactive). Test fixtures start their own private servers (mosquitto, influxd, nginx,
# victoria-metrics, dbus-daemon with python-dbusmock, chromium) on free loopback ports and stop them afterwards.
#
#   bash scripts/test.sh          every test (what CI runs)
#   bash scripts/test.sh --unit   the quick unit-only subset: installs nothing, starts no server, browser or listener
#                                 (tests marked [Trait("Category", "Integration")] are left out; one that needs a
#                                 server without the mark fails saying so)
#   bash scripts/test.sh --screenshots   the browser tests that take docs/img's screenshots, saving them there: the
#                                 README's real run (FirstRunTests) and the dashboard's pages with the demo data
set -euo pipefail
cd "$(dirname "$0")/.."

filter=()
if [[ ${1:-} == --unit ]]; then
  export MOVEMENT_TEST_SCOPE=unit
  filter=(--filter "Category!=Integration")
elif [[ ${1:-} == --screenshots ]]; then
  export MOVEMENT_UPDATE_SCREENSHOTS=1
  filter=(--filter "FullyQualifiedName~FirstRunTests.ReadmeCommand|FullyQualifiedName~BrowserTests")
elif [[ $# -gt 0 ]]; then
  echo "usage: bash scripts/test.sh [--unit|--screenshots]" >&2
  exit 2
fi

packages=(mosquitto mosquitto-clients dbus python3-dbusmock influxdb nginx-light victoria-metrics chromium libgomp1 sqlite3 procps)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [[ ${MOVEMENT_TEST_SCOPE:-} != unit ]] && ((${#missing[@]})); then
  echo "Installing test dependencies: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  # Keep Debian's maintainer scripts from starting system-wide daemons (mosquitto would take port 1883).
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
    "${sudo_cmd[@]}" chmod +x "$policy"
    created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  if ((created_policy)); then "${sudo_cmd[@]}" rm -f "$policy"; fi
fi

log=$(mktemp)
status=0
dotnet test Movement.sln -c Release --blame-hang-timeout 15m "${filter[@]}" 2>&1 | tee "$log" || status=$?

# One closing line over all test assemblies.
awk '/(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
exit "$status"
