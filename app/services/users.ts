import { randomInt } from 'node:crypto';
import { pgErrorCode, pgQuery } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { keys } from '../keys.ts';
import { shardOf, shardSchema } from '../schema/ids.ts';
import { usernameShard } from '../schema/usernames.ts';
import { fill, lookup, poolFor } from './cache.ts';
import { readCounters } from './counters.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { createSession } from './sessions.ts';

export interface UserProfile {
  id: string;
  username: string;
  fullName: string;
  bio: string;
  createdAt: string;
  followerCount: number;
  followingCount: number;
  photoCount: number;
}

interface UserRow {
  id: string;
  username: string;
  full_name: string;
  bio: string;
  created_at: Date;
  follower_count: number;
  following_count: number;
  photo_count: number;
}

const USER_COLUMNS = 'id, username, full_name, bio, created_at, follower_count, following_count, photo_count';

function toProfile(r: UserRow): UserProfile {
  return {
    id: r.id,
    username: r.username,
    fullName: r.full_name,
    bio: r.bio,
    createdAt: r.created_at.toISOString(),
    followerCount: r.follower_count,
    followingCount: r.following_count,
    photoCount: r.photo_count,
  };
}

export function checkShard(ctx: AppContext, id: bigint): number {
  const shard = shardOf(id);
  if (shard >= ctx.config.logicalShards) throw new AppError('UNKNOWN_SHARD');
  return shard;
}

export async function userExists(ctx: AppContext, id: bigint, fromPrimary = false): Promise<boolean> {
  const shard = checkShard(ctx, id);
  const pool = fromPrimary ? ctx.router.writePool(shard) : ctx.router.readPool(shard);
  const rows = await pgQuery(pool, `SELECT 1 FROM ${shardSchema(shard)}.users WHERE id = $1`, [id.toString()]);
  return rows.length > 0;
}

/** Sign-up: claim the name on its shard, then write the user on a shard picked at random. */
export async function signUp(
  ctx: AppContext,
  input: { username: string; password: string; fullName: string; bio: string },
): Promise<{ user: UserProfile; token: string }> {
  const L = ctx.config.logicalShards;
  const userShard = randomInt(L);
  const nameShard = usernameShard(input.username, L);
  const passwordHash = await hashPassword(input.password);
  const [idRow] = await pgQuery<{ id: string }>(ctx.router.writePool(userShard), `SELECT ${shardSchema(userShard)}.next_id()::text AS id`);
  const id = BigInt(idRow!.id);
  const claimed = await pgQuery(
    ctx.router.writePool(nameShard),
    `INSERT INTO ${shardSchema(nameShard)}.usernames (username, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
    [input.username.toLowerCase(), id.toString()],
  );
  if (claimed.length === 0) throw new AppError('USERNAME_TAKEN');
  try {
    const [row] = await pgQuery<UserRow>(
      ctx.router.writePool(userShard),
      `INSERT INTO ${shardSchema(userShard)}.users (id, username, full_name, bio, password_hash)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${USER_COLUMNS}`,
      [id.toString(), input.username.toLowerCase(), input.fullName, input.bio, passwordHash],
    );
    const token = await createSession(ctx, id);
    return { user: toProfile(row!), token };
  } catch (err) {
    // Give the name back: the user row never made it.
    await pgQuery(ctx.router.writePool(nameShard), `DELETE FROM ${shardSchema(nameShard)}.usernames WHERE username = $1 AND user_id = $2`, [
      input.username.toLowerCase(),
      id.toString(),
    ]).catch(() => {});
    if (pgErrorCode(err) === '23505') throw new AppError('USERNAME_TAKEN');
    throw err;
  }
}

/** Log-in reads from primaries: a user who just signed up must be able to log in at once. */
export async function logIn(ctx: AppContext, username: string, password: string): Promise<{ userId: string; token: string }> {
  const name = username.toLowerCase();
  const nameShard = usernameShard(name, ctx.config.logicalShards);
  const [claim] = await pgQuery<{ user_id: string }>(
    ctx.router.writePool(nameShard),
    `SELECT user_id FROM ${shardSchema(nameShard)}.usernames WHERE username = $1`,
    [name],
  );
  if (!claim) throw new AppError('BAD_CREDENTIALS');
  const id = BigInt(claim.user_id);
  const shard = checkShard(ctx, id);
  const [row] = await pgQuery<{ password_hash: string }>(ctx.router.writePool(shard), `SELECT password_hash FROM ${shardSchema(shard)}.users WHERE id = $1`, [
    claim.user_id,
  ]);
  if (!row || !(await verifyPassword(password, row.password_hash))) throw new AppError('BAD_CREDENTIALS');
  return { userId: claim.user_id, token: await createSession(ctx, id) };
}

/** A profile: the row through Memcached (cache-aside, services/cache.ts), follower counts from Redis counters. */
export async function getProfile(ctx: AppContext, id: bigint): Promise<UserProfile> {
  const shard = checkShard(ctx, id);
  const key = keys.user(id);
  const found = await lookup(ctx, key);
  let profile: UserProfile;
  if (found.state === 'hit') profile = JSON.parse(found.value.toString('utf8')) as UserProfile;
  else {
    const [row] = await pgQuery<UserRow>(poolFor(ctx, shard, found), `SELECT ${USER_COLUMNS} FROM ${shardSchema(shard)}.users WHERE id = $1`, [id.toString()]);
    if (!row) throw new AppError('USER_NOT_FOUND');
    profile = toProfile(row);
    void fill(ctx, key, found, JSON.stringify(profile));
  }
  const [followers, following] = await readCounters(ctx, [keys.followerCount(id), keys.followingCount(id)]);
  return { ...profile, followerCount: followers ?? profile.followerCount, followingCount: following ?? profile.followingCount };
}
