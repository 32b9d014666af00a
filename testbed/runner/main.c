/* uringlab runner: reads a program (testbed/PROTOCOL.md), runs each scenario in a forked child
 * under a time budget, and prints raw records for the TypeScript decoder.
 *
 *   runner [--budget-ms N] [--watchdog-ms N] [PROGRAM | -]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

static unsigned budget_ms = 10000;

static void usage(void)
{
	fprintf(stderr, "usage: runner [--budget-ms N] [--watchdog-ms N] [PROGRAM | -]\n");
	exit(2);
}

static char *read_all(FILE *f, size_t *size)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);

	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		len += n;
		if (n == 0)
			break;
		if (len + 1 == cap) {
			char *bigger = realloc(buf, cap *= 2);

			if (!bigger)
				free(buf);
			buf = bigger;
		}
	}
	if (buf)
		buf[len] = '\0';
	*size = len;
	return buf;
}

/* Cuts the text into lines (in place; a trailing \r is dropped). A line holding a NUL byte is
 * marked: C string functions would silently cut it short there. */
static struct line *split_lines(char *text, size_t size, int *count)
{
	int cap = 1024, n = 0;
	struct line *lines = malloc(sizeof(*lines) * (size_t)cap);
	char *end = text + size;

	for (char *s = text; lines && s < end;) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		char *stop = nl ? nl : end;

		if (n == cap) {
			struct line *more = realloc(lines, sizeof(*lines) * (size_t)(cap *= 2));

			if (!more)
				return free(lines), NULL;
			lines = more;
		}
		lines[n].nul = memchr(s, '\0', (size_t)(stop - s)) != NULL;
		if (nl)
			*nl = '\0';
		if (nl && nl > s && nl[-1] == '\r')
			nl[-1] = '\0';
		lines[n].no = n + 1;
		lines[n].text = s;
		n++;
		if (!nl)
			break;
		s = nl + 1;
	}
	*count = n;
	return lines;
}

/* Returns the first token of a line in buf (or "" for blank lines and comments). */
static const char *first_token(const char *text, char *buf, size_t size, char **rest)
{
	size_t i = 0;

	while (*text == ' ' || *text == '\t')
		text++;
	while (*text && *text != ' ' && *text != '\t' && i + 1 < size)
		buf[i++] = *text++;
	buf[i] = '\0';
	while (*text == ' ' || *text == '\t')
		text++;
	*rest = (char *)text;
	return buf[0] == '#' ? "" : buf;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void child_main(const struct scenario *sc)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* A write to a closed pipe or socket must come back as -EPIPE, not kill the scenario. */
	signal(SIGPIPE, SIG_IGN);
	watchdog_install();
	if (!sc->closed)
		rec("error %d scenario has no 'end'", sc->first_line);
	else
		run_scenario(sc);
	/* Not part of the trace: tells the host a blocking call was cut short (a slow kernel, or a
	 * wait nothing ends), so a fuzz divergence can be tried again with a longer watchdog. */
	if (watchdog_fired())
		rec("watchdog %u", watchdog_fired());
	fflush(stdout);
	_exit(0);
}

static void report_status(int status)
{
	if (WIFSIGNALED(status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(status));

		if (abbrev)
			rec("crash SIG%s", abbrev);
		else
			rec("crash %d", WTERMSIG(status));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		rec("crash exit-%d", WEXITSTATUS(status));
	}
}

/* Waits for the child within the budget; SIGCHLD is blocked so sigtimedwait can sleep on it. */
static void wait_child(pid_t pid)
{
	long deadline = now_ms() + budget_ms;
	sigset_t chld;
	int status;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		long left = deadline - now_ms();
		struct timespec ts;

		if (r == pid) {
			report_status(status);
			return;
		}
		if (r < 0 && errno != EINTR) {
			rec("crash wait-%d", errno);
			return;
		}
		if (left <= 0)
			break;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000L;
		sigtimedwait(&chld, NULL, &ts);
	}
	kill(pid, SIGKILL);
	/* A task stuck in the kernel may take a moment to die; do not wait forever for it. */
	for (int i = 0; i < 200 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(10000);
	rec("timeout");
}

static void run_one(const struct scenario *sc)
{
	pid_t pid;

	out_set_id(sc->id);
	rec("begin");
	pid = fork();
	if (pid == 0)
		child_main(sc);
	if (pid < 0)
		rec("crash fork-%d", errno);
	else
		wait_child(pid);
	rec("end");
}

int main(int argc, char **argv)
{
	const char *path = "-";
	struct utsname u;
	sigset_t chld;
	struct line *lines;
	char *text, tokbuf[NAME_MAX_LEN + 16], *rest;
	int nlines, i;
	size_t size;
	FILE *f;

	for (i = 1; i < argc; i++) {
		uint32_t v;

		if (!strcmp(argv[i], "--budget-ms") && i + 1 < argc && !parse_u32(argv[i + 1], &v))
			budget_ms = v, i++;
		else if (!strcmp(argv[i], "--watchdog-ms") && i + 1 < argc && !parse_u32(argv[i + 1], &v))
			watchdog_set_ms(v), i++;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			usage();
		else if (i == argc - 1)
			path = argv[i];
		else
			usage();
	}
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		fprintf(stderr, "runner: %s: %s\n", path, strerror(errno));
		return 2;
	}
	text = read_all(f, &size);
	if (!text || !(lines = split_lines(text, size, &nlines))) {
		fprintf(stderr, "runner: out of memory\n");
		return 2;
	}

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	rec("kernel %s", uname(&u) == 0 ? u.release : "unknown");

	for (i = 0; i < nlines; i++) {
		const char *op = first_token(lines[i].text, tokbuf, sizeof(tokbuf), &rest);
		struct scenario sc;
		char idbuf[NAME_MAX_LEN + 16];

		if (lines[i].nul) {
			out_set_id("-");
			rec("error %d the line holds a NUL byte", lines[i].no);
			continue;
		}
		if (!*op)
			continue;
		if (strcmp(op, "scenario")) {
			out_set_id("-");
			rec("error %d expected 'scenario ID', got '%s'", lines[i].no, op);
			continue;
		}
		first_token(rest, idbuf, sizeof(idbuf), &rest);
		if (!valid_name(idbuf) || *rest) {
			out_set_id("-");
			rec("error %d bad scenario id", lines[i].no);
			idbuf[0] = '\0';
		}
		memset(&sc, 0, sizeof(sc));
		sc.first_line = lines[i].no;
		sc.ops = &lines[i + 1];
		for (i++; i < nlines; i++) {
			op = first_token(lines[i].text, tokbuf, sizeof(tokbuf), &rest);
			/* A line with a NUL byte is never `end`: it stays in the body and fails there. */
			if (!lines[i].nul && (!strcmp(op, "end") || !strcmp(op, "scenario")))
				break;
			sc.nops++;
		}
		sc.closed = i < nlines && !lines[i].nul && !strcmp(op, "end");
		if (i < nlines && !sc.closed)
			i--; /* the next scenario starts here */
		if (!idbuf[0])
			continue;
		sc.id = strdup(idbuf);
		run_one(&sc);
	}
	out_set_id("-");
	fflush(stdout);
	return 0;
}
