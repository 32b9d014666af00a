/* Record output. Every record is one whole line flushed at once: the stream goes to a serial
 * console and a scenario may crash right after printing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

static const char *cur_id = "-";
static char fail_buf[512];

void out_set_id(const char *id)
{
	cur_id = id;
}

static int holding;
static char *held;
static size_t held_len;

void out_hold(int on)
{
	holding = on;
	if (on || !held)
		return;
	fwrite(held, 1, held_len, stdout);
	fflush(stdout);
	free(held);
	held = NULL;
	held_len = 0;
}

static void vrec(const uint8_t *hex, size_t n, const char *fmt, va_list ap)
{
	static const char digits[] = "0123456789abcdef";
	char *line = NULL;
	size_t len = 0;
	FILE *f = holding ? open_memstream(&line, &len) : stdout;

	if (!f) { /* no memory to hold it: print it now rather than lose it */
		f = stdout;
		holding = 0;
	}
	fprintf(f, "@@ %s ", cur_id);
	vfprintf(f, fmt, ap);
	if (hex && n) { /* nothing read: the HEX token is left out */
		fputc(' ', f);
		for (size_t i = 0; i < n; i++) {
			fputc(digits[hex[i] >> 4], f);
			fputc(digits[hex[i] & 15], f);
		}
	}
	fputc('\n', f);
	if (f == stdout) {
		fflush(stdout);
		return;
	}
	fclose(f);
	char *grown = realloc(held, held_len + len);
	if (grown) {
		memcpy(grown + held_len, line, len);
		held = grown;
		held_len += len;
	} else {
		fwrite(line, 1, len, stdout);
	}
	free(line);
}

void rec(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrec(NULL, 0, fmt, ap);
	va_end(ap);
}

void rec_hex(const uint8_t *p, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrec(p, n, fmt, ap);
	va_end(ap);
}

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fail_buf, sizeof(fail_buf), fmt, ap);
	va_end(ap);
	return -1;
}

const char *fail_message(void)
{
	return fail_buf[0] ? fail_buf : "failed";
}
