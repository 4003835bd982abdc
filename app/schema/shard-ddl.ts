import { EPOCH_MS, shardSchema } from './ids.ts';

/**
 * The id function of one logical shard.
 *
 * Instagram's published version reads nextval() and clock_timestamp() separately, so a backend
 * preempted between the two can collide with a later one. Here both are read under a per-shard
 * advisory lock, and the (ms << 10 | seq) tick kept in a sequence only moves forward: never a
 * duplicate, also with a clock that steps back. The sequence is jumped to the clock (setval, a WAL
 * record each) only when it is behind; otherwise nextval (WAL-logged once per 32 calls) hands out
 * the next tick, borrowing from the next millisecond when 1024 ids were made in one.
 *
 * The lock is transaction-level, so it cannot outlive an error: a call cancelled while holding it
 * (statement_timeout, pg_cancel_backend) aborts its transaction and the lock goes with it. A
 * session-level lock stayed held by the pooled connection and stopped the shard's id making. To
 * hold it only for the call, not until the caller's transaction ends, it is taken in a block that
 * ends by raising: the block is a subtransaction, whose rollback releases the lock, while the
 * sequence's new value stays (sequences are not transactional) and so do the function's variables.
 */
function idFunctionSql(schema: string, shard: number): string {
  return `
CREATE SEQUENCE ${schema}.id_tick MINVALUE 0 START 0;
CREATE FUNCTION ${schema}.next_id() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  wanted bigint;
  tick bigint;
BEGIN
  BEGIN
    PERFORM pg_advisory_xact_lock(${LOCK_CLASS}, ${shard});
    wanted := ((floor(extract(epoch FROM clock_timestamp()) * 1000))::bigint - ${EPOCH_MS}) << 10;
    tick := nextval('${schema}.id_tick');
    IF tick < wanted THEN
      tick := setval('${schema}.id_tick', wanted);
    END IF;
    RAISE SQLSTATE '${RELEASE_STATE}';
  EXCEPTION WHEN SQLSTATE '${RELEASE_STATE}' THEN NULL;
  END;
  RETURN ((tick >> 10) << 23) | (${shard}::bigint << 10) | (tick & 1023);
END $$;`;
}

/** The SQLSTATE next_id() raises to roll its lock-holding block back (caught inside it). */
const RELEASE_STATE = 'TBID0';

/** Advisory-lock class id reserved for next_id() (the other int4 is the shard). */
const LOCK_CLASS = 7101;

/**
 * Tables of one logical shard. A user's rows live on the user's shard, a photo's on its owner's,
 * likes and comments on the photo's; follows are stored twice (following on the follower's shard,
 * followers on the followee's) so both directions are one-shard reads. usernames maps a name to
 * its user and lives on the shard the name hashes to, so sign-up and log-in find it on any tier.
 * outbox holds what writes still have to do in Redis and Memcached (empty once they did it).
 * Keys and indexes come separately (shardKeysSql), after a bulk load.
 */
export function shardTablesSql(shard: number): string {
  const s = shardSchema(shard);
  return `
CREATE SCHEMA ${s};
${idFunctionSql(s, shard)}
CREATE TABLE ${s}.users (
  id bigint NOT NULL DEFAULT ${s}.next_id(),
  username text NOT NULL,
  full_name text NOT NULL,
  bio text NOT NULL DEFAULT '',
  password_hash text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  follower_count integer NOT NULL DEFAULT 0,
  following_count integer NOT NULL DEFAULT 0,
  photo_count integer NOT NULL DEFAULT 0
);
CREATE TABLE ${s}.usernames (
  username text NOT NULL,
  user_id bigint NOT NULL
);
CREATE TABLE ${s}.photos (
  id bigint NOT NULL DEFAULT ${s}.next_id(),
  owner_id bigint NOT NULL,
  object_key text NOT NULL,
  caption text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  like_count integer NOT NULL DEFAULT 0,
  comment_count integer NOT NULL DEFAULT 0,
  -- The newest comments, denormalized like the counts: a photo page is one primary-key read.
  latest_comments jsonb NOT NULL DEFAULT '[]'
);
CREATE TABLE ${s}.likes (
  photo_id bigint NOT NULL,
  user_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ${s}.comments (
  id bigint NOT NULL DEFAULT ${s}.next_id(),
  photo_id bigint NOT NULL,
  user_id bigint NOT NULL,
  text text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ${s}.following (
  follower_id bigint NOT NULL,
  followee_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ${s}.followers (
  followee_id bigint NOT NULL,
  follower_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Effects a write must also have outside PostgreSQL, written in its transaction (services/outbox.ts).
-- The id (from next_id(), so it tells the row's time) orders them and versions the counters they set.
CREATE TABLE ${s}.outbox (
  id bigint NOT NULL DEFAULT ${s}.next_id(),
  effects jsonb NOT NULL
);`;
}

/**
 * Primary keys and indexes of one logical shard, built after COPY: one sorted build per index is
 * far cheaper than maintaining them row by row. A schema made for live use runs it right away.
 */
export function shardKeysSql(shard: number): string {
  const s = shardSchema(shard);
  return `
ALTER TABLE ${s}.users ADD PRIMARY KEY (id);
ALTER TABLE ${s}.usernames ADD PRIMARY KEY (username);
ALTER TABLE ${s}.photos ADD PRIMARY KEY (id);
ALTER TABLE ${s}.likes ADD PRIMARY KEY (photo_id, user_id);
ALTER TABLE ${s}.comments ADD PRIMARY KEY (id);
ALTER TABLE ${s}.following ADD PRIMARY KEY (follower_id, followee_id);
ALTER TABLE ${s}.followers ADD PRIMARY KEY (followee_id, follower_id);
ALTER TABLE ${s}.outbox ADD PRIMARY KEY (id);
CREATE INDEX ON ${s}.photos (owner_id, id DESC);
CREATE INDEX ON ${s}.comments (photo_id, id DESC);`;
}

/** Moves the shard's id clock past the ids a bulk load wrote itself. */
export function setIdTickSql(shard: number, tick: bigint): string {
  return `SELECT setval('${shardSchema(shard)}.id_tick', ${tick});`;
}
