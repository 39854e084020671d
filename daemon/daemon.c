/* daemon.c: the helpers every part of postrouted may use: the planning clock, Redis key names, the systemd status line and readiness. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "log.h"
#include "util.h"

int64_t
daemon_now(const struct daemon *d)
{
	if (d->cfg.planner_clock == CONFIG_CLOCK_EVENTS && d->event_clock > 0)
		return d->event_clock;
	return wall_s();
}

void
daemon_key(const struct daemon *d, char *buf, size_t n, const char *fmt, ...)
{
	size_t l = strlen(d->cfg.streams_prefix);
	va_list ap;

	if (l >= n)
		l = n - 1;
	memcpy(buf, d->cfg.streams_prefix, l);
	va_start(ap, fmt);
	vsnprintf(buf + l, n - l, fmt, ap);
	va_end(ap);
}

void
daemon_status(struct daemon *d, const char *fmt, ...)
{
	char status[160];
	va_list ap;

	(void)d;
	va_start(ap, fmt);
	vsnprintf(status, sizeof(status), fmt, ap);
	va_end(ap);
	sd_notifyf(0, "STATUS=%s", status);
}

void
daemon_ready(struct daemon *d)
{
	static const char *const said[] = { "consuming", "standby" };

	if (d->role == ROLE_DEPOSED || d->said_ready[d->role])
		return;
	d->said_ready[d->role] = 1;
	if (d->role == ROLE_ACTIVE)
		log_info("ready: %s %s as %s in group %s%s", said[d->role],
		    d->cfg.streams_events, d->consumer, d->cfg.streams_group,
		    d->token > 0 ? " (active, holding the lease)" : "");
	else
		log_info("ready: %s: another postrouted holds the lease",
		    said[d->role]);
	if (!d->ready)
		sd_notify(0, "READY=1");
	d->ready = 1;
}
