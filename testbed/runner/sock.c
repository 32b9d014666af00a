/* Operations a scenario makes directly on a socket or an fd: shutdown(2), fcntl(F_SETFL). */
#include <errno.h>
#include <fcntl.h>
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

/* setfl FD NONBLOCK -> setfl FD RET: fcntl(F_SETFL) with O_NONBLOCK set (1) or cleared (0), the
 * other status flags kept. */
int op_setfl(char **tok, int ntok)
{
	struct handle *h = handle_find(tok[1]);
	uint32_t on;
	int fl, ret;

	(void)ntok;
	if (!h)
		return fail("no fd '%s'", tok[1]);
	if (parse_u32(tok[2], &on) || on > 1)
		return fail("setfl: NONBLOCK must be 0 or 1");
	fl = fcntl(h->fd, F_GETFL);
	if (fl < 0)
		ret = -errno;
	else
		ret = fcntl(h->fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) ? -errno : 0;
	rec("setfl %s %d", tok[1], ret);
	return 0;
}
