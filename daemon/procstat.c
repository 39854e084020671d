/* procstat.c: the process's own figures from /proc/self, read as the Prometheus client libraries read them (the process_* metrics). */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "procstat.h"

/*
 * As client_golang's process collector and the Python client do:
 * /proc/self/stat for the CPU time (utime + stime), the virtual size, the
 * resident pages and the start time (clock ticks after boot, plus btime
 * of /proc/stat); the entries of /proc/self/fd for the open descriptors
 * (the directory's own among them, as theirs count it); the soft limit of
 * RLIMIT_NOFILE for the maximum.
 */

/* The boot time, seconds since the epoch; -1 when unknown. */
static double
procstat_btime(void)
{
	FILE *f = fopen("/proc/stat", "re");
	char line[256];
	double bt = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "btime ", 6) == 0) {
			bt = strtod(line + 6, NULL);
			break;
		}
	fclose(f);
	return bt;
}

static int
procstat_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (dir == NULL)
		return -1;
	while ((e = readdir(dir)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* Fields 3 to 24 of /proc/self/stat (proc(5) numbers them from 1). */
#define PROCSTAT_UTIME 14
#define PROCSTAT_STIME 15
#define PROCSTAT_STARTTIME 22
#define PROCSTAT_VSIZE 23
#define PROCSTAT_RSS 24

int
procstat_read(struct procstat *ps)
{
	FILE *f = fopen("/proc/self/stat", "re");
	char buf[1024], *p, *end;
	double field[PROCSTAT_RSS + 1];
	double ticks = (double)sysconf(_SC_CLK_TCK), btime;
	size_t n;
	struct rlimit rl;
	int fds, k;

	memset(ps, 0, sizeof(*ps));
	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name (field 2) is in parentheses and may hold spaces
	 * and parentheses: field 3 (the state, a letter) follows the last
	 * ')'; the rest are numbers. */
	if ((p = strrchr(buf, ')')) == NULL || ticks <= 0 || p[1] != ' ')
		return -1;
	p += 3;
	for (k = 4; k <= PROCSTAT_RSS; k++) {
		field[k] = strtod(p, &end);
		if (end == p)
			return -1;
		p = end;
	}
	if ((btime = procstat_btime()) < 0 || (fds = procstat_fds()) < 0)
		return -1;
	ps->cpu_seconds = (field[PROCSTAT_UTIME] + field[PROCSTAT_STIME]) /
	    ticks;
	ps->virtual_bytes = field[PROCSTAT_VSIZE];
	ps->resident_bytes = field[PROCSTAT_RSS] *
	    (double)sysconf(_SC_PAGESIZE);
	ps->start_time = btime + field[PROCSTAT_STARTTIME] / ticks;
	ps->open_fds = fds;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		ps->max_fds = rl.rlim_cur == RLIM_INFINITY ? INFINITY :
		    (double)rl.rlim_cur;
	return 0;
}
