/* procstatus: named fields of /proc/self/status into the trace (pinned and locked memory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

/* The value of `NAME:` (the number before " kB"), or -1 when the field is missing. */
static long status_field(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, name, n) && p[n] == ':')
			return strtol(p + n + 1, NULL, 10);
	}
	return -1;
}

/* procstatus FIELD... -> proc FIELD=KB ... */
int op_procstatus(char **tok, int ntok)
{
	static char text[16384];
	char line[1024];
	size_t len, used;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return fail("procstatus: cannot open /proc/self/status");
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = 0;
	used = (size_t)snprintf(line, sizeof(line), "proc");
	for (int i = 1; i < ntok; i++) {
		long v;

		if (!valid_name(tok[i]))
			return fail("procstatus: bad field name '%s'", tok[i]);
		v = status_field(text, tok[i]);
		if (v < 0)
			return fail("procstatus: /proc/self/status has no field %s", tok[i]);
		used += (size_t)snprintf(line + used, sizeof(line) - used, " %s=%ld", tok[i], v);
		if (used >= sizeof(line))
			return fail("procstatus: too many fields");
	}
	rec("%s", line);
	return 0;
}
