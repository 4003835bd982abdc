import { hideBin } from 'yargs/helpers';
import { processIo, reportError, runCli } from './cli.ts';

/** `bench`: the in-process CLI (cli.ts), then exit with its code. */
runCli(hideBin(process.argv)).then(
  (code) => process.exit(code),
  (err: unknown) => process.exit(reportError(err, processIo)),
);
