// What the C runner (testbed/runner/runner.h) and the testbed guest accept, in one place. The
// compiler rejects a scenario past any of these before it reaches a runner, naming the step;
// PROTOCOL.md lists them and a testbed test checks runner.h says the same.

export const RUNNER_LIMITS = Object.freeze({
  /** Region, fd, ring and scenario names: `[A-Za-z0-9_.-]`, at most this many characters. */
  nameLength: 63,
  /** Regions per scenario, the compiler's own included (MAX_REGIONS). */
  regions: 128,
  /** Fds and rings per scenario (MAX_HANDLES); a pipe or socket pair takes two. */
  handles: 128,
  /** Tokens on one program line (MAX_TOKENS): an operation, its arguments, its fixups. */
  tokensPerLine: 4096,
  /** Bytes of one `region` (MAX_REGION_SIZE). */
  regionSize: 1 << 28,
  /** Bytes one `mmap` of a ring fd may map (MAX_MMAP_SIZE). */
  mmapSize: 1 << 30,
  /** Bytes of one `read` or `write` (MAX_IO_LEN). */
  ioLength: 1 << 24,
  /** Bytes of one `tmpfile` (MAX_TMPFILE_SIZE); the guest's /tmp is a tmpfs in 1 GiB of RAM. */
  tmpfileSize: 1 << 26,
});

export type RunnerLimits = typeof RUNNER_LIMITS;

/** A name the runner takes (valid_name() in program.c). */
export const NAME_RE = /^[A-Za-z0-9_.-]+$/;
