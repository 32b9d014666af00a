/* Program text: tokens, numbers, hex, and the operation table a scenario's lines dispatch to. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner.h"

int tokenize(char *s, char **tok, int max)
{
	int n = 0;

	for (;;) {
		while (*s && isspace((unsigned char)*s))
			*s++ = '\0';
		if (!*s)
			return n;
		if (n == max)
			return -1;
		tok[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
	}
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	int base = 10;

	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -1;
	}
	errno = 0;
	*out = strtoull(s, &end, base);
	return (errno || *end) ? -1 : 0;
}

/* Accepts a leading '-' so raw values such as k:-1 or ADD can be negative (two's complement). */
int parse_s64(const char *s, int64_t *out)
{
	uint64_t v;

	if (s && *s == '-') {
		if (parse_u64(s + 1, &v))
			return -1;
		*out = (int64_t)(0 - v);
		return 0;
	}
	if (parse_u64(s, &v))
		return -1;
	*out = (int64_t)v;
	return 0;
}

int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int take_fd_token(char **tok, int *ntok, unsigned *fd)
{
	uint32_t v;

	if (*ntok < 2 || strncmp(tok[*ntok - 1], "fd=", 3))
		return 0;
	if (parse_u32(tok[*ntok - 1] + 3, &v))
		return -1;
	*fd = v;
	(*ntok)--;
	return 1;
}

int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= NAME_MAX_LEN)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return 0;
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t *parse_hex(const char *s, size_t *len)
{
	size_t n = strlen(s);
	uint8_t *buf;

	if (n % 2)
		return NULL;
	buf = malloc(n / 2 ? n / 2 : 1);
	if (!buf)
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(buf);
			return NULL;
		}
		buf[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return buf;
}

struct opdef {
	const char *name;
	int min_args, max_args; /* counted without the operation name; max -1 = unbounded */
	op_fn *fn;
};

static const struct opdef OPS[] = {
	{ "require", 1, 1, op_require },
	{ "region", 2, 2, op_region },
	{ "fill", 4, 4, op_fill },
	{ "wmem", 3, -1, op_wmem },
	{ "rmem", 3, 3, op_rmem },
	{ "setup", 4, 4, op_setup },
	{ "sqe", 2, -1, op_sqe },
	{ "enter", 4, 8, op_enter },
	{ "reap", 2, 2, op_reap },
	{ "observe", 1, 1, op_observe },
	{ "cqflags", 2, 2, op_cqflags },
	{ "register", 5, 6, op_register },
	{ "pipe", 2, 2, op_pipe },
	{ "tcppair", 2, 2, op_tcppair },
	{ "unixpair", 2, 2, op_unixpair },
	{ "dgrampair", 2, 2, op_dgrampair },
	{ "udppair", 2, 3, op_udppair },
	{ "eventfd", 3, 3, op_eventfd },
	{ "tmpfile", 3, 5, op_tmpfile },
	{ "fstat", 1, 1, op_fstat },
	{ "blockdev", 3, 3, op_blockdev },
	{ "write", 3, 3, op_write },
	{ "read", 2, 2, op_read },
	{ "writemem", 4, 4, op_writemem },
	{ "poll", 3, 3, op_poll },
	{ "time", 2, -1, op_time },
	{ "close", 1, 1, op_close },
	{ "mmap", 4, 4, op_mmap },
	{ "advregion", 3, 3, op_advregion },
	{ "munmap", 1, 1, op_munmap },
	{ "shutdown", 2, 2, op_shutdown },
	{ "setfl", 2, 2, op_setfl },
	{ "sleep", 1, 1, op_sleep },
	{ "procstatus", 1, 16, op_procstatus },
	{ "creds", 2, 2, op_creds },
	{ "hugeregion", 2, 2, op_hugeregion },
	{ "filemap", 3, 3, op_filemap },
	{ "raise", 1, 1, op_raise },
};

static const struct opdef *find_op(const char *name)
{
	for (size_t i = 0; i < sizeof(OPS) / sizeof(OPS[0]); i++)
		if (!strcmp(OPS[i].name, name))
			return &OPS[i];
	return NULL;
}

/* Looks the operation up and checks its argument count; -1 with fail() set if it cannot run. */
static int dispatch(char **tok, int ntok)
{
	const struct opdef *d = find_op(tok[0]);

	if (!d)
		return fail("unknown operation '%s'", tok[0]);
	if (ntok - 1 < d->min_args || (d->max_args >= 0 && ntok - 1 > d->max_args))
		return fail("%s: wrong number of arguments (%d)", d->name, ntok - 1);
	return d->fn(tok, ntok);
}

/* time NAME OP ARGS... -> OP's records, then `time NAME NS`: CLOCK_MONOTONIC nanoseconds around
 * OP alone (its records are held back until the clock has been read again). */
int op_time(char **tok, int ntok)
{
	struct timespec a, b;
	long long ns;
	int ret;

	if (!valid_name(tok[1]))
		return fail("time: bad name '%s'", tok[1]);
	if (ntok < 3 || !strcmp(tok[2], "time"))
		return fail("time: needs one operation to time (not another time)");
	out_hold(1);
	clock_gettime(CLOCK_MONOTONIC, &a);
	ret = dispatch(tok + 2, ntok - 2);
	clock_gettime(CLOCK_MONOTONIC, &b);
	out_hold(0);
	if (ret < 0)
		return ret;
	ns = (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
	rec("time %s %lld", tok[1], ns);
	return ret;
}

/* Runs one line; returns 0 to go on, nonzero to end the scenario. */
static int run_line(const struct line *ln)
{
	char *copy = strdup(ln->text), **tok = malloc(sizeof(char *) * MAX_TOKENS);
	int ntok, ret = -1;

	if (!copy || !tok) {
		rec("error %d out of memory", ln->no);
		return 1;
	}
	if (ln->nul) {
		rec("error %d the line holds a NUL byte", ln->no);
		free(tok);
		free(copy);
		return 1;
	}
	ntok = tokenize(copy, tok, MAX_TOKENS);
	if (ntok == 0 || tok[0][0] == '#') {
		free(tok);
		free(copy);
		return 0;
	}
	fail("%s", ""); /* no stale message from an earlier line */
	if (ntok < 0)
		fail("more than %d tokens", MAX_TOKENS);
	else
		ret = dispatch(tok, ntok);
	if (ret < 0)
		rec("error %d %s", ln->no, fail_message());
	free(tok);
	free(copy);
	return ret != 0;
}

void run_scenario(const struct scenario *sc)
{
	for (int i = 0; i < sc->nops; i++)
		if (run_line(&sc->ops[i]))
			return;
}
