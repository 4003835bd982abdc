/**
 * The two app versions a gate compares, each built into a temporary work tree of its own:
 * - a git ref: `git worktree add --detach <tmp> <sha>` (removed and pruned afterwards);
 * - a directory (a working tree): copied as it is, uncommitted changes included, without
 *   node_modules, .git, reports and .tierbench.
 * Each tree gets a `node_modules` symlink to this checkout's: the versions' app code differs, their
 * dependencies are this checkout's (a version whose package-lock.json differs is run anyway, and
 * gate.json says so). Only the app differs: harness, generator and stack are this checkout's.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { StackError, UsageError } from '../../errors.ts';
import { removeIfKilled } from '../../stack/supervisor.ts';
import { THIS_ROOT } from '../app-process.ts';

export interface VersionInfo {
  /** A or B. */
  label: 'A' | 'B';
  role: 'baseline' | 'candidate';
  /** As given (or defaulted). */
  spec: string;
  /** How the spec was read. */
  kind: 'git-ref' | 'directory';
  /** Why this spec, when it was not given (the defaults). */
  defaulted?: string;
  /** The commit: the ref's, or the directory's HEAD (null outside a git checkout). */
  sha: string | null;
  /** Uncommitted changes in the directory (git status --porcelain non-empty); false for a ref; null outside git. */
  dirty: boolean | null;
  /** The temporary work tree the app ran from (removed at the end). */
  tree: string;
  /** Whether the version's package-lock.json equals this checkout's (its app runs on this checkout's node_modules). */
  sameLockfile: boolean | null;
}

export interface PreparedVersions {
  baseline: VersionInfo;
  candidate: VersionInfo;
  /** The folder holding both trees. */
  dir: string;
  /** Removes the trees (git worktree remove + prune for refs) and the folder; safe to call twice. */
  remove(): void;
}

const git = (args: string[], cwd = THIS_ROOT): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function tryGit(args: string[], cwd = THIS_ROOT): string | null {
  try {
    return git(args, cwd);
  } catch {
    return null;
  }
}

/** The main branch to take the merge-base with: origin's HEAD, then main, master, origin/main, origin/master. */
export function mainBranch(): string | null {
  const originHead = tryGit(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
  const candidates = [...(originHead ? [originHead] : []), 'main', 'master', 'origin/main', 'origin/master'];
  return candidates.find((ref) => tryGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]) !== null) ?? null;
}

/** The default baseline: the merge-base of HEAD with the main branch. */
export function defaultBaseline(): { spec: string; why: string } {
  if (tryGit(['rev-parse', '--git-dir']) === null) throw new UsageError('--baseline: this checkout is not a git repository, so there is no merge-base to default to; give --baseline <git ref | app dir>');
  const main = mainBranch();
  if (!main) throw new UsageError('--baseline: no main branch found (origin/HEAD, main, master, origin/main, origin/master) to take the merge-base with; give --baseline <git ref | app dir> (in CI, check out with full history: fetch-depth 0)');
  const base = tryGit(['merge-base', 'HEAD', main]);
  if (!base) throw new UsageError(`--baseline: HEAD and ${main} have no merge-base (a shallow clone? fetch full history); give --baseline <git ref | app dir>`);
  return { spec: base, why: `merge-base of HEAD with ${main}` };
}

/** What a spec names: an existing directory, else a git ref resolved to its commit. */
export function classifySpec(spec: string, flag: string): { kind: 'directory'; path: string } | { kind: 'git-ref'; sha: string } {
  if (existsSync(spec) && statSync(spec).isDirectory()) {
    const path = resolve(spec);
    const missing = ['app/server.ts', 'app/worker.ts'].filter((f) => !existsSync(join(path, f)));
    if (missing.length) throw new UsageError(`--${flag}: ${spec} is a directory without ${missing.join(' and ')}; accepted: a git ref, or the root of a tierbench checkout`);
    return { kind: 'directory', path };
  }
  const sha = tryGit(['rev-parse', '--verify', '--quiet', `${spec}^{commit}`]);
  if (!sha) throw new UsageError(`--${flag}: "${spec}" is neither a directory nor a git ref of this repository; accepted: a git ref (sha, branch, tag, HEAD~1) or an app directory (a checkout's root)`);
  return { kind: 'git-ref', sha };
}

const SKIP = new Set(['node_modules', '.git', 'reports', '.tierbench']);

function lockfileMatches(tree: string): boolean | null {
  const ours = join(THIS_ROOT, 'package-lock.json');
  const theirs = join(tree, 'package-lock.json');
  if (!existsSync(ours) || !existsSync(theirs)) return null;
  return readFileSync(ours, 'utf8') === readFileSync(theirs, 'utf8');
}

/**
 * Builds both versions' work trees under one temporary folder.
 * @param specs as given; undefined = the defaults (baseline: merge-base with main; candidate: this working tree)
 * @throws UsageError for a spec that names neither a directory nor a ref; StackError when git fails
 */
export function prepareVersions(specs: { baseline?: string; candidate?: string }, log: (line: string) => void, baseDir = tmpdir()): PreparedVersions {
  const defaultedBase = specs.baseline === undefined ? defaultBaseline() : undefined;
  const given = {
    baseline: { spec: specs.baseline ?? defaultedBase!.spec, defaulted: defaultedBase?.why },
    candidate: { spec: specs.candidate ?? THIS_ROOT, defaulted: specs.candidate === undefined ? 'this working tree, uncommitted changes included' : undefined },
  };
  // Every spec checked before anything is made.
  const kinds = { baseline: classifySpec(given.baseline.spec, 'baseline'), candidate: classifySpec(given.candidate.spec, 'candidate') };
  const dir = mkdtempSync(join(baseDir, 'tierbench-gate-'));
  chmodSync(dir, 0o755);
  // A gate killed by SIGKILL leaves its folder (the reaper removes it) and git's record of its work
  // trees (pruned here, before new ones are added, and by the next gate).
  removeIfKilled(dir);
  tryGit(['worktree', 'prune']);
  const worktrees: string[] = [];
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    for (const wt of worktrees) {
      try {
        git(['worktree', 'remove', '--force', wt]);
      } catch {
        /* removed below with the folder; prune forgets it */
      }
    }
    rmSync(dir, { recursive: true, force: true });
    if (worktrees.length) tryGit(['worktree', 'prune']);
  };
  try {
    const build = (role: 'baseline' | 'candidate', label: 'A' | 'B'): VersionInfo => {
      const tree = join(dir, label);
      const kind = kinds[role];
      const { spec, defaulted } = given[role];
      let sha: string | null;
      let dirty: boolean | null;
      if (kind.kind === 'git-ref') {
        try {
          git(['worktree', 'add', '--detach', '--quiet', tree, kind.sha]);
        } catch (err) {
          throw new StackError(`could not make a work tree of ${spec} (${kind.sha}): ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
        }
        worktrees.push(tree);
        sha = kind.sha;
        dirty = false;
        log(`${label} (${role}): ${spec}${defaulted ? ` (${defaulted})` : ''} = ${sha.slice(0, 12)}, git worktree at ${tree}`);
      } else {
        cpSync(kind.path, tree, { recursive: true, filter: (src) => !SKIP.has(relative(kind.path, src)) });
        sha = tryGit(['rev-parse', 'HEAD'], kind.path);
        const status = sha === null ? null : tryGit(['status', '--porcelain'], kind.path);
        dirty = status === null ? null : status !== '';
        log(`${label} (${role}): ${kind.path}${defaulted ? ` (${defaulted})` : ''}, copied with its uncommitted changes (HEAD ${sha?.slice(0, 12) ?? 'n/a'}${dirty ? ', dirty' : ''}) to ${tree}`);
      }
      if (!existsSync(join(tree, 'app', 'server.ts')) || !existsSync(join(tree, 'app', 'worker.ts')))
        throw new UsageError(`--${role}: ${spec} has no app/server.ts and app/worker.ts to start (a version from before the app?)`);
      symlinkSync(join(THIS_ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
      const sameLockfile = lockfileMatches(tree);
      if (sameLockfile === false) log(`note: ${label}'s package-lock.json differs from this checkout's; its app runs on this checkout's node_modules`);
      return { label, role, spec, kind: kind.kind, ...(defaulted ? { defaulted } : {}), sha, dirty, tree, sameLockfile };
    };
    return { baseline: build('baseline', 'A'), candidate: build('candidate', 'B'), dir, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
