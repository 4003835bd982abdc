import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reading a file a user named (--config, --scenario-file, --stack-config, --gate-config, a
 * results.json). Only a regular file of bounded size is read: /dev/zero or a FIFO would block or
 * never end (`--config /dev/zero` hung `bench run` before this), and a huge file would exhaust
 * memory before any message. Problems are one line, starting with the quoted path.
 */

/** Settings and scenario files are small; a megabyte is far more than any of them needs. */
export const SETTINGS_FILE_MAX_BYTES = 1 << 20;
/** Results files hold every window's histograms; V8 cannot hold a string much past 512 MiB. */
export const RESULTS_FILE_MAX_BYTES = 512 * (1 << 20);

export type UserText = { ok: true; text: string } | { ok: false; problem: string };
export type UserJson = { ok: true; data: unknown } | { ok: false; problem: string };

const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(bytes < 1 << 20 ? 2 : 0)} MiB`;

function openProblem(path: string, err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT') return `file "${path}" does not exist`;
  if (err.code === 'EISDIR') return `"${path}" is a folder, not a file`;
  return `"${path}" cannot be read (${err.code ?? err.message})`;
}

/** Opens without blocking (a FIFO with no writer would), then checks what was opened, so nothing can swap it in between. */
function openRegular(path: string, maxBytes: number): { fd: number; size: number } | { problem: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { problem: openProblem(path, err as NodeJS.ErrnoException) };
  }
  const info = fstatSync(fd);
  const problem = info.isDirectory()
    ? `"${path}" is a folder, not a file`
    : !info.isFile()
      ? `"${path}" is not a regular file (a device, pipe or socket)`
      : info.size > maxBytes
        ? `"${path}" is ${mib(info.size)}; accepted: a file of at most ${mib(maxBytes)}`
        : null;
  if (problem === null) return { fd, size: info.size };
  closeSync(fd);
  return { problem };
}

/** Why a path is not a readable regular file of at most maxBytes, or null when it is. */
export function userFileProblem(path: string, maxBytes = SETTINGS_FILE_MAX_BYTES): string | null {
  const opened = openRegular(path, maxBytes);
  if ('problem' in opened) return opened.problem;
  closeSync(opened.fd);
  return null;
}

/** The text of a user's file, or why it cannot be read. */
export function readUserText(path: string, maxBytes = SETTINGS_FILE_MAX_BYTES): UserText {
  const opened = openRegular(path, maxBytes);
  if ('problem' in opened) return { ok: false, problem: opened.problem };
  try {
    const buf = Buffer.alloc(opened.size);
    let got = 0;
    for (let n = -1; n !== 0 && got < buf.length; got += n) n = readSync(opened.fd, buf, got, buf.length - got, null);
    return { ok: true, text: buf.toString('utf8', 0, got) };
  } catch (err) {
    return { ok: false, problem: openProblem(path, err as NodeJS.ErrnoException) };
  } finally {
    closeSync(opened.fd);
  }
}

/** A user's JSON file parsed, or why it cannot be: missing, not a regular file, too large, not JSON. */
export function readUserJson(path: string, maxBytes = SETTINGS_FILE_MAX_BYTES): UserJson {
  const read = readUserText(path, maxBytes);
  if (!read.ok) return read;
  try {
    return { ok: true, data: JSON.parse(read.text) };
  } catch (err) {
    return { ok: false, problem: `"${path}" is not valid JSON (${(err as Error).message})` };
  }
}
