#!/usr/bin/env bash
# `npm run test:e2e:pg15`: the e2e suite against Debian's PostgreSQL 15, the oldest server the README
# promises (the everyday suite runs on the embedded PostgreSQL 18). A throwaway cluster in a temporary
# directory on a free port, stopped and removed at the end; the suite reaches it through DATABASE_URL
# (test/support/global-setup.ts), each test file on its own database cloned from one migrated template.
# Extra arguments go to jest (e.g. a test file). Installs postgresql-15 with apt-get when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PG_BIN/initdb" ]; then
  echo "== installing postgresql-15"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql-15 >/dev/null
fi

dir=$(mktemp -d /tmp/pg15-e2e.XXXXXX)
as_pg=()
# PostgreSQL refuses to run as root: run the cluster as the package's system user.
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

stop() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_pg[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Thrown away afterwards, so durability is off; max_connections as on the embedded cluster.
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
echo "== PostgreSQL $("${as_pg[@]}" "$PG_BIN/postgres" --version | awk '{print $3}') on port $port"

# The paths first: --selectProjects takes every word after it as a project name.
DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" npx jest "$@" --selectProjects e2e
