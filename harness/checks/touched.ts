import { WRITE_BITS } from '../drive/write-log.ts';

/** What a trial wrote to, read from its write log (paths of the app's API, see README "The app"). */
export interface Touched {
  /** Photos liked or unliked. */
  likedPhotos: Set<string>;
  /** (photo, user) pairs and what happened to them: "like", "unlike", or "unknown" (both tried, or a failure). */
  likePairs: Map<string, { photo: string; user: string; expect: 'row' | 'no row' | 'unknown' }>;
  /** Follow pairs tried, follower first. */
  followPairs: Array<{ follower: string; followee: string }>;
  /** Users at either end of a follow or unfollow. */
  followUsers: Set<string>;
  /** Users who uploaded. */
  uploaders: Set<string>;
  /** Photos commented on. */
  commentedPhotos: Set<string>;
}

const LIKE = /^\/photos\/(\d+)\/likes\/(\d+)$/;
const FOLLOW = /^\/users\/(\d+)\/following\/(\d+)$/;
const UPLOAD = /^\/users\/(\d+)\/photos$/;
const COMMENT = /^\/photos\/(\d+)\/comments$/;

/** What must hold after a pair's likes and unlikes, from which of them answered OK. */
function likeExpectation(bits: number): 'row' | 'no row' | 'unknown' {
  const put = WRITE_BITS.PUT;
  const del = WRITE_BITS.DELETE;
  const tried = (b: { ok: number; failed: number }) => (bits & (b.ok | b.failed)) !== 0;
  if (tried(put) && tried(del)) return 'unknown';
  if (bits === put.ok) return 'row';
  if (bits === del.ok) return 'no row';
  return 'unknown';
}

export function touchedBy(writes: ReadonlyArray<[string, number]>): Touched {
  const t: Touched = { likedPhotos: new Set(), likePairs: new Map(), followPairs: [], followUsers: new Set(), uploaders: new Set(), commentedPhotos: new Set() };
  for (const [rawPath, bits] of writes) {
    const path = rawPath.split('?')[0]!;
    let m: RegExpExecArray | null;
    if ((m = LIKE.exec(path))) {
      t.likedPhotos.add(m[1]!);
      t.likePairs.set(path, { photo: m[1]!, user: m[2]!, expect: likeExpectation(bits) });
    } else if ((m = FOLLOW.exec(path))) {
      t.followPairs.push({ follower: m[1]!, followee: m[2]! });
      t.followUsers.add(m[1]!).add(m[2]!);
    } else if ((m = UPLOAD.exec(path))) {
      if (bits & (WRITE_BITS.POST.ok | WRITE_BITS.POST.failed)) t.uploaders.add(m[1]!);
    } else if ((m = COMMENT.exec(path))) {
      t.commentedPhotos.add(m[1]!);
    }
  }
  return t;
}
