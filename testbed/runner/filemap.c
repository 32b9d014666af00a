/* filemap: a private (copy-on-write) mapping of a file the scenario opened, so registered buffers
 * can be file-backed memory. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "runner.h"

/* filemap REGION FD SIZE: mmap(SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) */
int op_filemap(char **tok, int ntok)
{
	uint64_t size;
	struct handle *h;
	struct region *r;
	void *p;

	(void)ntok;
	if (parse_u64(tok[3], &size) || size == 0 || size > MAX_REGION_SIZE)
		return fail("bad filemap size '%s'", tok[3]);
	if (!(h = handle_find(tok[2])))
		return fail("no fd '%s'", tok[2]);
	if (!(r = region_add(tok[1])))
		return -1;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, h->fd, 0);
	if (p == MAP_FAILED)
		return fail("filemap %s: mmap of %s failed: %s", tok[1], tok[2], strerror(errno));
	r->base = p;
	r->size = (size_t)size;
	return 0;
}
