// Transfer limits shared by the read/write and network paths (kernel-internal, not UAPI).

/** MAX_RW_COUNT: INT_MAX rounded down to a page. */
export const MAX_RW_COUNT = 0x7ffff000;

/** UIO_MAXIOV: the most iovecs one vectored transfer takes (include/linux/uio.h). */
export const UIO_MAXIOV = 1024;

/** sizeof(struct iovec) */
export const IOVEC_SIZE = 16;

/**
 * KMALLOC_MAX_SIZE on x86-64 (PAGE_SHIFT 12 + MAX_PAGE_ORDER 10): a kmalloc() of more fails,
 * which is what io_vec_realloc() runs into for an absurd iovec count.
 */
export const KMALLOC_MAX_SIZE = 4 << 20;
