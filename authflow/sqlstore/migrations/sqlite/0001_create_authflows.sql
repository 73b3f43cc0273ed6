-- One row per authflow: the same columns as on PostgreSQL (see
-- migrations/postgres), in SQLite's types. IDs are their 20 bytes;
-- id_partition is the partition of id. {{table}} and {{table name}} are
-- replaced by the table's name (WithTable; authflows by default).
--
-- The latitude and longitude columns have no declared type on purpose: a
-- column of REAL (or NUMERIC) affinity stores a whole-number double as an
-- integer and reads back -0.0 as 0, while one without a type keeps the double
-- as given.
CREATE TABLE {{table}} (
    id_partition INTEGER NOT NULL,
    id BLOB NOT NULL,
    account_id BLOB NOT NULL,
    device_id BLOB NOT NULL,
    domain_id BLOB NOT NULL,
    pool_id BLOB NOT NULL,
    session_id BLOB NOT NULL,
    status TEXT NOT NULL,
    plan_name TEXT NOT NULL,
    title TEXT NOT NULL,
    return_url TEXT NOT NULL,
    required_email TEXT,
    factor_names TEXT NOT NULL,
    first_seen_asn INTEGER,
    first_seen_at_s INTEGER,
    first_seen_at_ns INTEGER,
    first_seen_city TEXT,
    first_seen_country_code TEXT,
    first_seen_ja4_fingerprint TEXT,
    first_seen_lat,
    first_seen_long,
    first_seen_region_code TEXT,
    first_seen_remote_ip TEXT,
    first_seen_timezone TEXT,
    first_seen_user_agent TEXT,
    last_seen_asn INTEGER,
    last_seen_at_s INTEGER,
    last_seen_at_ns INTEGER,
    last_seen_city TEXT,
    last_seen_country_code TEXT,
    last_seen_ja4_fingerprint TEXT,
    last_seen_lat,
    last_seen_long,
    last_seen_region_code TEXT,
    last_seen_remote_ip TEXT,
    last_seen_timezone TEXT,
    last_seen_user_agent TEXT,
    PRIMARY KEY (id_partition, id)
);
CREATE INDEX {{table name}}_domain_id ON {{table}} (domain_id);
