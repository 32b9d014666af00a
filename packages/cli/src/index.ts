// @uringlab/cli: the `uringlab` command. The programmatic entry runs it with your own output
// (tests, tools that embed it).

export { main, createProgram, CLI_VERSION } from './program.js';
export { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
export { formatTable } from './table.js';
export { loadExtensions } from './extensions.js';
export { parseJson, JsonSyntaxError } from './json.js';
export { kernelSkip, type ScenarioLine } from './commands/run.js';
export type { CliIo } from './io.js';
