/* Rings: io_uring_setup through liburing's raw wrapper (not io_uring_queue_init, which would add
 * setup flags of its own), our own mapping from the returned offsets, and SQ/CQ access with the
 * same barriers an application uses. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "runner.h"

_Static_assert(sizeof(struct io_uring_params) == 120, "io_uring_params is 120 bytes");

#define LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE_REL(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

static unsigned *u32_at(uint8_t *base, uint32_t off)
{
	return (unsigned *)(void *)(base + off);
}

static void *map_ring_fd(int fd, size_t size, uint64_t offset)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, (off_t)offset);

	return p == MAP_FAILED ? NULL : p;
}

/* NO_MMAP: the program's region must hold the whole ring there. */
static uint8_t *user_ring_mem(uint64_t addr, size_t size, const char *what)
{
	struct region *r = region_containing(addr, size);

	if (!r)
		return fail("NO_MMAP %s at 0x%llx (+%zu) is not inside a region", what,
			    (unsigned long long)addr, size), NULL;
	return (uint8_t *)(uintptr_t)addr;
}

/* Maps (or, with NO_MMAP, locates) the SQ ring, CQ ring and SQE array; `given` holds the
 * params as passed in, whose user_addr fields NO_MMAP reads. */
static int ring_map(struct ring *rg, int fd, const struct io_uring_params *given)
{
	const struct io_uring_params *p = &rg->p;
	size_t sq_sz, cq_sz, sqes_sz;

	rg->sqe_size = (p->flags & IORING_SETUP_SQE128) ? 128 : 64;
	rg->cqe_size = (p->flags & IORING_SETUP_CQE32) ? 32 : 16;
	rg->sq_mask = p->sq_entries - 1;
	rg->cq_mask = p->cq_entries - 1;
	cq_sz = p->cq_off.cqes + (size_t)p->cq_entries * rg->cqe_size;
	/* Without an SQ array the SQ ring's header lives in the same io_rings as the CQEs. */
	sq_sz = (p->flags & IORING_SETUP_NO_SQARRAY) ? cq_sz
						       : p->sq_off.array + (size_t)p->sq_entries * 4;
	sqes_sz = (size_t)p->sq_entries * rg->sqe_size;

	if (p->flags & IORING_SETUP_NO_MMAP) {
		size_t sz = sq_sz > cq_sz ? sq_sz : cq_sz;

		rg->sq_base = user_ring_mem(given->cq_off.user_addr, sz, "rings");
		rg->sqes = user_ring_mem(given->sq_off.user_addr, sqes_sz, "SQEs");
		if (!rg->sq_base || !rg->sqes)
			return -1;
		rg->cq_base = rg->sq_base;
		rg->user_mem = 1;
	} else {
		if (p->features & IORING_FEAT_SINGLE_MMAP) {
			if (cq_sz > sq_sz)
				sq_sz = cq_sz;
			cq_sz = sq_sz;
		}
		rg->sq_map_sz = sq_sz;
		if (!(rg->sq_map = map_ring_fd(fd, sq_sz, IORING_OFF_SQ_RING)))
			return fail("mmap of the SQ ring (%zu bytes) failed: %s", sq_sz, strerror(errno));
		if (p->features & IORING_FEAT_SINGLE_MMAP) {
			rg->cq_map = rg->sq_map;
		} else {
			rg->cq_map_sz = cq_sz;
			if (!(rg->cq_map = map_ring_fd(fd, cq_sz, IORING_OFF_CQ_RING)))
				return fail("mmap of the CQ ring (%zu bytes) failed: %s", cq_sz, strerror(errno));
		}
		rg->sqe_map_sz = sqes_sz;
		if (!(rg->sqe_map = map_ring_fd(fd, sqes_sz, IORING_OFF_SQES)))
			return fail("mmap of the SQEs (%zu bytes) failed: %s", sqes_sz, strerror(errno));
		rg->sq_base = rg->sq_map;
		rg->cq_base = rg->cq_map;
		rg->sqes = rg->sqe_map;
	}
	rg->sqe_tail = LOAD_ACQ(u32_at(rg->sq_base, p->sq_off.tail));
	rg->mapped = 1;
	return 0;
}

void ring_unmap(struct ring *rg)
{
	if (!rg->mapped)
		return;
	if (!rg->user_mem) {
		if (rg->cq_map && rg->cq_map != rg->sq_map)
			munmap(rg->cq_map, rg->cq_map_sz);
		munmap(rg->sq_map, rg->sq_map_sz);
		munmap(rg->sqe_map, rg->sqe_map_sz);
	}
	rg->mapped = 0;
}

static struct ring *mapped_ring(const char *name)
{
	struct handle *h = handle_find(name);

	if (!h)
		return fail("no ring '%s'", name), NULL;
	if (!h->ring || !h->ring->mapped)
		return fail("ring '%s' is not mapped (setup failed or it was closed)", name), NULL;
	return h->ring;
}

/* setup RING ENTRIES REGION OFF -> setup RING RET HEX */
int op_setup(char **tok, int ntok)
{
	struct io_uring_params given, *pp;
	struct handle *h;
	struct region *r;
	uint32_t entries;
	uint64_t off;
	int ret;

	(void)ntok;
	if (parse_u32(tok[2], &entries) || parse_u64(tok[4], &off))
		return fail("setup: bad entries or offset");
	if (!(r = region_span(tok[3], off, sizeof(given))) || !(h = handle_add(tok[1])))
		return -1;
	pp = (struct io_uring_params *)(void *)(r->base + off);
	memcpy(&given, pp, sizeof(given));
	ret = io_uring_setup(entries, pp);
	rec_hex((const uint8_t *)pp, sizeof(given), "setup %s %d", tok[1], ret);
	if (ret < 0)
		return 0;
	h->fd = ret;
	if (!(h->ring = calloc(1, sizeof(*h->ring))))
		return fail("out of memory");
	memcpy(&h->ring->p, pp, sizeof(given));
	return ring_map(h->ring, ret, &given);
}

/* sqe RING HEX [array=N] [fixups] */
int op_sqe(char **tok, int ntok)
{
	struct ring *rg = mapped_ring(tok[1]);
	char **fix = tok + 3; /* the fixups, compacted in place past array=N */
	int nfix = 0, has_n = 0, ret = -1;
	uint32_t n = 0, flags, slot, slots = 1, idx;
	uint8_t *buf;
	size_t len;

	if (!rg)
		return -1;
	flags = rg->p.flags;
	for (int i = 3; i < ntok; i++) {
		if (!strncmp(tok[i], "array=", 6)) {
			if (parse_u32(tok[i] + 6, &n))
				return fail("bad %s", tok[i]);
			has_n = 1;
		} else {
			fix[nfix++] = tok[i];
		}
	}
	if (has_n && (flags & IORING_SETUP_NO_SQARRAY))
		return fail("array= on a ring without an SQ array (NO_SQARRAY)");
	if (!(buf = parse_hex(tok[2], &len)))
		return fail("sqe: bad hex");
	if (len == 128 && (flags & IORING_SETUP_SQE_MIXED))
		slots = 2; /* a 128-byte SQE on a mixed ring takes two 64-byte slots */
	else if (len != 64 && !(len == 128 && (flags & IORING_SETUP_SQE128))) {
		fail("an SQE is 64 bytes (128 on SQE128 or SQE_MIXED rings), got %zu", len);
		goto out;
	}
	if (apply_fixups(buf, len, fix, nfix))
		goto out;

	idx = rg->sqe_tail;
	slot = idx & rg->sq_mask;
	if (slots == 2 && slot == rg->sq_mask) {
		fail("a 128-byte SQE cannot start in the last slot of a SQE_MIXED ring");
		goto out;
	}
	/* The slot is wholly defined by the program: zero what the hex does not cover. */
	memset(rg->sqes + (size_t)slot * rg->sqe_size, 0, (size_t)rg->sqe_size * slots);
	memcpy(rg->sqes + (size_t)slot * rg->sqe_size, buf, len);
	if (!(flags & IORING_SETUP_NO_SQARRAY)) {
		unsigned *array = u32_at(rg->sq_base, rg->p.sq_off.array);

		array[idx & rg->sq_mask] = has_n ? n : slot;
		if (slots == 2)
			array[(idx + 1) & rg->sq_mask] = slot + 1;
	}
	rg->sqe_tail = idx + slots;
	/* SQ_REWIND rings keep head and tail at 0: the kernel reads from slot 0 each time. */
	if (!(flags & IORING_SETUP_SQ_REWIND))
		STORE_REL(u32_at(rg->sq_base, rg->p.sq_off.tail), rg->sqe_tail);
	ret = 0;
out:
	free(buf);
	return ret;
}

/* enter RING TO_SUBMIT MIN_COMPLETE FLAGS [ARG_REGION ARG_OFF ARG_SIZE] [fd=N] -> enter RING RET
 * fd=N passes N instead of the ring's fd (a registered index, with IORING_ENTER_REGISTERED_RING). */
int op_enter(char **tok, int ntok)
{
	struct handle *h = handle_find(tok[1]);
	uint32_t to_submit, min_complete, flags;
	uint64_t arg_off = 0, arg_size = 0;
	void *arg = NULL;
	unsigned fd;
	int ret;

	if (!h)
		return fail("no ring '%s'", tok[1]);
	fd = (unsigned)h->fd;
	if (take_fd_token(tok, &ntok, &fd) < 0)
		return fail("enter: bad fd=");
	if (parse_u32(tok[2], &to_submit) || parse_u32(tok[3], &min_complete) || parse_u32(tok[4], &flags))
		return fail("enter: bad number");
	if (ntok != 5 && ntok != 8)
		return fail("enter: the argument needs REGION OFF SIZE");
	if (ntok == 8) {
		if (parse_u64(tok[6], &arg_off) || parse_u64(tok[7], &arg_size))
			return fail("enter: bad argument offset or size");
		if (!strcmp(tok[5], "-")) {
			arg = (void *)(uintptr_t)arg_off; /* a raw value, e.g. an EXT_ARG_REG offset */
		} else {
			struct region *r = region_span(tok[5], arg_off, arg_size);

			if (!r)
				return -1;
			arg = r->base + arg_off;
		}
	}
	watchdog_arm();
	if (ntok == 8)
		ret = io_uring_enter2(fd, to_submit, min_complete, flags, arg, (size_t)arg_size);
	else
		ret = io_uring_enter(fd, to_submit, min_complete, flags, NULL);
	watchdog_disarm();
	rec("enter %s %d", tok[1], ret);
	if (h->ring && (h->ring->p.flags & IORING_SETUP_SQ_REWIND))
		h->ring->sqe_tail = 0;
	return 0;
}

/* reap RING MAX -> cqe RING HEX ..., reaped RING N */
int op_reap(char **tok, int ntok)
{
	struct ring *rg = mapped_ring(tok[1]);
	unsigned *khead, head, tail, n = 0;
	uint32_t max;
	int ret = 0;

	(void)ntok;
	if (!rg)
		return -1;
	if (parse_u32(tok[2], &max))
		return fail("reap: bad count");
	khead = u32_at(rg->cq_base, rg->p.cq_off.head);
	head = *khead; /* the application owns the CQ head */
	tail = LOAD_ACQ(u32_at(rg->cq_base, rg->p.cq_off.tail));
	while (head != tail && (max == 0 || n < max)) {
		unsigned idx = head & rg->cq_mask, step = 1;
		uint8_t *cqe = rg->cq_base + rg->p.cq_off.cqes + (size_t)idx * rg->cqe_size;
		size_t size = rg->cqe_size;

		/* a 32-byte CQE needs two published slots; the last one alone is read as 16 bytes */
		if ((rg->p.flags & IORING_SETUP_CQE_MIXED) && tail - head >= 2 &&
		    (((struct io_uring_cqe *)(void *)cqe)->flags & IORING_CQE_F_32)) {
			if (idx == rg->cq_mask) {
				ret = fail("a 32-byte CQE straddles the end of the CQ ring");
				break;
			}
			size = 32;
			step = 2;
		}
		rec_hex(cqe, size, "cqe %s", tok[1]);
		head += step;
		n++;
	}
	STORE_REL(khead, head);
	if (ret)
		return ret;
	rec("reaped %s %u", tok[1], n);
	return 0;
}

/* observe RING -> ring RING sq_head=.. ... */
int op_observe(char **tok, int ntok)
{
	struct ring *rg = mapped_ring(tok[1]);
	const struct io_uring_params *p;

	(void)ntok;
	if (!rg)
		return -1;
	p = &rg->p;
	rec("ring %s sq_head=%u sq_tail=%u cq_head=%u cq_tail=%u sq_flags=%u cq_flags=%u sq_dropped=%u cq_overflow=%u",
	    tok[1],
	    LOAD_ACQ(u32_at(rg->sq_base, p->sq_off.head)),
	    LOAD_ACQ(u32_at(rg->sq_base, p->sq_off.tail)),
	    LOAD_ACQ(u32_at(rg->cq_base, p->cq_off.head)),
	    LOAD_ACQ(u32_at(rg->cq_base, p->cq_off.tail)),
	    LOAD_ACQ(u32_at(rg->sq_base, p->sq_off.flags)),
	    LOAD_ACQ(u32_at(rg->cq_base, p->cq_off.flags)),
	    LOAD_ACQ(u32_at(rg->sq_base, p->sq_off.dropped)),
	    LOAD_ACQ(u32_at(rg->cq_base, p->cq_off.overflow)));
	return 0;
}

/* cqflags RING VALUE */
int op_cqflags(char **tok, int ntok)
{
	struct ring *rg = mapped_ring(tok[1]);
	uint32_t v;

	(void)ntok;
	if (!rg)
		return -1;
	if (parse_u32(tok[2], &v))
		return fail("cqflags: bad value");
	STORE_REL(u32_at(rg->cq_base, rg->p.cq_off.flags), v);
	return 0;
}
