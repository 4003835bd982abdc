import { tierNames } from '../app/tiers/index.ts';
import { ACTION_KEYS, ACTION_KINDS, FAULT_NODE } from './actions.ts';
import { at, array, integer, number, object, oneOf, pattern, Problems, string } from './check.ts';

/** The tiers a scenario may name: the app's tier registry. */
const TIERS = tierNames;

/** tiers, setup, actions and app of a scenario (the parts the harness, not the generator, acts on). */
export function checkExtras(p: Problems, root: Record<string, unknown>, vars: ReadonlySet<string>): void {
  array(p, root.tiers, 'tiers', `tier names (${TIERS.join(', ')})`)?.forEach((t, i) => oneOf(p, t, at('tiers', i), TIERS));
  const given = new Set<string>();
  array(p, root.setup, 'setup', 'steps giving vars their values')?.forEach((step, i) => {
    const path = at('setup', i);
    const s = object(p, step, path, 'a set-up step', ['var'], ['pick', 'rank', 'request']);
    if (!s) return;
    const name = string(p, s.var, at(path, 'var'), 'the name of a declared var');
    if (name !== undefined && !vars.has(name)) p.add(at(path, 'var'), `"${name}" is not declared in vars`);
    if (name !== undefined) given.add(name);
    if ((s.pick === undefined) === (s.request === undefined)) return p.add(path, 'give either pick (a user to choose) or request (a request whose answer gives the value)');
    if (s.pick !== undefined) {
      oneOf(p, s.pick, at(path, 'pick'), ['most-followed-user'] as const);
      integer(p, s.rank, at(path, 'rank'), 0, 1000);
      return;
    }
    const r = object(p, s.request, at(path, 'request'), 'a request', ['as', 'method', 'path', 'capture'], ['body']);
    if (!r) return;
    string(p, r.as, at(path, 'request.as'), 'the acting user: a var like "{celebrity}"');
    oneOf(p, r.method, at(path, 'request.method'), ['POST', 'PUT'] as const);
    string(p, r.path, at(path, 'request.path'), 'a path, e.g. "/users/{celebrity}/photos"');
    string(p, r.capture, at(path, 'request.capture'), 'a dot path into the answer, e.g. "photo.id"');
    if (r.body !== undefined) object(p, r.body, at(path, 'request.body'), 'a JSON body of strings', [], Object.keys(r.body as object));
  });
  for (const name of vars) if (root.setup !== undefined && !given.has(name)) p.add(at('vars', name), 'no set-up step gives it a value');
  array(p, root.actions, 'actions', 'timed actions like { "atSec": 15, "do": "flush-memcached" } or { "atSec": 10, "do": "stop-node", "node": "memcached", "forSec": 10 }')?.forEach((a, i) => {
    const path = at('actions', i);
    const act = object(p, a, path, 'an action', ['atSec', 'do'], ['node', 'forSec']);
    if (!act) return;
    number(p, act.atSec, at(path, 'atSec'), (n) => n >= 0, 'seconds into the window, >= 0');
    const kind = oneOf(p, act.do, at(path, 'do'), ACTION_KINDS);
    if (kind === undefined) return;
    const takes = ACTION_KEYS[kind];
    for (const key of ['node', 'forSec'] as const) {
      if (act[key] !== undefined && !takes.includes(key)) p.add(at(path, key), `${kind} takes no ${key}`);
      else if (act[key] === undefined && takes.includes(key)) p.add(at(path, key), `is required for ${kind}`);
    }
    if (takes.includes('node')) pattern(p, act.node, at(path, 'node'), FAULT_NODE, 'a node of the stack: memcached, redis, pg-primary, pg-replica-N (N from 1) or pg-shard-N (N from 0)');
    if (kind === 'pause-replication') number(p, act.forSec, at(path, 'forSec'), (n) => n > 0, 'seconds the replicas stay paused, > 0');
    else if (takes.includes('forSec')) number(p, act.forSec, at(path, 'forSec'), (n) => n >= 0, `seconds until ${kind === 'kill-worker' ? 'a replacement worker starts' : 'the node is started again'}, >= 0 (0: at once)`);
  });
  const app = root.app === undefined ? undefined : object(p, root.app, 'app', 'app settings', [], ['readYourWrites']);
  if (app) oneOf(p, app.readYourWrites, 'app.readYourWrites', ['writer-pinned', 'none'] as const);
}
