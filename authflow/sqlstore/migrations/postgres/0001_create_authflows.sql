-- One row per authflow. IDs are their 20 bytes (big-endian: timestamp,
-- partition, randomness), so keys sort by time and indexes stay small.
-- id_partition is the partition of id (0 to 2^30-1): the key to partition or
-- distribute the table by, so that related objects can live together. It
-- leads the primary key, as Citus and partitioned tables require, and spreads
-- writes where keys are ranges (CockroachDB, YugabyteDB).
--
-- first_seen_* and last_seen_* are each all NULL for a null snapshot, all set
-- otherwise. A snapshot's time is Unix seconds plus nanoseconds (0 to
-- 999999999): exact to the nanosecond over the whole range the API allows.
-- remote_ip is the address's canonical text form. factor_names is a JSON array
-- of strings, [] when there are none.
--
-- No sequences, no triggers: the schema runs on PostgreSQL-compatible
-- distributed engines as it is. The markers in double braces below are
-- replaced by the table's name (WithTable; authflows by default), that name
-- without its schema, and the hash partitioning that WithHashPartitions asks
-- for, or nothing.
CREATE TABLE {{table}} (
    id_partition integer NOT NULL,
    id bytea NOT NULL,
    account_id bytea NOT NULL,
    device_id bytea NOT NULL,
    domain_id bytea NOT NULL,
    pool_id bytea NOT NULL,
    session_id bytea NOT NULL,
    status text NOT NULL,
    plan_name text NOT NULL,
    title text NOT NULL,
    return_url text NOT NULL,
    required_email text,
    factor_names text NOT NULL,
    first_seen_asn bigint,
    first_seen_at_s bigint,
    first_seen_at_ns integer,
    first_seen_city text,
    first_seen_country_code text,
    first_seen_ja4_fingerprint text,
    first_seen_lat double precision,
    first_seen_long double precision,
    first_seen_region_code text,
    first_seen_remote_ip text,
    first_seen_timezone text,
    first_seen_user_agent text,
    last_seen_asn bigint,
    last_seen_at_s bigint,
    last_seen_at_ns integer,
    last_seen_city text,
    last_seen_country_code text,
    last_seen_ja4_fingerprint text,
    last_seen_lat double precision,
    last_seen_long double precision,
    last_seen_region_code text,
    last_seen_remote_ip text,
    last_seen_timezone text,
    last_seen_user_agent text,
    PRIMARY KEY (id_partition, id)
){{partition by}};
{{partitions}}
CREATE INDEX {{table name}}_domain_id ON {{table}} (domain_id);
