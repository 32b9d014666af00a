// What the generators leave out on purpose, and why. Everything here is a known gap of the
// fuzzer, not of the models: a case that used it would diverge for reasons of timing (a real
// kernel racing the runner) or need set-up the generators do not make. A divergence class that
// is frequent and not yet fixed is listed here too, with the regression scenario that shows it,
// until its owner fixes the model.

import type { KernelId } from '../profile.js';

export type AvoidId =
  | 'sqpoll' | 'iopoll' | 'tcp' | 'no-mmap' | 'unwaited-iowq' | 'drain' | 'close-under-sqe' | 'split-links' | 'blocking-syscalls'
  | 'regular-file-write' | 'regular-file-read'
  | 'udp-shut-rd' | 'udp-after-peer-close' | 'cqe-mixed-big' | 'iowq-eventfd-defer';

export interface Exclusion {
  /** The name generators check (`avoids(id)`). */
  readonly id: AvoidId;
  /** What is not generated. */
  readonly what: string;
  readonly why: string;
  /** A regression scenario (testbed/fuzz-found) that shows the divergence, for classes the model gets wrong. */
  readonly regression?: string;
  /** Profiles whose kernels show it (default: every one). */
  readonly kernels?: readonly KernelId[];
}

/** Left out by design: timing the runner cannot control, or set-up the generators do not make. */
export const BY_DESIGN: readonly Exclusion[] = [
  { id: 'sqpoll', what: 'IORING_SETUP_SQPOLL', why: 'a kernel thread consumes the SQ on its own schedule: what a step sees depends on timing' },
  { id: 'iopoll', what: 'IORING_SETUP_IOPOLL', why: 'means something only with a polled block device; the generated files are pipes, sockets and tmpfiles' },
  { id: 'no-mmap', what: 'IORING_SETUP_NO_MMAP, ATTACH_WQ', why: 'need ring memory or a wq fd placed by the scenario; covered by hand-written scenarios' },
  { id: 'unwaited-iowq', what: 'IOSQE_ASYNC without a wait for the CQE', why: 'the request runs on io-wq and a real kernel posts its CQE whenever the worker gets to it; waited (sqe.waited) it is deterministic' },
  { id: 'tcp', what: 'TCP socket pairs (AF_UNIX pairs stand in)', why: 'loopback TCP hands data to the peer through the socket backlog and softirq: a RECV right after several WRITEs of one submission got 32 of 48 bytes on the host; how much is there depends on timing', regression: 'testbed/fuzz-found/fuzz-1-8433.json' },
  { id: 'regular-file-write', what: 'WRITE SQEs on regular files without a wait for the CQE (sqe.waited makes them)', why: 'a buffered write of a tmpfs file (no FMODE_NOWAIT) or an ext4 file (no FOP_BUFFER_WASYNC) always goes to io-wq, on 6.18 and 7.3: unwaited, its CQE comes whenever the worker gets to it, as with unwaited-iowq (the model punts it too; fuzz-1-8)', regression: 'testbed/fuzz-found/fuzz-1-8.json' },
  { id: 'regular-file-read', what: 'READ SQEs of tmpfs files without a wait for the CQE (ext4 files, which read inline, are generated; sqe.waited makes the others)', why: 'a tmpfs (shmem) file has no FMODE_NOWAIT, on 6.18 and on 7.3, so io_file_supports_nowait() sends every READ of it to io-wq: unwaited, its CQE comes at a time the runner does not control, as with unwaited-iowq (the model punts it too; the divergence was the VM\'s /tmp being tmpfs, not 7.3)', regression: 'testbed/fuzz-found/fuzz-1-956.json, testbed/fuzz-found/fuzz-1-1943.json' },
  { id: 'iowq-eventfd-defer', what: 'waited requests that run on io-wq (READs of tmpfs files, WRITEs of regular files, IOSQE_ASYNC NOPs, FSYNC, SHUTDOWN) on DEFER_TASKRUN rings once an eventfd was registered', why: 'the io-wq completion goes through local task_work, and how many times a registered eventfd is signalled for it varies from run to run: 2 or 3 (1 or 2 with REGISTER_EVENTFD_ASYNC) for the same scenario on 7.3 in the VM; on a ring without DEFER_TASKRUN it is always 1 (eventfd-async-tmpfile-fs pins the rest). Reading io_uring.c, the likely third: when the waiting task runs the completion before the worker drops its own reference (io_wq_free_work()), that last put frees the request through io_free_req(), which queues local task_work again on an empty list and signals; eventfd-defer-fsync-badfd sleeps before its waits, so the worker is done first' },
  { id: 'udp-shut-rd', what: 'SHUT_RD (and SHUT_RDWR) of a UDP socket, by shutdown(2) or SHUTDOWN', why: 'a receive on an empty UDP socket after SHUT_RD is -EAGAIN without waiting (__skb_recv_udp()) yet the socket polls readable (datagram_poll() reports RCV_SHUTDOWN as EPOLLIN), so io_uring ends up on io-wq, where the blocking receive returns 0: the CQE comes at a time the runner does not control (the model completes it inline with 0; udp-shutdown-rd-empty waits for it)', regression: 'testbed/fuzz-found/fuzz-11-239.json' },
  { id: 'udp-after-peer-close', what: 'sends on a UDP socket whose peer was closed', why: 'each draws an ICMP port unreachable, and ICMP errors pass a global rate limit (net.ipv4.icmp_msgs_per_sec and icmp_msgs_burst, with a random part on recent kernels): whether ECONNREFUSED arrives depends on what else sent ICMP in the last second; udp-peer-close pins the single case' },
  { id: 'drain', what: 'IOSQE_IO_DRAIN', why: 'the request after a drain is still REQ_F_FORCE_ASYNC (drain_active) and, deferred, runs on io-wq: its CQE races the runner (drain-active-until-next-request pins the part that is deterministic)' },
  { id: 'close-under-sqe', what: 'close(2) while an SQE is written but not submitted', why: 'the kernel looks the fd up at submission, and after a close the runner\'s fd numbers differ from the model\'s (a TCP pair\'s listening socket takes one)' },
  { id: 'split-links', what: 'a link flag outside a generated chain, and an enter that submits part of the SQ', why: 'a chain cut off at the end of a submission goes to io-wq (io_queue_sqe_fallback()), which races the runner like ASYNC does' },
  { id: 'cqe-mixed-big', what: '32-byte CQEs (NOP with IORING_NOP_CQE32) on CQE_MIXED rings, on 6.18', why: 'a 32-byte CQE in the overflow backlog that does not fit, and a wait for more CQEs than the ring shows, livelock 6.18 in io_cqring_wait(): the runner spins in the kernel and ignores SIGKILL until CQ slots are freed from outside (fuzz-21-2030, found on the host; 7.3 returns). No watchdog stops it and which waits are safe depends on CQ timing, so on 6.18 generated NOPs on those rings post 16-byte CQEs (the VM\'s 7.3 fuzz keeps them; the cqe-mixed-* scenarios cover 6.18)', kernels: ['6.18'] },
  { id: 'blocking-syscalls', what: 'read(2) and write(2) that would block', why: 'the model makes plain system calls nonblocking (-EAGAIN); the runner\'s would sit on the watchdog' },
];

/**
 * Divergence classes the fuzzer found and whose model fix belongs to another part of the
 * core: generators avoid them so a fuzz run can pass, until the fix lands. Each has its
 * shrunk regression scenario.
 */
export const KNOWN_DIVERGENCES: readonly Exclusion[] = [
];

/** Model gaps of the core's own newest parts, not yet shown by a fuzz case. */
export const MODEL_GAPS: readonly Exclusion[] = [];

export const EXCLUSIONS: readonly Exclusion[] = [...BY_DESIGN, ...KNOWN_DIVERGENCES, ...MODEL_GAPS];

const BY_ID = new Map<AvoidId, Exclusion>(EXCLUSIONS.map((e) => [e.id, e]));

/** Whether generators avoid this, on this profile's kernel (every exclusion listed above is active). */
export function avoids(id: AvoidId, profile?: KernelId): boolean {
  const e = BY_ID.get(id);
  if (!e) return false;
  return !e.kernels || profile === undefined || e.kernels.includes(profile);
}
