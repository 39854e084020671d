/* procstat.h: the process's own figures from /proc/self, read as the Prometheus client libraries read them (the process_* metrics). */
#ifndef POSTROUTED_PROCSTAT_H
#define POSTROUTED_PROCSTAT_H

struct procstat {
	double cpu_seconds;        /* user + system time of all threads */
	double resident_bytes;
	double virtual_bytes;
	double start_time;         /* seconds since the epoch */
	double open_fds;
	double max_fds;            /* the soft RLIMIT_NOFILE (+Inf: none) */
};

/* Fills ps; returns 0, or -1 when /proc cannot be read (ps is then
 * zeroed). Any thread; it only reads files. */
int procstat_read(struct procstat *ps);

#endif
