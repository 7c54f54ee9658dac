#!/usr/bin/env bash
# The real-Nova lane (npm run test:nova): installs nova-local's Debian packages when they are
# missing (root and apt needed then), builds dist/ (the lane spawns the built CLI), and runs
# vitest.nova.config.ts, whose global setup starts nova-local. Whatever happens to vitest, the
# trap stops nova-local on exit (stop.sh kills exactly the process groups start.sh recorded).
set -euo pipefail
cd "$(dirname "$0")/.."
NOVA_LOCAL=../shared/nova-local
[ -x "$NOVA_LOCAL/start.sh" ] || { echo "nova-lane: $NOVA_LOCAL is missing (the lane needs ../shared beside the repository)" >&2; exit 1; }

if [ ! -x /usr/bin/openstack ] || ! dpkg-query -W -f='${Status}' python3-nova 2>/dev/null | grep -q "install ok installed"; then
  echo "== nova-lane: installing nova-local's packages (setup.sh, a few minutes)"
  "$NOVA_LOCAL/setup.sh"
fi

stop_nova() { [ "${NOVA_LOCAL_KEEP:-}" = 1 ] || "$NOVA_LOCAL/stop.sh" >/dev/null || true; }
[ "${NOVA_LOCAL_REUSE:-}" = 1 ] || trap stop_nova EXIT

npm run --silent build
node node_modules/vitest/vitest.mjs run --config vitest.nova.config.ts "$@"
