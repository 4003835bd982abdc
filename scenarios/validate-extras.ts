import { at, array, integer, number, object, oneOf, Problems, string } from './check.ts';

/** The tiers a scenario may name. */
const TIERS = ['cache', 'replicas', 'sharded'] as const;

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
  array(p, root.actions, 'actions', 'timed actions like { "atSec": 15, "do": "flush-memcached" }')?.forEach((a, i) => {
    const path = at('actions', i);
    const act = object(p, a, path, 'an action', ['atSec', 'do']);
    if (!act) return;
    number(p, act.atSec, at(path, 'atSec'), (n) => n >= 0, 'seconds into the window, >= 0');
    oneOf(p, act.do, at(path, 'do'), ['flush-memcached'] as const);
  });
  const app = root.app === undefined ? undefined : object(p, root.app, 'app', 'app settings', [], ['readYourWrites']);
  if (app) oneOf(p, app.readYourWrites, 'app.readYourWrites', ['writer-pinned', 'none'] as const);
}
