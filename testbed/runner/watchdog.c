/* The in-scenario watchdog: a blocking system call (an io_uring wait, a read) is interrupted by
 * SIGALRM after a while, so it returns -EINTR and is recorded instead of eating the budget. */
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "runner.h"

static unsigned watchdog_ms = 1000;
/* How often it ended a call in this scenario (each scenario runs in its own child). */
static volatile sig_atomic_t fired;

static void on_alarm(int sig)
{
	(void)sig; /* here to interrupt the system call, and to count that it did */
	fired++;
}

unsigned watchdog_fired(void)
{
	return (unsigned)fired;
}

void watchdog_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the interrupted call must return EINTR */
	sigaction(SIGALRM, &sa, NULL);
}

void watchdog_set_ms(unsigned ms)
{
	watchdog_ms = ms;
}

static void set_timer(unsigned ms)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
}

void watchdog_arm(void)
{
	set_timer(watchdog_ms);
}

void watchdog_disarm(void)
{
	set_timer(0);
}
