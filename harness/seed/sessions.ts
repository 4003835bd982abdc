import { createHmac } from 'node:crypto';

/**
 * Seeded users' session tokens, derived from the dataset seed so that the load generator can
 * compute any user's token without a list: same seed and user, same token.
 */
export function sessionToken(seed: number, userId: string): string {
  return createHmac('sha256', `tierbench-session-${seed}`).update(userId).digest('base64url');
}

/** The password every seeded user has (the dataset is synthetic; sign-up sets real ones). */
export const SEEDED_PASSWORD = 'tierbench';
