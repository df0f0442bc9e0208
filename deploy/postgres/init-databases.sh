#!/bin/sh
# Run once by the postgres image on an empty data directory: one database per service that owns
# data, each owned by a role of its own (<SERVICE>_DB_PASSWORD), so a service can read and write
# only its own tables; nobody else may connect to it. POSTGRES_USER stays the superuser, for the
# operator only.
set -eu
for service in accounts events playstate; do
    variable=$(echo "${service}_DB_PASSWORD" | tr '[:lower:]' '[:upper:]')
    password=$(printenv "$variable") || { echo "$variable is not set" >&2; exit 1; }
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        -v role="$service" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
