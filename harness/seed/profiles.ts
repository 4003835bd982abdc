/** Dataset profiles: how many rows a seed makes. Larger profiles arrive with the seeding issue. */
export interface Profile {
  name: string;
  users: number;
  photos: number;
  description: string;
}

export const profiles: Readonly<Record<string, Profile>> = {
  tiny: { name: 'tiny', users: 1_000, photos: 10_000, description: 'tests: seeds in about a second' },
  starter: { name: 'starter', users: 10_000, photos: 100_000, description: 'the default bench: 10k users, 100k photos' },
};

export const profileNames = Object.keys(profiles);
