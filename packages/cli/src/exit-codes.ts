// The exit codes of `uringlab`, one meaning each (printed by --help and listed in the README).

export const EXIT = {
  /** Everything asked for ran (a scenario skipped for its `kernels` field counts as done). */
  OK: 0,
  /** A scenario file could not be read or parsed, was invalid, or hit a model error. */
  FAILED: 1,
  /** Bad usage: an unknown command or option, a bad option value, a target that does not exist. */
  USAGE: 2,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  everything ran (scenarios skipped for their "kernels" field included)
  1  a scenario failed: unreadable, not JSON, invalid, or a model error
  2  bad usage: unknown command or option, bad value, missing file or package`;
