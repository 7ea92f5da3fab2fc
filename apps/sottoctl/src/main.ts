#!/usr/bin/env node
import { runCli } from './cli';

void runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
}).then((status) => {
  // exitCode, not exit(): lets stdout drain when it is a pipe.
  process.exitCode = status;
});
