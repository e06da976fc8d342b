#!/usr/bin/env bash
# PostgreSQL init script (runs once, when the data volume is new, after 10-schema-postgres.sql): a login role
# for Grafana that may only read. The password comes from GRAFANA_DB_PASSWORD (see ../compose.yaml). The job
# writes as the owner, $POSTGRES_USER; tables it creates later are readable too (default privileges).
# No `set` here: the image's entrypoint may source this file instead of executing it.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v reader_password="${GRAFANA_DB_PASSWORD:?GRAFANA_DB_PASSWORD is not set}" \
    -v owner="$POSTGRES_USER" -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE grafana_reader LOGIN PASSWORD :'reader_password';
GRANT CONNECT ON DATABASE :"db" TO grafana_reader;
GRANT USAGE ON SCHEMA public TO grafana_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO grafana_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO grafana_reader;
SQL
