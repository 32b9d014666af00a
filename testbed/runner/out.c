/* Record output. Every record is one whole line flushed at once: the stream goes to a serial
 * console and a scenario may crash right after printing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "runner.h"

static const char *cur_id = "-";
static char fail_buf[512];

void out_set_id(const char *id)
{
	cur_id = id;
}

static void vrec(const uint8_t *hex, size_t n, const char *fmt, va_list ap)
{
	static const char digits[] = "0123456789abcdef";

	printf("@@ %s ", cur_id);
	vprintf(fmt, ap);
	if (hex && n) { /* nothing read: the HEX token is left out */
		putchar(' ');
		for (size_t i = 0; i < n; i++) {
			putchar(digits[hex[i] >> 4]);
			putchar(digits[hex[i] & 15]);
		}
	}
	putchar('\n');
	fflush(stdout);
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
