// The cost model behind the benchmark: nanoseconds per counted event, x86-64 server class,
// uncontended. The figures are deliberately round; what matters is their ratio (an allocator
// round trip against a list operation against a whole request), not any one machine.

import { DEFAULT_COST_MODEL, type CostModel } from '@uringlab/ring/extend';

/** One request's life outside the counted sites: io_alloc_req, init, issue dispatch, CQE fill, free. */
export const REQUEST_NS = 150;

export const KBUF_COST_MODEL: CostModel = {
  ...DEFAULT_COST_MODEL,
  // kmalloc-32 fast path (~15 ns) plus memcg charging for GFP_KERNEL_ACCOUNT (~30 ns).
  'alloc:kmalloc:io_buffer': 45,
  // kfree fast path plus memcg uncharge.
  'free:kfree:io_buffer': 35,
  // list_del/list_add on a list whose lock the caller already holds, cache-hot.
  'event:kbuf:io_buffers_cache_get': 2,
  'event:kbuf:io_buffers_cache_put': 2,
  'event:kbuf:io_buffers_comp_put': 2,
  'event:kbuf:io_buffers_comp_splice': 4,
  // spin_lock + spin_unlock of ctx->completion_lock, uncontended, with the line bouncing between
  // the completing and the submitting CPU.
  'lock:completion_lock:kbuf': 20,
  // alloc_page(GFP_KERNEL_ACCOUNT) (~250 ns) and carving it into 128 list entries (~1 ns each).
  'alloc:alloc_page:io_buffers_pages': 380,
  'free:__free_page:io_buffers_pages': 150,
  // kmem_cache_alloc_bulk(): a fixed entry cost, then per object (memcg still charges each one).
  'alloc:kmem_cache_alloc_bulk:io_buffer': 60,
  'alloc:kmem_cache_alloc_bulk:io_buffer:object': 12,
  'alloc:kmem_cache_alloc:io_buffer': 40,
  'free:kmem_cache_free:io_buffer': 30,
  // sock_recvmsg() on loopback TCP: socket lock, skb walk, tcp_rcv_space_adjust, ack scheduling.
  'event:kbuf:sock_recvmsg': 600,
  // Per CQE the core already counts; the request itself is charged separately (REQUEST_NS).
  'event:cqe_posted': 0,
};

/** One line per figure, for the benchmark output and the README. */
export const COST_NOTES: readonly string[] = [
  `request lifecycle ${REQUEST_NS} ns (alloc, init, issue, CQE, free)`,
  'kmalloc 45 / kfree 35 ns (kmalloc-32 + memcg accounting)',
  'free-list get/put 2 ns, splice 4 ns, completion_lock 20 ns',
  'alloc_page + carve 128 nodes 380 ns, __free_page 150 ns',
  'kmem_cache_alloc_bulk 60 ns + 12 ns/object, kmem_cache_free 30 ns',
  'sock_recvmsg 600 ns (loopback TCP)',
  'syscall 120 ns, uring_lock 20 ns, copy 1 ns/byte (core model)',
];
