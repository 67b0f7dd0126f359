import { runCli } from './cli/run-cli.js';

runCli(
  process.argv.slice(2),
  (text) => process.stdout.write(text),
  (text) => process.stderr.write(text),
).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ihc failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
