/* hugeregion: anonymous memory backed by 2 MiB huge pages (hugetlbfs), for registered buffers
 * that sit in compound pages. The guest's /init reserves the pages; a host without free huge
 * pages skips such scenarios through `require hugetlb`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "runner.h"

#define HUGE_2M (2ULL << 20)

/* Free 2 MiB huge pages (HugePages_Free in /proc/meminfo), 0 if none or unknown. */
long hugetlb_free(void)
{
	char line[256];
	long n = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "HugePages_Free: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* hugeregion REGION SIZE: SIZE rounded up to 2 MiB, faulted in, zeroed */
int op_hugeregion(char **tok, int ntok)
{
	uint64_t size, len;
	struct region *r;
	void *p;

	(void)ntok;
	if (parse_u64(tok[2], &size) || size == 0 || size > MAX_REGION_SIZE)
		return fail("bad hugeregion size '%s'", tok[2]);
	if (!(r = region_add(tok[1])))
		return -1;
	len = (size + HUGE_2M - 1) & ~(HUGE_2M - 1);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return fail("hugeregion %s: mmap of %llu bytes of huge pages failed: %s", tok[1],
			    (unsigned long long)len, strerror(errno));
	r->base = p;
	r->size = (size_t)size;
	return 0;
}
