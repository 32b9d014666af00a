// The `uringlab` command line, built with commander: subcommands with their own --help,
// --version, "unknown command" with a suggestion, did-you-mean for options, errors on stderr
// and the exit codes of exit-codes.ts.

import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { PROFILES, isUringError, type KernelId } from '@uringlab/ring';
import { listTargets } from './commands/list.js';
import { runTargets } from './commands/run.js';
import { addSizeCommand } from './commands/size.js';
import { addRsrcCommand } from './commands/rsrc.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { ExtensionLoadError, loadExtensions } from './extensions.js';
import { stdio, type CliIo } from './io.js';
import { TargetError, resolveTarget, type Target } from './targets.js';

/** This package's version (src/ and dist/ both sit next to package.json). */
export const CLI_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

const TARGETS = 'scenario files, folders (every .json below them) or installed packages (their scenarios/)';

function targetsOf(specs: readonly string[]): Target[] {
  return specs.map(resolveTarget);
}

export function createProgram(io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command('uringlab')
    .description('Run io_uring scenarios on the uringlab models, print their traces, size provided-buffer groups.')
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError('(uringlab --help lists the commands; uringlab COMMAND --help explains one)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);

  program
    .command('run')
    .description('run scenarios on the model and print each trace')
    .argument('<targets...>', TARGETS)
    .addOption(new Option('-k, --kernel <id>', 'kernel profile').choices(Object.keys(PROFILES)).default('7.3'))
    .addOption(new Option('-f, --format <format>', 'jsonl: a "scenario" line, then one trace event per line; table: for reading').choices(['jsonl', 'table']).default('jsonl'))
    .option('-e, --extension <spec...>', 'also load the extension a package or module exports (`extension`)')
    .addHelpText('after', '\nExamples:\n  uringlab run node_modules/@uringlab/ring/scenarios/cq-overflow-order.json --format table\n  uringlab run @uringlab/kbuf-cache --kernel 6.18')
    .action(async (specs: string[], o: { kernel: KernelId; format: 'jsonl' | 'table'; extension?: string[] }) => {
      const targets = targetsOf(specs);
      const extensions = await loadExtensions(o.extension ?? []);
      setCode(runTargets(targets, { kernel: o.kernel, format: o.format }, extensions, io));
    });

  program
    .command('list')
    .description('list scenarios: name, what each pins down, the kernels it is limited to')
    .argument('<targets...>', TARGETS)
    .addHelpText('after', '\nExample:\n  uringlab list @uringlab/kbuf-cache')
    .action((specs: string[]) => setCode(listTargets(targetsOf(specs), io)));

  addSizeCommand(program, io, setCode);
  addRsrcCommand(program, io, setCode);
  return program;
}

/** Runs the CLI on `argv` (without node and the script); returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = stdio): Promise<number> {
  let code: number = EXIT.OK;
  const program = createProgram(io, (c) => (code = c));
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version end with code 0; every parse error was already printed.
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof TargetError || e instanceof ExtensionLoadError) {
      io.err(`error: ${e.message}\n`);
      return EXIT.USAGE;
    }
    if (isUringError(e)) {
      io.err(`error: ${e.message}\n`);
      return EXIT.FAILED;
    }
    throw e;
  }
}
