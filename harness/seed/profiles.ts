/** Dataset profiles: how big a population a seed makes and how it is shaped. */
export interface Profile {
  name: string;
  users: number;
  photos: number;
  /** Mean number of accounts a user follows (the follow count per user is geometric around it). */
  followingMean: number;
  /** Likes drawn (duplicates of a (photo, user) pair are dropped, so a few less are stored). */
  likes: number;
  comments: number;
  description: string;
}

export const profiles: Readonly<Record<string, Profile>> = {
  tiny: { name: 'tiny', users: 1_000, photos: 10_000, followingMean: 20, likes: 20_000, comments: 2_000, description: 'tests: seeds in a second or two' },
  starter: {
    name: 'starter',
    users: 10_000,
    photos: 100_000,
    followingMean: 25,
    likes: 200_000,
    comments: 20_000,
    description: 'the perf scripts: 10k users, 100k photos',
  },
  small: {
    name: 'small',
    users: 100_000,
    photos: 1_000_000,
    followingMean: 30,
    likes: 2_000_000,
    comments: 200_000,
    description: 'the default bench: 100k users, 1M photos, 3M follows, 2M likes',
  },
  '1m': {
    name: '1m',
    users: 1_000_000,
    photos: 10_000_000,
    followingMean: 30,
    likes: 20_000_000,
    comments: 2_000_000,
    description: '1M users, 10M photos, 30M follows, 20M likes',
  },
  'instagram-2011': {
    name: 'instagram-2011',
    users: 14_000_000,
    photos: 150_000_000,
    followingMean: 30,
    likes: 300_000_000,
    comments: 30_000_000,
    description: 'the stretch: 14M users, 150M photos (Instagram in late 2011)',
  },
};

export const profileNames = Object.keys(profiles);
