#!/usr/bin/env bash
# `pnpm start`: install, build, create databases, migrate and run every service.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm install --frozen-lockfile
pnpm run build
exec node scripts/platform.mjs
