#!/bin/sh
# One-shot (temporal-admin-tools): Temporal's own temporal-sql-tool creates the persistence and visibility
# databases on temporal-postgresql and brings their schemas to this image's version. Safe to rerun.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
PORT=${DB_PORT:-5432}
SCHEMA=/etc/temporal/schema/postgresql/v12

until nc -z "$POSTGRES_SEEDS" "$PORT"; do echo "waiting for $POSTGRES_SEEDS:$PORT"; sleep 1; done
for db in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  name=${db%%:*} dir=${db##*:}
  sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" --db "$name" "$@"; }
  sql create || echo "database $name exists"
  sql setup-schema -v 0.0 # no-op once versioned
  sql update-schema -d "$SCHEMA/$dir/versioned"
done
echo 'Temporal schemas are up to date'
