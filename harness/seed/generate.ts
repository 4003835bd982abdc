import { Faker, base, en } from '@faker-js/faker';
import { createHash } from 'node:crypto';
import { ShardIdClock } from '../../app/schema/ids.ts';
import type { Profile } from './profiles.ts';

/**
 * Deterministic synthetic rows: the same profile, seed and shard count give the same rows, byte for
 * byte (all randomness comes from one seeded faker; timestamps come from a fixed timeline).
 */

/** Users sign up between Instagram's launch and the end of September 2011; photos follow. */
const USERS_FROM = Date.UTC(2011, 7, 25);
const USERS_TO = Date.UTC(2011, 9, 1);
const PHOTOS_TO = Date.UTC(2011, 11, 31);

export interface UserRow {
  id: bigint;
  shard: number;
  username: string;
  fullName: string;
  bio: string;
  createdAt: number;
  photoCount: number;
}

export interface PhotoRow {
  id: bigint;
  shard: number;
  ownerId: bigint;
  objectKey: string;
  caption: string;
  createdAt: number;
}

export interface GeneratedDataset {
  users: UserRow[];
  photos: PhotoRow[];
  /** Last id tick per shard, so live inserts continue after the seeded ids. */
  ticks: ReadonlyMap<number, bigint>;
  /** sha256 over every generated row, to compare runs. */
  digest: string;
}

export function generateDataset(profile: Profile, seed: number, logicalShards: number): GeneratedDataset {
  const f = new Faker({ locale: [en, base] });
  f.seed(seed);
  const clock = new ShardIdClock();
  const hash = createHash('sha256');

  const users: UserRow[] = [];
  const userStep = (USERS_TO - USERS_FROM) / profile.users;
  for (let i = 0; i < profile.users; i++) {
    const shard = f.number.int({ min: 0, max: logicalShards - 1 });
    const createdAt = Math.floor(USERS_FROM + i * userStep);
    const first = f.person.firstName();
    const last = f.person.lastName();
    const user: UserRow = {
      id: clock.next(shard, BigInt(createdAt)),
      shard,
      username: `${first}.${last}.${i}`.toLowerCase().replace(/[^a-z0-9._]/g, ''),
      fullName: `${first} ${last}`,
      bio: f.person.bio(),
      createdAt,
      photoCount: 0,
    };
    users.push(user);
    hash.update(`u\t${user.id}\t${user.username}\t${user.fullName}\t${user.bio}\t${createdAt}\n`);
  }

  // A skewed number of photos per user: owner rank drawn with a power law (u^3), over a shuffled
  // order so prolific users are not the earliest ones.
  const order = f.helpers.shuffle(users.map((_, i) => i));
  const photos: PhotoRow[] = [];
  const photoStep = (PHOTOS_TO - USERS_TO) / profile.photos;
  for (let j = 0; j < profile.photos; j++) {
    const owner = users[order[Math.floor(profile.users * f.number.float({ min: 0, max: 1 }) ** 3)] ?? 0]!;
    owner.photoCount++;
    const createdAt = Math.floor(USERS_TO + j * photoStep);
    const id = clock.next(owner.shard, BigInt(createdAt));
    const photo: PhotoRow = {
      id,
      shard: owner.shard,
      ownerId: owner.id,
      objectKey: `photos/${owner.id}/${id}.jpg`,
      caption: f.lorem.sentence({ min: 2, max: 12 }),
      createdAt,
    };
    photos.push(photo);
    hash.update(`p\t${id}\t${owner.id}\t${photo.caption}\t${createdAt}\n`);
  }
  return { users, photos, ticks: new Map(clock.ticks()), digest: hash.digest('hex') };
}
