/* replay.c: runs a fuzz target over files and directories of inputs (the committed seeds and regressions) without libFuzzer. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/*
 * usage: fuzz-replay-NAME PATH...
 * Each PATH is an input file or a directory of them (not recursive; names
 * starting with '.' are skipped). Every input goes through
 * LLVMFuzzerTestOneInput in a buffer of exactly its size, so that
 * AddressSanitizer (make check-sanitize) sees any read past the end.
 * Exit 0 when all ran, 1 when a path could not be read; a failing
 * property aborts. REPLAY_VERBOSE=1 names each input before running it,
 * to find the one that failed.
 */
static int replay_count;
static int replay_verbose;

static int
replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	/* Exactly n bytes (one for an empty input, passed as size 0), so
	 * that AddressSanitizer catches a read past the end. */
	if ((buf = malloc(n > 0 ? (size_t)n : 1)) == NULL) {
		fclose(fp);
		return -1;
	}
	if (n > 0 && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	if (replay_verbose)
		fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	replay_count++;
	return 0;
}

static int
replay_path(const char *path)
{
	struct stat st;
	struct dirent **names;
	char sub[4096];
	int n, rc = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path,
			    names[i]->d_name);
			if (stat(sub, &st) == 0 && S_ISREG(st.st_mode) &&
			    replay_file(sub) != 0)
				rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *v = getenv("REPLAY_VERBOSE");
	int rc = 0;

	replay_verbose = v != NULL && *v != '\0' && *v != '0';
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i]) != 0)
			rc = 1;
	printf("replay: %d inputs, no failure\n", replay_count);
	return rc;
}
