/* require: skip a scenario whose environment is missing (root, an NVMe disk, loopback TCP, free
 * huge pages, a filesystem to make files on, a minimum kernel). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "runner.h"

long release_number(const char *s)
{
	long part[3] = { 0, 0, 0 };
	char *end;

	for (int i = 0; i < 3; i++) {
		part[i] = strtol(s, &end, 10);
		if (end == s)
			return i < 2 ? -1 : part[0] * 1000000 + part[1] * 1000;
		if (*end != '.')
			break;
		s = end + 1;
	}
	return part[0] * 1000000 + part[1] * 1000 + part[2];
}

/* require WHAT -> `skip WHAT` and the scenario stops when WHAT is not met */
int op_require(char **tok, int ntok)
{
	const char *what = tok[1];
	int met;

	(void)ntok;
	if (!strcmp(what, "root")) {
		met = geteuid() == 0;
	} else if (!strcmp(what, "nvme")) {
		struct stat st;

		met = stat("/dev/nvme0n1", &st) == 0 && S_ISBLK(st.st_mode);
	} else if (!strcmp(what, "tcp")) {
		met = tcp_available();
	} else if (!strcmp(what, "hugetlb")) {
		met = hugetlb_free() > 0;
	} else if (!strncmp(what, "fs:", 3)) {
		met = fs_dir(what + 3) != NULL;
	} else if (!strncmp(what, "kernel>=", 8)) {
		struct utsname u;
		long want = release_number(what + 8);

		if (want < 0)
			return fail("bad kernel version in '%s'", what);
		met = uname(&u) == 0 && release_number(u.release) >= want;
	} else {
		return fail("unknown requirement '%s'", what);
	}
	if (met)
		return 0;
	rec("skip %s", what);
	return 1;
}
