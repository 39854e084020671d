/* fuzz_config.c: fuzz target for postrouted's configuration parser (daemon/config.c on libinih). */
#define _GNU_SOURCE             /* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

/*
 * config_load reads a path, so each input is written to one in-memory
 * file (memfd, mode 0600, created once) and read back through
 * /proc/self/fd. The file is loaded twice: with a roomy error
 * buffer and with a tiny one (truncation of the messages).
 *
 * Properties: the result is 0 or -1; -1 comes with a non-empty message;
 * the messages stay NUL-terminated within their buffer; a configuration
 * that loads has every key within its documented range.
 */
static int fuzz_fd = -1;
static char fuzz_path[64];

static void
fuzz_config_open(void)
{
	if ((fuzz_fd = memfd_create("postroute-fuzz-config", 0)) < 0 ||
	    fchmod(fuzz_fd, 0600) != 0) {
		perror("fuzz_config: memfd_create");
		abort();
	}
	snprintf(fuzz_path, sizeof(fuzz_path), "/proc/self/fd/%d", fuzz_fd);
}

static void
fuzz_config_check(const struct config *c)
{
	if (c->redis_port < 1 || c->redis_port > 65535 ||
	    c->http_port < 0 || c->http_port > 65535 ||
	    c->streams_batch < 1 || c->streams_batch > 10000 ||
	    c->streams_max_event_bytes < 64 ||
	    c->streams_max_event_bytes > 4096 ||
	    c->http_max_body < 1024 || c->solver_workers < 1 ||
	    c->solver_workers > 64 || !(c->solver_time_limit >= 0.01) ||
	    c->solver_time_limit > c->solver_max_time_limit ||
	    c->redis_backoff_min_ms > c->redis_backoff_max_ms ||
	    (c->planner_clock != CONFIG_CLOCK_WALL &&
	    c->planner_clock != CONFIG_CLOCK_EVENTS) ||
	    memchr(c->redis_password, '\0', sizeof(c->redis_password)) == NULL ||
	    memchr(c->planner_region, '\0', sizeof(c->planner_region)) == NULL ||
	    c->planner_region[0] == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config c;
	char errs[8192], tiny[40];
	int rc;

	if (fuzz_fd < 0)
		fuzz_config_open();
	if (ftruncate(fuzz_fd, 0) != 0 || pwrite(fuzz_fd, data, size, 0) !=
	    (ssize_t)size)
		abort();

	memset(errs, 'x', sizeof(errs));
	rc = config_load(&c, fuzz_path, errs, sizeof(errs));
	if ((rc != 0 && rc != -1) || memchr(errs, '\0', sizeof(errs)) == NULL ||
	    (rc == -1 && errs[0] == '\0'))
		abort();
	if (rc == 0)
		fuzz_config_check(&c);

	memset(tiny, 'x', sizeof(tiny));
	if (config_load(&c, fuzz_path, tiny, sizeof(tiny)) != rc ||
	    memchr(tiny, '\0', sizeof(tiny)) == NULL)
		abort();
	return 0;
}
