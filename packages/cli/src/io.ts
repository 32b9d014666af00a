// Where the CLI writes: stdout for results, stderr for everything else (errors, skips,
// progress). Tests pass their own.

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Whether stderr is a terminal (progress redraws a line there). */
  errIsTty?: boolean;
}

export const stdio: CliIo = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  errIsTty: process.stderr.isTTY === true,
};
