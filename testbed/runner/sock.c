/* Socket operations a scenario makes directly: shutdown(2). */
#include <errno.h>
#include <sys/socket.h>

#include "runner.h"

/* shutdown FD HOW -> shutdown FD RET. HOW is passed as given (0..2 are SHUT_RD/WR/RDWR), so a
 * scenario can show how the kernel refuses another value. */
int op_shutdown(char **tok, int ntok)
{
	struct handle *h = handle_find(tok[1]);
	uint32_t how;
	int ret;

	(void)ntok;
	if (!h)
		return fail("no fd '%s'", tok[1]);
	if (parse_u32(tok[2], &how))
		return fail("shutdown: bad HOW '%s'", tok[2]);
	ret = shutdown(h->fd, (int)how) ? -errno : 0;
	rec("shutdown %s %d", tok[1], ret);
	return 0;
}
