/* creds: the rest of the scenario runs as an unprivileged user with a given RLIMIT_MEMLOCK, so
 * io_uring charges its memory to that user (no CAP_IPC_LOCK) and -ENOMEM becomes reachable. The
 * scenario is a forked child, so the next scenario starts as root again. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sys/resource.h>
#include <unistd.h>

#include "runner.h"

/* creds UID MEMLOCK -> creds RET */
int op_creds(char **tok, int ntok)
{
	uint32_t uid;
	uint64_t memlock;
	struct rlimit rl;
	int ret = 0;

	(void)ntok;
	if (parse_u32(tok[1], &uid) || parse_u64(tok[2], &memlock))
		return fail("creds: bad number");
	rl.rlim_cur = rl.rlim_max = (rlim_t)memlock;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		ret = -errno;
	else if (uid && setgroups(0, NULL))
		ret = -errno;
	else if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		ret = -errno;
	rec("creds %d", ret);
	return 0;
}
