/* Memory of a chosen page size, for timing buffer registration: base pages, transparent huge
 * pages (madvise(MADV_HUGEPAGE) on a 2 MiB-aligned mapping) or hugetlb pages the guest reserved
 * at boot (MAP_HUGETLB, 2 MiB). The pages are touched before the operation returns, so a later
 * REGISTER_BUFFERS times pinning and accounting, not page faults. The host's hugepage settings
 * are never changed here. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runner.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#define HUGE_2M (2ULL << 20)

/* kB of the mapping starting at `base` that /proc/self/smaps shows backed by huge pages
 * (AnonHugePages for THP, Private_Hugetlb + Shared_Hugetlb for hugetlb); -1 if unreadable. */
static long huge_kb(const void *base)
{
	char line[256], want[32];
	FILE *f = fopen("/proc/self/smaps", "r");
	int in = 0;
	long kb = 0, v;

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)base);
	while (fgets(line, sizeof(line), f)) {
		/* A mapping's header starts with its range in lowercase hex; its fields start with a
		 * capital letter. */
		int header = (line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f');

		if (header) {
			if (in)
				break;
			in = strncmp(line, want, strlen(want)) == 0;
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, "AnonHugePages: %ld kB", &v) == 1 ||
		    sscanf(line, "Private_Hugetlb: %ld kB", &v) == 1 ||
		    sscanf(line, "Shared_Hugetlb: %ld kB", &v) == 1)
			kb += v;
	}
	fclose(f);
	return kb;
}

/* advregion REGION SIZE KIND -> advregion REGION RET HUGE_KB
 * KIND: base | thp | hugetlb. SIZE is rounded up to 2 MiB for thp and hugetlb. On failure
 * (RET -errno) no region is made. */
int op_advregion(char **tok, int ntok)
{
	uint64_t size, len;
	uint8_t *raw, *p;
	struct region *r;
	long page = sysconf(_SC_PAGESIZE);
	int kind;

	(void)ntok;
	if (parse_u64(tok[2], &size) || size == 0 || size > MAX_MMAP_SIZE)
		return fail("advregion: bad size '%s'", tok[2]);
	if (!strcmp(tok[3], "base"))
		kind = 0;
	else if (!strcmp(tok[3], "thp"))
		kind = 1;
	else if (!strcmp(tok[3], "hugetlb"))
		kind = 2;
	else
		return fail("advregion: kind is base, thp or hugetlb, not '%s'", tok[3]);
	if (!valid_name(tok[1]) || region_find(tok[1]))
		return fail("region name '%s' is bad or taken", tok[1]);
	len = kind ? (size + HUGE_2M - 1) / HUGE_2M * HUGE_2M : (size + page - 1) / page * page;

	if (kind == 2) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (21 << MAP_HUGE_SHIFT), -1, 0);
		if (p == MAP_FAILED) {
			rec("advregion %s %d 0", tok[1], -errno);
			return 0;
		}
	} else {
		/* Over-map by 2 MiB so a 2 MiB-aligned start exists; the slack is unmapped. */
		raw = mmap(NULL, len + HUGE_2M, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (raw == MAP_FAILED) {
			rec("advregion %s %d 0", tok[1], -errno);
			return 0;
		}
		p = (uint8_t *)(((uintptr_t)raw + HUGE_2M - 1) & ~(uintptr_t)(HUGE_2M - 1));
		if (p > raw)
			munmap(raw, (size_t)(p - raw));
		if (raw + len + HUGE_2M > p + len)
			munmap(p + len, (size_t)(raw + len + HUGE_2M - (p + len)));
		if (madvise(p, len, kind == 1 ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
			int e = errno;

			munmap(p, len);
			rec("advregion %s %d 0", tok[1], -e);
			return 0;
		}
	}
	/* Fault every page in now (one write a base page). */
	for (uint64_t off = 0; off < len; off += (uint64_t)page)
		p[off] = 1;
	if (!(r = region_add(tok[1]))) {
		munmap(p, len);
		return -1;
	}
	r->base = p;
	r->size = (size_t)len;
	rec("advregion %s 0 %ld", tok[1], huge_kb(p));
	return 0;
}
