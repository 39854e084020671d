/* daemon.c: the helpers every part of postrouted may use: the planning clock, Redis key names, the systemd status line and readiness. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "postroute/plan_wire.h"
#include "postroute/region.h"

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

struct pr_region *
daemon_load_region(const struct config *cfg, char *id, char *err, size_t n)
{
	char path[CONFIG_PATH * 2];
	struct pr_region *r = NULL;
	struct pr_error pe;
	size_t len = 0;
	char *buf;

	if (config_region_path(cfg, path, sizeof(path)) != 0) {
		snprintf(err, n, "%s: [planner] region: %s: not found, nor in "
		    "%s", cfg->path, path, config_datadir());
		return NULL;
	}
	if ((buf = read_file(path, READ_FILE_MAX, &len)) == NULL) {
		snprintf(err, n, "%s: [planner] region: %s: %s", cfg->path,
		    path, strerror(errno));
		return NULL;
	}
	memset(&pe, 0, sizeof(pe));
	if (pr_region_from_json(buf, len, &r, &pe) != 0) {
		snprintf(err, n, "%s: [planner] region: %s: %s", cfg->path,
		    path, pe.msg);
		r = NULL;
	}
	if (r != NULL && id != NULL)
		pr_wire_region_id(buf, len, id);
	free(buf);
	return r;
}
