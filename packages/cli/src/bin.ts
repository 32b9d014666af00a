#!/usr/bin/env node
// The `uringlab` executable. A reader that closes the pipe early (`uringlab run dir/ | head`)
// ends the run quietly: EPIPE on stdout is the end of output, not an error.

import { main } from './program.js';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
