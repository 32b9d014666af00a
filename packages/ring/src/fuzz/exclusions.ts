// What the generators leave out on purpose, and why. Everything here is a known gap of the
// fuzzer, not of the models: a case that used it would diverge for reasons of timing (a real
// kernel racing the runner) or need set-up the generators do not make. A divergence class that
// is frequent and not yet fixed is listed here too, with the regression scenario that shows it,
// until its owner fixes the model.

export type AvoidId =
  | 'sqpoll' | 'iopoll' | 'no-mmap' | 'unwaited-iowq' | 'drain' | 'close-under-sqe' | 'split-links' | 'blocking-syscalls'
  | 'regular-file-write' | 'zero-length-stream-io' | 'send-buffer-select' | 'tcp-after-peer-close'
  | 'short-rw-fails' | 'rw-wrong-direction';

export interface Exclusion {
  /** The name generators check (`avoids(id)`). */
  readonly id: AvoidId;
  /** What is not generated. */
  readonly what: string;
  readonly why: string;
  /** A regression scenario (testbed/fuzz-found) that shows the divergence, for classes the model gets wrong. */
  readonly regression?: string;
}

/** Left out by design: timing the runner cannot control, or set-up the generators do not make. */
export const BY_DESIGN: readonly Exclusion[] = [
  { id: 'sqpoll', what: 'IORING_SETUP_SQPOLL', why: 'a kernel thread consumes the SQ on its own schedule: what a step sees depends on timing' },
  { id: 'iopoll', what: 'IORING_SETUP_IOPOLL', why: 'means something only with a polled block device; the generated files are pipes, sockets and tmpfiles' },
  { id: 'no-mmap', what: 'IORING_SETUP_NO_MMAP, ATTACH_WQ', why: 'need ring memory or a wq fd placed by the scenario; covered by hand-written scenarios' },
  { id: 'unwaited-iowq', what: 'IOSQE_ASYNC without a wait for the CQE', why: 'the request runs on io-wq and a real kernel posts its CQE whenever the worker gets to it; waited (sqe.waited) it is deterministic' },
  { id: 'drain', what: 'IOSQE_IO_DRAIN', why: 'the request after a drain is still REQ_F_FORCE_ASYNC (drain_active) and, deferred, runs on io-wq: its CQE races the runner (drain-active-until-next-request pins the part that is deterministic)' },
  { id: 'close-under-sqe', what: 'close(2) while an SQE is written but not submitted', why: 'the kernel looks the fd up at submission, and after a close the runner\'s fd numbers differ from the model\'s (a TCP pair\'s listening socket takes one)' },
  { id: 'split-links', what: 'a link flag outside a generated chain, and an enter that submits part of the SQ', why: 'a chain cut off at the end of a submission goes to io-wq (io_queue_sqe_fallback()), which races the runner like ASYNC does' },
  { id: 'blocking-syscalls', what: 'read(2) and write(2) that would block', why: 'the model makes plain system calls nonblocking (-EAGAIN); the runner\'s would sit on the watchdog' },
];

/**
 * Divergence classes the fuzzer found and whose model fix belongs to another part of the
 * core: generators avoid them so a fuzz run can pass, until the fix lands. Each has its
 * shrunk regression scenario.
 */
export const KNOWN_DIVERGENCES: readonly Exclusion[] = [
  {
    id: 'regular-file-write',
    what: 'WRITE SQEs on regular files (tmpfiles)',
    why: 'the host kernel (6.18) completes a buffered tmpfs write from io-wq (the nonblocking attempt returns -EAGAIN), so its CQE is not there after the enter; the model completes it inline (rw/)',
    regression: 'testbed/fuzz-found/fuzz-1-8.json',
  },
  {
    id: 'zero-length-stream-io',
    what: 'READ, RECV and kbuf.recv/kbuf.read of 0 bytes on pipes and sockets',
    why: 'the kernel completes a 0-byte READ of an empty socket or pipe at once (res 0) and leaves a 0-byte RECV of an empty AF_UNIX socket waiting; the model does it the other way round (rw/, net/)',
    regression: 'testbed/fuzz-found/fuzz-1-143.json, testbed/fuzz-found/fuzz-1-7.json',
  },
  {
    id: 'send-buffer-select',
    what: 'SEND with IOSQE_BUFFER_SELECT',
    why: 'with no buffer group the kernel fails it with -ENOENT (the bundle peek finds no list); the model reads from address 0 and fails with -EFAULT (net/)',
    regression: 'testbed/fuzz-found/fuzz-1-200.json',
  },
  {
    id: 'tcp-after-peer-close',
    what: 'closing one end of a TCP pair',
    why: 'after the peer closed, the kernel accepts the first write (the RST comes back only then) and fails later ones; the model fails the first with -EPIPE (files/stream.ts)',
    regression: 'testbed/fuzz-found/fuzz-1-99.json',
  },
  {
    id: 'short-rw-fails',
    what: 'CQE_SKIP_SUCCESS and link flags on READ and WRITE SQEs',
    why: 'the kernel fails a short transfer (res below the asked length: __io_complete_rw_common() calls req_set_fail()), so its CQE is posted despite CQE_SKIP_SUCCESS and its link is cancelled; the model treats a short transfer as a success (rw/)',
    regression: 'testbed/fuzz-found/fuzz-3-155.json, testbed/fuzz-found/fuzz-3-615.json',
  },
  {
    id: 'rw-wrong-direction',
    what: 'READ on a pipe\'s write end, WRITE on its read end',
    why: 'the kernel fails it with -EBADF at issue (FMODE_READ/FMODE_WRITE), inline; the model arms a poll first, so the CQE comes later (rw/)',
    regression: 'testbed/fuzz-found/fuzz-3-955.json',
  },
];

export const EXCLUSIONS: readonly Exclusion[] = [...BY_DESIGN, ...KNOWN_DIVERGENCES];

const ACTIVE = new Set<AvoidId>(EXCLUSIONS.map((e) => e.id));

/** Whether generators avoid this (every exclusion listed above is active). */
export function avoids(id: AvoidId): boolean {
  return ACTIVE.has(id);
}
