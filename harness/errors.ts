/** Exit codes the CLI documents (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  stack: 3,
  interrupted: 130,
  gate: 99,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the user: printed as one line (or a short list), never as a stack trace. */
export class BenchError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly code: string,
  ) {
    super(message);
    this.name = 'BenchError';
  }
}

/** Bad flag, bad config value, unknown name: exit 2. */
export class UsageError extends BenchError {
  constructor(message: string) {
    super(message, ExitCode.usage, 'USAGE');
    this.name = 'UsageError';
  }
}

/** A server could not be found, installed, started or reached: exit 3. */
export class StackError extends BenchError {
  constructor(message: string) {
    super(message, ExitCode.stack, 'STACK');
    this.name = 'StackError';
  }
}

/** The run was interrupted (SIGINT/SIGTERM) and cleaned up: exit 130. */
export class InterruptedError extends BenchError {
  constructor(signal: string) {
    super(`interrupted by ${signal}; every server this run started was stopped`, ExitCode.interrupted, 'INTERRUPTED');
    this.name = 'InterruptedError';
  }
}
