import { captureValues } from './capture.ts';
import type { Recorder } from './recorder.ts';
import type { FollowUpDraw, Schedule, ScheduledRequest } from './schedule.ts';

/**
 * The pacer's note on a request that starts follow-ups, carried by the dispatcher until it ends.
 * endUs: its follow-ups must be due before it (the window's end, or the warm-up's).
 */
export interface ParentTag {
  stream: number;
  schedule: Schedule;
  request: ScheduledRequest;
  recorder: Recorder | null;
  endUs: number;
}

/** A follow-up waiting for its intended time: its parent's tag, what was drawn for it, what it captured. */
export interface PendingFollowUp {
  dueUs: number;
  /** Ties on dueUs go in the order they were queued. */
  order: number;
  tag: ParentTag;
  draw: FollowUpDraw;
  captured: ReadonlyArray<string | undefined> | undefined;
}

const before = (a: PendingFollowUp, b: PendingFollowUp): boolean => a.dueUs < b.dueUs || (a.dueUs === b.dueUs && a.order < b.order);

/** Follow-ups by intended time: a binary heap (answers arrive out of order, delays differ). */
export class FollowUpQueue {
  readonly #heap: PendingFollowUp[] = [];
  #order = 0;

  peek(): PendingFollowUp | undefined {
    return this.#heap[0];
  }

  push(dueUs: number, tag: ParentTag, draw: FollowUpDraw, captured: PendingFollowUp['captured']): void {
    const h = this.#heap;
    const item: PendingFollowUp = { dueUs, order: this.#order++, tag, draw, captured };
    let i = h.push(item) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!before(item, h[up]!)) break;
      h[i] = h[up]!;
      i = up;
    }
    h[i] = item;
  }

  pop(): PendingFollowUp | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[child]!, last)) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = last;
    return top;
  }
}

/**
 * A request with follow-ups ended: each follow-up is queued for (end + its delay), or counted as
 * skipped in the parent's recorder (none in warm-up) when the parent did not end OK, its answer
 * lacked a value the follow-up uses, or it would be due at or after endUs. Nothing vanishes.
 */
export function settleParent(tag: ParentTag, ok: boolean, endUs: number, body: string | undefined, queue: FollowUpQueue): void {
  const r = tag.request;
  const captured = ok && r.capture !== undefined ? captureValues(body, r.capture, r.captured, tag.schedule.captureSlots) : r.captured;
  // A tag is made only for a request with follow-ups.
  for (const draw of r.followUps!) {
    if (!ok) tag.recorder?.skipped(draw.opIndex, 'parentFailed');
    else if (draw.needs.some((slot) => captured?.[slot] === undefined)) tag.recorder?.skipped(draw.opIndex, 'captureMissing');
    else if (endUs + draw.delayUs >= tag.endUs) tag.recorder?.skipped(draw.opIndex, 'afterWindow');
    else queue.push(endUs + draw.delayUs, tag, draw, captured);
  }
}
