// Limits of io_uring/rsrc.c.

/** IORING_MAX_REG_BUFFERS: slots in one ring's buffer table. */
export const IORING_MAX_REG_BUFFERS = 1 << 14;
