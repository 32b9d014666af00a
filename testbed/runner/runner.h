/* Shared declarations of the uringlab C runner. The runner interprets the line program of
 * testbed/PROTOCOL.md: it moves bytes and makes system calls; all struct knowledge beyond the
 * ring mapping lives in TypeScript. */
#ifndef URINGLAB_RUNNER_H
#define URINGLAB_RUNNER_H

#include <stddef.h>
#include <stdint.h>
#include <liburing.h>

#define NAME_MAX_LEN 64
#define MAX_REGIONS 128
#define MAX_HANDLES 128
#define MAX_TOKENS 4096 /* a wmem of an iovec array carries one fixup per entry */
/* Sizes the runner accepts (PROTOCOL.md); @uringlab/ring's RUNNER_LIMITS says the same, and the
 * scenario compiler rejects anything larger before it reaches a runner. */
#define MAX_REGION_SIZE (1ULL << 28)
#define MAX_MMAP_SIZE (1ULL << 30)
#define MAX_IO_LEN (1ULL << 24)
#define MAX_TMPFILE_SIZE (1ULL << 26)

/* ---- program text (program.c) ---- */

struct line {
	int no;        /* 1-based line number in the program file */
	char *text;    /* NUL-terminated, without the newline */
	int nul;       /* the line held a NUL byte: an error, never a silent truncation */
};

struct scenario {
	const char *id;
	const struct line *ops; /* the lines between `scenario` and `end` */
	int nops;
	int closed;             /* saw its `end` */
	int first_line;
};

/* Splits a line into whitespace-separated tokens in place; returns the count or -1 if too many. */
int tokenize(char *s, char **tok, int max);
int parse_u64(const char *s, uint64_t *out);
int parse_s64(const char *s, int64_t *out);
int parse_u32(const char *s, uint32_t *out);
/* A trailing `fd=N` token (enter, register): N (a u32) replaces the ring's fd in the call, for a
 * registered ring index. Returns 1 and drops the token, 0 when there is none, -1 when N is bad. */
int take_fd_token(char **tok, int *ntok, unsigned *fd);
int valid_name(const char *s);
/* Decodes HEX into a fresh buffer of *len bytes (caller frees). */
uint8_t *parse_hex(const char *s, size_t *len);

/* Runs one scenario's operations in the current (child) process. */
void run_scenario(const struct scenario *sc);

/* ---- records (out.c) ---- */

void out_set_id(const char *id);
/* While held, records are kept in memory and printed (in order) when the hold ends, so a timed
 * operation's own output is not inside its measurement. */
void out_hold(int on);
/* Prints `@@ ID <formatted>` as one line and flushes. */
void rec(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like rec, with HEX of bytes appended after a space. */
void rec_hex(const uint8_t *p, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Records the failing line's error message (shown as `error LINE MSG`). */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *fail_message(void);

/* ---- scenario state (state.c) ---- */

struct region {
	char name[NAME_MAX_LEN];
	uint8_t *base;
	size_t size;
	int from_ring; /* mapped from a ring fd by `mmap` */
	int unmapped;  /* `munmap` took it away: its address stays for fixups, its bytes are gone */
};

struct ring {
	struct io_uring_params p; /* as read back after setup */
	int mapped;               /* ring pointers below are valid */
	int user_mem;             /* NO_MMAP: the program's regions are the rings */
	void *sq_map, *cq_map, *sqe_map;
	size_t sq_map_sz, cq_map_sz, sqe_map_sz;
	uint8_t *sq_base, *cq_base; /* bases the sq_off / cq_off offsets apply to */
	uint8_t *sqes;
	unsigned sqe_size, cqe_size;
	unsigned sq_mask, cq_mask;
	unsigned sqe_tail;        /* local tail: the next SQ index the runner publishes */
};

struct handle {
	char name[NAME_MAX_LEN];
	int fd;                  /* -1 when creation failed */
	struct ring *ring;       /* non-NULL for io_uring instances */
};

struct region *region_find(const char *name);
struct region *region_add(const char *name);
struct handle *handle_find(const char *name);
struct handle *handle_add(const char *name);
/* Looks up name and checks [off, off+len) lies inside it. */
struct region *region_span(const char *name, uint64_t off, uint64_t len);

/* The region holding [addr, addr+len), if any. */
struct region *region_containing(uint64_t addr, uint64_t len);
/* Unmaps a ring's own mappings (not a NO_MMAP ring's regions). */
void ring_unmap(struct ring *rg);

/* Applies `@OFF=...` fixup tokens to buf (len bytes). */
int apply_fixups(uint8_t *buf, size_t len, char **tok, int ntok);

/* ---- operations: each returns 0 to continue, 1 to stop quietly, -1 on error (fail() set) ---- */

typedef int op_fn(char **tok, int ntok);

op_fn op_require;
op_fn op_region, op_fill, op_wmem, op_rmem, op_mmap;
op_fn op_advregion; /* mem-advise.c */
op_fn op_setup, op_sqe, op_enter, op_reap, op_observe, op_cqflags;
op_fn op_register;
op_fn op_pipe, op_tcppair, op_unixpair, op_eventfd, op_tmpfile, op_blockdev;
op_fn op_write, op_read, op_close, op_writemem, op_poll;
op_fn op_shutdown, op_munmap, op_dgrampair, op_udppair, op_setfl, op_fstat;
/* A writable directory on filesystem FS (tmpfs, ext4), or NULL (fds.c). */
const char *fs_dir(const char *fs);
op_fn op_time;
op_fn op_sleep, op_raise;
op_fn op_procstatus, op_creds, op_hugeregion, op_filemap;
/* Free 2 MiB huge pages (huge.c). */
long hugetlb_free(void);

/* ---- watchdog (watchdog.c) ---- */

void watchdog_install(void);
void watchdog_set_ms(unsigned ms);
void watchdog_arm(void);
void watchdog_disarm(void);
unsigned watchdog_fired(void);

/* ---- environment (require.c, fds.c) ---- */

int tcp_available(void);

/* Parses "X.Y[.Z]..." into a comparable number major*1e6 + minor*1e3 + patch. */
long release_number(const char *release);

#endif
