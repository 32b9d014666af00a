// What the generators leave out on purpose, and why. Everything here is a known gap of the
// fuzzer, not of the models: a case that used it would diverge for reasons of timing (a real
// kernel racing the runner) or need set-up the generators do not make. A divergence class that
// is frequent and not yet fixed is listed here too, with the regression scenario that shows it,
// until its owner fixes the model.

export interface Exclusion {
  /** What is not generated. */
  readonly what: string;
  readonly why: string;
  /** A regression scenario that shows the divergence, for classes the model gets wrong. */
  readonly regression?: string;
}

export const EXCLUSIONS: readonly Exclusion[] = [
  { what: 'IORING_SETUP_SQPOLL', why: 'a kernel thread consumes the SQ on its own schedule: what a step sees depends on timing' },
  { what: 'IORING_SETUP_IOPOLL', why: 'means something only with a polled block device; the generated files are pipes, sockets and tmpfiles' },
  { what: 'IORING_SETUP_NO_MMAP, ATTACH_WQ', why: 'need ring memory or a wq fd placed by the scenario; covered by hand-written scenarios' },
  { what: 'IOSQE_ASYNC and IOSQE_IO_DRAIN without a wait for the CQE', why: 'the request runs on io-wq, and a real kernel posts its CQE whenever the worker gets to it; waited (sqe.waited) they are deterministic' },
  { what: 'read(2) and write(2) that would block', why: 'the model makes plain system calls nonblocking (-EAGAIN); the runner\'s would sit on the watchdog' },
];
