import { Faker, base, en } from '@faker-js/faker';

/**
 * Faker-made text, drawn once per seed into pools that rows pick from by index: faker per row
 * would cost more than everything else the seeder does.
 */
export interface TextPools {
  firstNames: string[];
  lastNames: string[];
  /** Lower-case, [a-z0-9] only: the parts of a username. */
  firstSlugs: string[];
  lastSlugs: string[];
  bios: string[];
  captions: string[];
  comments: string[];
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

export function makeTextPools(seed: number): TextPools {
  const f = new Faker({ locale: [en, base] });
  f.seed(seed);
  const draw = (n: number, make: () => string): string[] => Array.from({ length: n }, make);
  const firstNames = draw(1024, () => f.person.firstName());
  const lastNames = draw(1024, () => f.person.lastName());
  return {
    firstNames,
    lastNames,
    firstSlugs: firstNames.map((n) => slug(n) || 'user'),
    lastSlugs: lastNames.map((n) => slug(n) || 'user'),
    bios: draw(2048, () => f.person.bio()),
    captions: draw(4096, () => f.lorem.sentence({ min: 2, max: 12 })),
    comments: draw(2048, () => f.lorem.sentence({ min: 1, max: 8 })),
  };
}
