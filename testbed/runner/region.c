/* Memory regions: anonymous mappings the program fills and reads back, and ring-fd mappings
 * (`mmap`, e.g. a kernel-allocated provided-buffer ring). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runner.h"

static size_t page_round(uint64_t n)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	return (size_t)((n + page - 1) / page * page);
}

/* region REGION SIZE */
int op_region(char **tok, int ntok)
{
	uint64_t size;
	struct region *r;
	void *p;

	(void)ntok;
	if (parse_u64(tok[2], &size) || size == 0 || size > MAX_REGION_SIZE)
		return fail("bad region size '%s'", tok[2]);
	if (!(r = region_add(tok[1])))
		return -1;
	p = mmap(NULL, page_round(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return fail("region %s: mmap of %llu bytes failed: %s", tok[1],
			    (unsigned long long)size, strerror(errno));
	r->base = p;
	r->size = (size_t)size;
	return 0;
}

/* fill REGION OFF LEN SEED */
int op_fill(char **tok, int ntok)
{
	uint64_t off, len, seed;
	struct region *r;

	(void)ntok;
	if (parse_u64(tok[2], &off) || parse_u64(tok[3], &len) || parse_u64(tok[4], &seed))
		return fail("fill: bad number");
	if (!(r = region_span(tok[1], off, len)))
		return -1;
	for (uint64_t i = 0; i < len; i++)
		r->base[off + i] = (uint8_t)(seed + i);
	return 0;
}

/* wmem REGION OFF HEX [fixups] */
int op_wmem(char **tok, int ntok)
{
	uint64_t off;
	size_t len;
	uint8_t *buf;
	struct region *r;
	int ret = -1;

	if (parse_u64(tok[2], &off))
		return fail("wmem: bad offset '%s'", tok[2]);
	if (!(buf = parse_hex(tok[3], &len)))
		return fail("wmem: bad hex");
	if ((r = region_span(tok[1], off, len)) && !apply_fixups(buf, len, tok + 4, ntok - 4)) {
		memcpy(r->base + off, buf, len);
		ret = 0;
	}
	free(buf);
	return ret;
}

/* rmem REGION OFF LEN -> mem REGION OFF HEX */
int op_rmem(char **tok, int ntok)
{
	uint64_t off, len;
	struct region *r;

	(void)ntok;
	if (parse_u64(tok[2], &off) || parse_u64(tok[3], &len) || len == 0)
		return fail("rmem: bad offset or length");
	if (!(r = region_span(tok[1], off, len)))
		return -1;
	rec_hex(r->base + off, len, "mem %s %llu", r->name, (unsigned long long)off);
	return 0;
}

/* mmap REGION RING OFFSET SIZE -> mmap REGION RET */
int op_mmap(char **tok, int ntok)
{
	struct handle *h = handle_find(tok[2]);
	uint64_t off, size;
	struct region *r;
	void *p;

	(void)ntok;
	if (!h)
		return fail("no fd or ring '%s'", tok[2]);
	if (parse_u64(tok[3], &off) || parse_u64(tok[4], &size) || size == 0 || size > MAX_MMAP_SIZE)
		return fail("mmap: bad offset or size");
	if (!valid_name(tok[1]) || region_find(tok[1]))
		return fail("region name '%s' is bad or taken", tok[1]);
	p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, h->fd, (off_t)off);
	if (p == MAP_FAILED) {
		rec("mmap %s %d", tok[1], -errno);
		return 0;
	}
	if (!(r = region_add(tok[1])))
		return -1;
	r->base = p;
	r->size = (size_t)size;
	r->from_ring = 1;
	rec("mmap %s 0", tok[1]);
	return 0;
}

/* munmap REGION -> munmap REGION RET: unmap the whole region (page-rounded). Its name and
 * address stay, so SQEs can still point into it (and meet a fault); its bytes cannot be written
 * or read back any more. */
int op_munmap(char **tok, int ntok)
{
	struct region *r = region_find(tok[1]);
	int ret;

	(void)ntok;
	if (!r || !r->base)
		return fail("no region '%s'", tok[1]);
	if (r->unmapped)
		return fail("region '%s' is already unmapped", tok[1]);
	ret = munmap(r->base, page_round(r->size)) ? -errno : 0;
	if (!ret)
		r->unmapped = 1;
	rec("munmap %s %d", tok[1], ret);
	return 0;
}
