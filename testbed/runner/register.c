/* register: io_uring_register with an argument the program laid out in a region. */
#include <string.h>

#include "runner.h"

/* register RING OPCODE NR_ARGS REGION OFF [fd=N] -> register RING OPCODE RET
 * RING `-` passes fd -1 (the "blind" opcodes that take no ring); REGION `-` passes NULL; fd=N
 * passes N instead of the ring's fd (a registered index, with USE_REGISTERED_RING). */
int op_register(char **tok, int ntok)
{
	uint32_t opcode, nr_args;
	uint64_t off;
	void *arg = NULL;
	int fd = -1, ret, override;
	unsigned fd_n = 0;

	if ((override = take_fd_token(tok, &ntok, &fd_n)) < 0)
		return fail("register: bad fd=");
	if (ntok != 6)
		return fail("register: RING OPCODE NR_ARGS REGION OFF [fd=N]");
	if (parse_u32(tok[2], &opcode) || parse_u32(tok[3], &nr_args) || parse_u64(tok[5], &off))
		return fail("register: bad number");
	if (strcmp(tok[1], "-")) {
		struct handle *h = handle_find(tok[1]);

		if (!h)
			return fail("no ring '%s'", tok[1]);
		fd = h->fd;
	}
	if (override)
		fd = (int)fd_n;
	if (strcmp(tok[4], "-")) {
		/* The kernel decides how many bytes it reads; the region only has to exist. */
		struct region *r = region_span(tok[4], off, 0);

		if (!r)
			return -1;
		arg = r->base + off;
	}
	ret = io_uring_register((unsigned)fd, opcode, arg, nr_args);
	rec("register %s %u %d", tok[1], opcode, ret);
	return 0;
}
