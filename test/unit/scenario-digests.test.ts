import { describe, expect, it } from 'vitest';
import { createSchedule, scheduleDigest } from '../../harness/drive/schedule.ts';
import type { Populations } from '../../harness/drive/types.ts';
import { scenarios } from '../../scenarios/index.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { loadScenarioFile } from '../../scenarios/validate.ts';

/**
 * Pinned request streams: a change to the rng, a sampler, the arrival times or the templates shows
 * here and must be deliberate (say so in the commit and update the digest). Synthetic populations
 * in id order, as the manifest gives them.
 */
const populations: Populations = {
  photos: Array.from({ length: 100_000 }, (_, i) => String(7_000_000_000_000_000_000n + BigInt(i) * 8_388_608n)),
  users: Array.from({ length: 10_000 }, (_, i) => String(6_900_000_000_000_000_000n + BigInt(i) * 8_388_608n)),
};
const sessionToken = (userId: string): string => `token-${userId}`;

const digest = (s: Scenario, phase: '' | 'warmup', stream?: string, vars?: Record<string, string>): string =>
  scheduleDigest(createSchedule(s, 42, populations, phase, { sessionToken, ...(stream === undefined ? {} : { stream }), ...(vars ? { vars } : {}) }), 2000);

describe('pinned streams of the registered scenarios', () => {
  it('photo-reads', () => {
    const s = scenarios['photo-reads']!;
    expect([digest(s, ''), digest(s, 'warmup')]).toEqual(PHOTO_READS);
  });
});

describe('pinned streams of the language\'s features (a multi-stream scenario with a ramp, follow-ups, vars and every key kind)', () => {
  it('upload-storm (test/fixtures/scenarios/upload-storm.ts)', async () => {
    const out = await loadScenarioFile(new URL('../fixtures/scenarios/upload-storm.ts', import.meta.url).pathname);
    const s = (out as { scenario: Scenario }).scenario;
    const vars = { stormPhoto: populations.photos[777]! };
    expect([digest(s, '', 'background', vars), digest(s, 'warmup', 'background', vars), digest(s, '', 'storm', vars)]).toEqual(UPLOAD_STORM);
  });
});

const PHOTO_READS = ['c9ee812fa8e0f3da4ff8c44473d39cf37db00a92934d84b6c85d60958308b44a', '49448659e622e3a7693e591bcc6036e4fc549be1e5befac5d4dc714570be6eae'];
const UPLOAD_STORM = [
  'f1bd6680665a823f6e5bea2d48ad5cb4941dc789d685b5536907514809a7c76b',
  'bdf82c7e54a63f1b48d6f9a88081a62ada73787981001a2c609bab9147c41128',
  '8650245678ab7069af9d40c58526832b6fa6603642a5ab3ce38edec8d96d245f',
];
