#!/bin/sh
# First start on an empty volume: create the cluster with the password from the file and the app's table.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  "$PG_BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --auth-local=peer --auth-host=scram-sha-256 \
    --pwfile="${DB_PASSWORD_FILE:-/run/secrets/db_password}" >/dev/null
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  "$PG_BIN/pg_ctl" -D "$PGDATA" -w -s -o "-c listen_addresses= -c unix_socket_directories=/tmp" start
  "$PG_BIN/psql" -h /tmp -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE TABLE visits (id int PRIMARY KEY, n bigint NOT NULL)" -c "INSERT INTO visits VALUES (1, 0)"
  "$PG_BIN/pg_ctl" -D "$PGDATA" -w -s stop
fi
exec "$PG_BIN/postgres" -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp "$@"
