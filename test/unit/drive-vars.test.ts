import { describe, expect, it } from 'vitest';
import { createKeySampler } from '../../harness/drive/keys.ts';
import { createRng } from '../../harness/drive/rng.ts';
import { validateScenario } from '../../harness/drive/run.ts';
import { createSchedule, scheduleDigest } from '../../harness/drive/schedule.ts';
import type { Populations } from '../../harness/drive/types.ts';
import { varsProblems } from '../../scenarios/vars.ts';
import type { OperationSpec, SingleStreamScenario } from '../../scenarios/types.ts';

const populations: Populations = { photos: Array.from({ length: 1000 }, (_, i) => String(5000 + i)), users: Array.from({ length: 100 }, (_, i) => String(100 + i)) };
const token = (u: string) => `t-${u}`;

function scenarioOf(operations: OperationSpec[], vars?: Record<string, string>): SingleStreamScenario {
  return {
    name: 'storm',
    description: 'likes on one photo',
    operations,
    executor: { kind: 'constant-arrival-rate', rate: 1000, durationSec: 1, warmupSec: 0, connections: 1, maxInFlight: 100, timeoutMs: 1000 },
    thresholds: [],
    ...(vars ? { vars } : {}),
  };
}

const likeStorm: OperationSpec = {
  name: 'like',
  weight: 1,
  method: 'PUT',
  path: '/photos/{key}/likes/{actor}',
  key: { kind: 'fixed', value: '{stormPhoto}' },
  actor: { kind: 'uniform', population: 'users' },
};

describe('fixed keys', () => {
  it('always gives the same key and draws nothing from the rng', () => {
    const rng = createRng(1);
    const fixed = createKeySampler({ kind: 'fixed', value: '7019' }, populations, rng);
    expect([fixed(), fixed(), fixed()]).toEqual(['7019', '7019', '7019']);
    expect(rng.nextUint32()).toBe(createRng(1).nextUint32());
  });

  it('fills a run-time var, and refuses one not given or an empty value', () => {
    expect(createKeySampler({ kind: 'fixed', value: '{stormPhoto}' }, populations, createRng(1), { stormPhoto: '5077' })()).toBe('5077');
    expect(() => createKeySampler({ kind: 'fixed', value: '{stormPhoto}' }, populations, createRng(1), { other: '1' })).toThrow(
      'fixed key "{stormPhoto}" names {stormPhoto}, which only a run-time var can fill (vars given: {other})',
    );
    expect(() => createKeySampler({ kind: 'fixed', value: '{p}' }, populations, createRng(1), { p: '' })).toThrow(/is empty/);
  });

  it('keeps the rest of the stream as a drawn key would leave it: the actor draws are the same', () => {
    const storm = createSchedule(scenarioOf([likeStorm]), 3, populations, '', { sessionToken: token, vars: { stormPhoto: '5077' } });
    const rng = createRng(3, '');
    const actor = createKeySampler({ kind: 'uniform', population: 'users' }, populations, rng);
    for (let i = 0; i < 200; i++) {
      const r = storm.next();
      expect(r.path).toBe(`/photos/5077/likes/${actor()}`);
      expect(r.key).toBe('5077');
    }
  });
});

describe('run-time vars in templates', () => {
  const op: OperationSpec = {
    name: 'comment',
    weight: 1,
    method: 'POST',
    path: '/photos/{target}/comments',
    actor: { kind: 'uniform', population: 'users' },
    body: { text: 'on {target} by {actor} #{seq}', tag: '{campaign}' },
  };

  it('substitutes vars once, URL-encoded in the path and as they are in the body', () => {
    const vars = { target: 'a b/c', campaign: 'spring "sale"' };
    const r = createSchedule(scenarioOf([op], { target: 'photo', campaign: 'tag' }), 1, populations, '', { sessionToken: token, vars }).next();
    expect(r.path).toBe('/photos/a%20b%2Fc/comments');
    expect(JSON.parse(r.body!)).toEqual({ text: `on a b/c by ${r.actor} #0`, tag: 'spring "sale"' });
  });

  it('makes the digest depend on the values given (the stream is a function of seed, populations and vars)', () => {
    const d = (target: string) => scheduleDigest(createSchedule(scenarioOf([op]), 1, populations, '', { sessionToken: token, vars: { target, campaign: 'x' } }), 100);
    expect(d('1')).toBe(d('1'));
    expect(d('2')).not.toBe(d('1'));
  });

  it('refuses a template naming a var that was not given', () => {
    expect(() => createSchedule(scenarioOf([op]), 1, populations, '', { sessionToken: token, vars: { target: '1' } })).toThrow(
      'operation "comment" body field "tag" has an unknown placeholder "{campaign}" (known: {key}, {actor}, {seq}; vars {target})',
    );
  });

  it('checks the values against the scenario\'s declared vars before a drive starts', () => {
    const sc = scenarioOf([likeStorm], { stormPhoto: 'the photo the set-up step made popular' });
    expect(varsProblems(sc, { stormPhoto: '5077' })).toEqual([]);
    expect(varsProblems(sc, {})).toEqual(['vars.stormPhoto: scenario "storm" needs a value for {stormPhoto} (the photo the set-up step made popular), and none was given']);
    expect(varsProblems(sc, { stormPhoto: '', stromPhoto: '1' })).toEqual([
      'vars.stormPhoto: must be a non-empty string, got ""',
      'vars.stromPhoto: scenario "storm" declares no var "stromPhoto" (declared: stormPhoto)',
    ]);
    expect(() => validateScenario(sc, 1, undefined)).toThrow(/needs a value for \{stormPhoto\}/);
    expect(() => validateScenario(sc, 1, { stormPhoto: '5077' })).not.toThrow();
  });
});
