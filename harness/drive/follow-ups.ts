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

/** A follow-up waiting for its intended time. */
export interface PendingFollowUp extends Omit<ParentTag, 'request'> {
  dueUs: number;
  /** Ties on dueUs go in the order they were queued. */
  order: number;
  draw: FollowUpDraw;
  parent: ScheduledRequest;
  captured: ReadonlyArray<string | undefined> | undefined;
}

const before = (a: PendingFollowUp, b: PendingFollowUp): boolean => a.dueUs < b.dueUs || (a.dueUs === b.dueUs && a.order < b.order);

/** Follow-ups by intended time: a binary heap (answers arrive out of order, delays differ). */
export class FollowUpQueue {
  readonly #heap: PendingFollowUp[] = [];
  #order = 0;

  get size(): number {
    return this.#heap.length;
  }

  peek(): PendingFollowUp | undefined {
    return this.#heap[0];
  }

  push(p: Omit<PendingFollowUp, 'order'>): void {
    const h = this.#heap;
    const item = { ...p, order: this.#order++ };
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
  if (r.followUps === undefined) return;
  const captured = ok && r.capture !== undefined ? captureValues(body, r.capture, r.captured, tag.schedule.captureSlots) : r.captured;
  for (const draw of r.followUps) {
    if (!ok) tag.recorder?.skipped(draw.opIndex, 'parentFailed');
    else if (draw.needs.some((slot) => captured?.[slot] === undefined)) tag.recorder?.skipped(draw.opIndex, 'captureMissing');
    else if (endUs + draw.delayUs >= tag.endUs) tag.recorder?.skipped(draw.opIndex, 'afterWindow');
    else queue.push({ dueUs: endUs + draw.delayUs, stream: tag.stream, schedule: tag.schedule, recorder: tag.recorder, endUs: tag.endUs, draw, parent: r, captured });
  }
}
