/** The logical shard a username's lookup row lives on: FNV-1a of the lower-cased name. */
export function usernameShard(username: string, logicalShards: number): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(username.toLowerCase(), 'utf8')) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % logicalShards;
}
