/* Runner-only operations that exercise the harness itself (see PROTOCOL.md): the scenario
 * compiler never emits them. */
#include <signal.h>
#include <string.h>
#include <time.h>

#include "runner.h"

/* sleep MS: plain nanosleep, not bounded by the watchdog (it is how the budget is tested). */
int op_sleep(char **tok, int ntok)
{
	uint32_t ms;
	struct timespec ts;

	(void)ntok;
	if (parse_u32(tok[1], &ms))
		return fail("sleep: bad milliseconds");
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts))
		;
	return 0;
}

/* raise SIGNAL: die by that signal (its default action), as a crashing scenario would. */
int op_raise(char **tok, int ntok)
{
	uint32_t sig;

	(void)ntok;
	if (parse_u32(tok[1], &sig) || sig == 0 || sig >= 65)
		return fail("raise: bad signal number");
	signal((int)sig, SIG_DFL);
	raise((int)sig);
	return fail("signal %u did not end the scenario", sig);
}
