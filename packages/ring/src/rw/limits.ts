// Transfer limits shared by the read/write and network paths.

/** MAX_RW_COUNT: INT_MAX rounded down to a page. */
export const MAX_RW_COUNT = 0x7ffff000;
