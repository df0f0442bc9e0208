-- Run once by the postgres image on an empty data directory: one database per service that owns data.
-- The role is the image's POSTGRES_USER; each service connects with <SERVICE>_DATABASE_URL.
CREATE DATABASE accounts;
CREATE DATABASE events;
CREATE DATABASE playstate;
