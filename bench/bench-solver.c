/* bench-solver.c: solver benchmarks on Solomon, CVRPLIB X and A/B/P: gaps to the best known, beside VROOM and HGS. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "postroute/postroute.h"
#include "benchutil.h"
#include "checker.h"

/*
 * Reads the instances of one set from the shared benchmark data, solves
 * them one after the other through the public API (a time limit per
 * instance), checks every solution with the independent checker
 * (tests/checker), and reports:
 *
 *   - a CSV, one row per instance (--out, default bench/results/SET.csv);
 *   - a table on stdout, each row as soon as its instance is solved, with
 *     the anchor solvers' gaps on the same instance beside it;
 *   - per-family means, ours and the anchors' over the same instances
 *     (so --only keeps the comparison fair);
 *   - SUMMARY-SET.md beside the CSV, to paste into the README.
 *
 * Anchors (../shared/bench-data/anchor-results, measured on this kind of
 * machine): VROOM v1.14 on Solomon (x2_t1 and x5_t1, gap to the
 * distance-only reference), HGS-CVRP (seeds 1 and 2, 10 s / 30 s) and VROOM
 * (x2, x5) on the X instances. Gaps for Solomon are against the
 * hierarchical BKS (bks.csv: fewest vehicles, then distance) and against
 * the distance-only reference re-evaluated with double distances
 * (bks_distance_only.csv, distance_double_recomputed; none for C204): the
 * second is what a distance objective should be compared with.
 */

#define BS_MAX_NAME 64
#define BS_MAX_FAM 16

enum bs_set {
	BS_SOLOMON,
	BS_CVRPLIB,
	BS_ABP
};

struct bs_setdef {
	const char *name;
	const char *dir;	/* instances, under the data dir */
	const char *ext;
	const char *bks;	/* bks csv */
	const char *bks_routes_col;
	const char *bks_cost_col;
};

static const struct bs_setdef bs_sets[] = {
	[BS_SOLOMON] = { "solomon", "solomon/instances", ".txt",
	    "solomon/bks.csv", "vehicles", "distance" },
	[BS_CVRPLIB] = { "cvrplib", "cvrplib/instances", ".vrp",
	    "cvrplib/bks.csv", "routes", "cost" },
	[BS_ABP] = { "abp", "cvrp-abp/instances", ".vrp",
	    "cvrp-abp/bks.csv", "vehicles", "cost" },
};

struct bs_opts {
	enum bs_set set;
	double time_limit;
	double x_small, x_large;
	int threads;
	long iterations;	/* >0: per thread instead of a time limit */
	uint64_t seed;
	int have_seed;
	int objective;
	const char *only;
	const char *out;
	const char *data;
};

/* A small CSV table: the whole file, split in place. No quoting: the
 * shared data has none. */
struct csv {
	char *buf;
	int ncols;
	char **hdr;
	int nrows;
	char ***rows;
};

/* Anchor figures for one instance; NAN when absent. */
struct bs_anchor {
	double vroom_x2_ref, vroom_x5_ref;	/* Solomon: gap % to ref */
	double vroom_x2_s, vroom_x5_s;		/* wall seconds */
	double hgs1, hgs2;			/* X: gap % to BKS */
	double vx2, vx5;			/* X: VROOM gap % to BKS */
};

struct bs_row {
	char name[BS_MAX_NAME];
	char family[BS_MAX_FAM];
	int n;
	int ok;			/* parsed and solved */
	int routes, unassigned, feasible;
	double cost;
	int bks_routes;		/* -1: unknown */
	double bks_cost, gap_bks, ref, gap_ref, seconds, limit;
	char why[256];
	struct bs_anchor a;
};

static double
bs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void bs_die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

static void
bs_die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench-solver: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void
bs_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: bench-solver --set solomon|cvrplib|abp [--time-limit S]\n"
	    "           [--x-limit-small S --x-limit-large S] [--threads N] "
	    "[--seed N]\n"
	    "           [--iterations N] [--objective distance|vehicles]\n"
	    "           [--only NAME[,NAME...]] [--out bench/results/FILE.csv] [--data DIR]\n"
	    "  --time-limit S     per instance for solomon and abp (default 1)\n"
	    "  --x-limit-small S  per X instance with n <= 300 (default 10)\n"
	    "  --x-limit-large S  per X instance with n > 300 (default 30)\n"
	    "  --iterations N     per instance and thread instead of a time limit\n"
	    "                     (deterministic)\n"
	    "  --only NAMES       instance names or shell patterns (C1*,"
	    "R101)\n"
	    "  --data DIR         the shared benchmark data (default %s)\n",
	    BENCH_SHARED_DIR);
}

/* ---- CSV ------------------------------------------------------------------ */

static char **
csv_split(char *line, int *n)
{
	char **f = NULL;
	int k = 0;

	for (char *p = line;; p++) {
		char *c = strchr(p, ',');

		if ((f = realloc(f, (size_t)(k + 1) * sizeof(*f))) == NULL)
			bs_die("out of memory");
		f[k++] = p;
		if (c == NULL)
			break;
		*c = '\0';
		p = c;
	}
	*n = k;
	return f;
}

/* NULL when the file cannot be read. */
static struct csv *
csv_load(const char *path)
{
	struct csv *t;
	char *line, *next;
	size_t len;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		bs_die("out of memory");
	if ((t->buf = bench_read_file(path, &len)) == NULL) {
		free(t);
		return NULL;
	}
	for (line = t->buf; line != NULL && *line != '\0'; line = next) {
		char *nl = strchr(line, '\n');
		size_t l;
		int n;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		l = strlen(line);
		if (l > 0 && line[l - 1] == '\r')
			line[--l] = '\0';
		if (l == 0)
			continue;
		if (t->hdr == NULL) {
			t->hdr = csv_split(line, &t->ncols);
			continue;
		}
		t->rows = realloc(t->rows, (size_t)(t->nrows + 1) *
		    sizeof(*t->rows));
		if (t->rows == NULL)
			bs_die("out of memory");
		t->rows[t->nrows] = csv_split(line, &n);
		if (n < t->ncols) {	/* pad short rows with "" */
			t->rows[t->nrows] = realloc(t->rows[t->nrows],
			    (size_t)t->ncols * sizeof(char *));
			if (t->rows[t->nrows] == NULL)
				bs_die("out of memory");
			for (int i = n; i < t->ncols; i++)
				t->rows[t->nrows][i] = line + l;
		}
		t->nrows++;
	}
	return t;
}

static void
csv_free(struct csv *t)
{
	if (t == NULL)
		return;
	for (int r = 0; r < t->nrows; r++)
		free(t->rows[r]);
	free(t->rows);
	free(t->hdr);
	free(t->buf);
	free(t);
}

static int
csv_col(const struct csv *t, const char *name)
{
	if (t == NULL)
		return -1;
	for (int c = 0; c < t->ncols; c++)
		if (strcmp(t->hdr[c], name) == 0)
			return c;
	return -1;
}

/* The cell at (row, column name), or "" when either is missing. */
static const char *
csv_get(const struct csv *t, int row, const char *col)
{
	int c = csv_col(t, col);

	if (t == NULL || row < 0 || row >= t->nrows || c < 0)
		return "";
	return t->rows[row][c];
}

/* The number at (row, col), NAN when missing or empty. */
static double
csv_num(const struct csv *t, int row, const char *col)
{
	const char *s = csv_get(t, row, col);
	char *end;
	double v;

	if (*s == '\0')
		return NAN;
	v = strtod(s, &end);
	return end == s ? NAN : v;
}

/* The first row where column col is v (and col2 is v2, when col2 is not
 * NULL); -1 when none. */
static int
csv_find(const struct csv *t, const char *col, const char *v,
    const char *col2, const char *v2)
{
	int c = csv_col(t, col), c2 = col2 ? csv_col(t, col2) : -1;

	if (c < 0 || (col2 != NULL && c2 < 0))
		return -1;
	for (int r = 0; r < t->nrows; r++)
		if (strcmp(t->rows[r][c], v) == 0 &&
		    (col2 == NULL || strcmp(t->rows[r][c2], v2) == 0))
			return r;
	return -1;
}

/* ---- instances ----------------------------------------------------------- */

/* CVRPLIB names carry the node count ("X-n101-k25"); sort by prefix, then
 * that count, so that X-n101 comes before X-n1001. */
static int
bs_name_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	const char *nx = strstr(x, "-n"), *ny = strstr(y, "-n");

	if (nx != NULL && ny != NULL && nx - x == ny - y &&
	    strncmp(x, y, (size_t)(nx - x)) == 0) {
		long ix = strtol(nx + 2, NULL, 10), iy = strtol(ny + 2, NULL,
		    10);

		if (ix != iy)
			return ix < iy ? -1 : 1;
	}
	return strcmp(x, y);
}

static int
bs_selected(const char *name, const char *only)
{
	char buf[512], *tok, *save = NULL;

	if (only == NULL)
		return 1;
	snprintf(buf, sizeof(buf), "%s", only);
	for (char *s = buf; (tok = strtok_r(s, ",", &save)) != NULL;
	    s = NULL)
		if (fnmatch(tok, name, 0) == 0)
			return 1;
	return 0;
}

/* The sorted instance names (without extension) of the set. */
static char **
bs_list(const struct bs_opts *o, int *count)
{
	const struct bs_setdef *sd = &bs_sets[o->set];
	char path[1024];
	struct dirent *de;
	char **names = NULL;
	size_t el = strlen(sd->ext);
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", o->data, sd->dir);
	if ((d = opendir(path)) == NULL)
		bs_die("%s: %s (is the shared benchmark data beside the "
		    "repository? see --data)", path, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		char name[BS_MAX_NAME];

		if (l <= el || l - el >= sizeof(name) ||
		    strcmp(de->d_name + l - el, sd->ext) != 0)
			continue;
		memcpy(name, de->d_name, l - el);
		name[l - el] = '\0';
		if (!bs_selected(name, o->only))
			continue;
		if ((names = realloc(names, (size_t)(n + 1) *
		    sizeof(*names))) == NULL ||
		    (names[n] = strdup(name)) == NULL)
			bs_die("out of memory");
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, (size_t)n, sizeof(*names), bs_name_cmp);
	*count = n;
	return names;
}

static void
bs_family(enum bs_set set, const char *name, int n, char *fam, size_t len)
{
	size_t k = 0;

	switch (set) {
	case BS_SOLOMON:
		/* letters and the first digit: C1, RC2 */
		while (name[k] != '\0' && name[k] >= 'A' && name[k] <= 'Z')
			k++;
		snprintf(fam, len, "%.*s%c", (int)k, name,
		    name[k] != '\0' ? name[k] : '?');
		break;
	case BS_CVRPLIB:
		snprintf(fam, len, "%s", n <= 300 ? "X-small" : "X-large");
		break;
	case BS_ABP:
		snprintf(fam, len, "%c", name[0]);
		break;
	}
}

/* ---- anchors -------------------------------------------------------------- */

struct bs_anchors {
	struct csv *vroom_solomon;
	struct csv *hgs;
	struct csv *vroom_x;
};

static void
bs_anchors_load(const struct bs_opts *o, struct bs_anchors *an)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/anchor-results/vroom-solomon.csv",
	    o->data);
	an->vroom_solomon = csv_load(path);
	snprintf(path, sizeof(path), "%s/anchor-results/hgs-cvrplib.csv",
	    o->data);
	an->hgs = csv_load(path);
	snprintf(path, sizeof(path), "%s/anchor-results/vroom-cvrplib.csv",
	    o->data);
	an->vroom_x = csv_load(path);
}

/* HGS's gap for one seed at its shortest time limit (10 s or 30 s; the
 * extra 90 s runs are left out). */
static double
bs_hgs_gap(const struct csv *t, const char *name, const char *seed)
{
	double best_t = INFINITY, gap = NAN;

	if (t == NULL)
		return NAN;
	for (int r = 0; r < t->nrows; r++) {
		double tl;

		if (strcmp(csv_get(t, r, "instance"), name) != 0 ||
		    strcmp(csv_get(t, r, "seed"), seed) != 0)
			continue;
		tl = csv_num(t, r, "time_limit_s");
		if (tl < best_t) {
			best_t = tl;
			gap = csv_num(t, r, "gap_pct");
		}
	}
	return gap;
}

static void
bs_anchor(const struct bs_anchors *an, enum bs_set set, const char *name,
    struct bs_anchor *a)
{
	int r;

	a->vroom_x2_ref = a->vroom_x5_ref = NAN;
	a->vroom_x2_s = a->vroom_x5_s = NAN;
	a->hgs1 = a->hgs2 = a->vx2 = a->vx5 = NAN;
	if (set == BS_SOLOMON) {
		r = csv_find(an->vroom_solomon, "instance", name, "config",
		    "x2_t1");
		a->vroom_x2_ref = csv_num(an->vroom_solomon, r,
		    "gap_pct_vs_distonly_ref");
		a->vroom_x2_s = csv_num(an->vroom_solomon, r, "wall_s");
		r = csv_find(an->vroom_solomon, "instance", name, "config",
		    "x5_t1");
		a->vroom_x5_ref = csv_num(an->vroom_solomon, r,
		    "gap_pct_vs_distonly_ref");
		a->vroom_x5_s = csv_num(an->vroom_solomon, r, "wall_s");
	} else if (set == BS_CVRPLIB) {
		a->hgs1 = bs_hgs_gap(an->hgs, name, "1");
		a->hgs2 = bs_hgs_gap(an->hgs, name, "2");
		r = csv_find(an->vroom_x, "instance", name, "config",
		    "x2_t2_k1.5");
		a->vx2 = csv_num(an->vroom_x, r, "gap_pct");
		r = csv_find(an->vroom_x, "instance", name, "config",
		    "x5_t2_k1.5");
		a->vx5 = csv_num(an->vroom_x, r, "gap_pct");
	}
}

/* ---- solving one instance ----------------------------------------------- */

static void
bs_run_one(const struct bs_opts *o, const struct csv *bks,
    const struct csv *ref, const char *name, struct bs_row *row)
{
	const struct bs_setdef *sd = &bs_sets[o->set];
	struct pr_problem *p = NULL;
	struct pr_solution *s = NULL;
	struct pr_solve_params sp;
	struct pr_error err;
	char path[1024];
	double t0, dist;
	size_t len;
	char *buf;
	int rc, r;

	memset(row, 0, sizeof(*row));
	snprintf(row->name, sizeof(row->name), "%s", name);
	row->bks_routes = -1;
	row->cost = row->bks_cost = row->gap_bks = NAN;
	row->ref = row->gap_ref = row->seconds = NAN;
	r = csv_find(bks, "instance", name, NULL, NULL);
	if (r >= 0) {
		double br = csv_num(bks, r, sd->bks_routes_col);

		row->bks_routes = isnan(br) ? -1 : (int)br;
		row->bks_cost = csv_num(bks, r, sd->bks_cost_col);
	}
	if (ref != NULL)
		row->ref = csv_num(ref, csv_find(ref, "instance", name, NULL,
		    NULL), "distance_double_recomputed");

	snprintf(path, sizeof(path), "%s/%s/%s%s", o->data, sd->dir, name,
	    sd->ext);
	if ((buf = bench_read_file(path, &len)) == NULL) {
		snprintf(row->why, sizeof(row->why), "cannot read %.200s", path);
		return;
	}
	memset(&err, 0, sizeof(err));
	rc = o->set == BS_SOLOMON ? pr_problem_from_solomon(buf, len, &p,
	    &err) : pr_problem_from_cvrplib(buf, len, &p, &err);
	free(buf);
	if (rc != 0) {
		snprintf(row->why, sizeof(row->why), "parse: %s", err.msg);
		return;
	}
	row->n = p->n_jobs;
	bs_family(o->set, name, row->n, row->family, sizeof(row->family));
	row->limit = o->set != BS_CVRPLIB ? o->time_limit :
	    row->n <= 300 ? o->x_small : o->x_large;

	pr_solve_params_init(&sp);
	sp.time_limit = row->limit;
	sp.iterations = o->iterations;
	if (o->iterations > 0)
		sp.time_limit = 0;
	if (o->have_seed)
		sp.seed = o->seed;
	if (o->threads > 0)
		sp.threads = o->threads;
	if (o->objective >= 0)
		sp.objective = (enum pr_objective)o->objective;
	memset(&err, 0, sizeof(err));
	t0 = bs_now();
	rc = pr_solve(p, &sp, &s, &err);
	row->seconds = bs_now() - t0;
	if (rc != 0 || s == NULL) {
		snprintf(row->why, sizeof(row->why), "solve: %s", err.msg);
		pr_problem_free(p);
		return;
	}
	row->ok = 1;
	row->routes = s->n_routes;
	row->unassigned = s->n_unassigned;
	row->cost = s->cost;
	row->feasible = chk_solution(p, s, &dist, row->why,
	    sizeof(row->why)) == 0;
	if (row->feasible && row->unassigned > 0)
		snprintf(row->why, sizeof(row->why), "%d unassigned",
		    row->unassigned);
	if (!isnan(row->bks_cost) && row->bks_cost > 0)
		row->gap_bks = 100.0 * (row->cost - row->bks_cost) /
		    row->bks_cost;
	if (!isnan(row->ref) && row->ref > 0)
		row->gap_ref = 100.0 * (row->cost - row->ref) / row->ref;
	pr_solution_free(s);
	pr_problem_free(p);
}

/* ---- output ---------------------------------------------------------------- */

/* A number with prec decimals (and a sign when sign) for a table cell,
 * "-" when NAN, into buf. */
static const char *
bs_fmt(char *buf, size_t len, int prec, int sign, double v)
{
	if (!isnan(v) && fabs(v) < 0.5 * pow(10, -prec))
		v = 0.0;	/* no "-0.00" */
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (sign)
		snprintf(buf, len, "%+.*f", prec, v);
	else
		snprintf(buf, len, "%.*f", prec, v);
	return buf;
}

/* A number for a CSV cell ("" when NAN). */
static void
bs_csv_num(FILE *fp, int prec, double v)
{
	if (!isnan(v))
		fprintf(fp, "%.*f", prec, v);
}

static void
bs_print_header(enum bs_set set)
{
	printf("%-12s %-7s %4s %6s %4s %4s %10s %7s %10s %7s %10s %7s %6s",
	    "instance", "family", "n", "routes", "unas", "feas", "cost",
	    "bks_r", "bks_cost", "gap%", "ref_dist", "gapref%", "secs");
	if (set == BS_SOLOMON)
		printf("  | %11s %11s", "vroom-x2 g%", "vroom-x5 g%");
	else if (set == BS_CVRPLIB)
		printf("  | %7s %7s %9s %9s", "hgs1 g%", "hgs2 g%",
		    "vroom-x2%", "vroom-x5%");
	putchar('\n');
}

static void
bs_print_row(enum bs_set set, const struct bs_row *w)
{
	char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32];

	if (!w->ok) {
		printf("%-12s %s\n", w->name, w->why);
		fflush(stdout);
		return;
	}
	printf("%-12s %-7s %4d %6d %4d %4s %10s %7d %10s %7s %10s %7s %6.2f",
	    w->name, w->family, w->n, w->routes, w->unassigned,
	    w->feasible ? "yes" : "NO", bs_fmt(a, sizeof(a), 2, 0, w->cost),
	    w->bks_routes, bs_fmt(b, sizeof(b), 2, 0, w->bks_cost),
	    bs_fmt(c, sizeof(c), 2, 1, w->gap_bks),
	    bs_fmt(d, sizeof(d), 2, 0, w->ref),
	    bs_fmt(e, sizeof(e), 2, 1, w->gap_ref), w->seconds);
	if (set == BS_SOLOMON)
		printf("  | %11s %11s",
		    bs_fmt(f, sizeof(f), 2, 1, w->a.vroom_x2_ref),
		    bs_fmt(g, sizeof(g), 2, 1, w->a.vroom_x5_ref));
	else if (set == BS_CVRPLIB)
		printf("  | %7s %7s %9s %9s",
		    bs_fmt(f, sizeof(f), 2, 0, w->a.hgs1),
		    bs_fmt(g, sizeof(g), 2, 0, w->a.hgs2),
		    bs_fmt(h, sizeof(h), 2, 0, w->a.vx2),
		    bs_fmt(a, sizeof(a), 2, 0, w->a.vx5));
	if (!w->feasible)
		printf("  INFEASIBLE: %s", w->why);
	putchar('\n');
	fflush(stdout);
}

static void
bs_write_csv(FILE *fp, const struct bs_row *rows, int n)
{
	fprintf(fp, "instance,family,n,routes,unassigned,feasible,cost,"
	    "bks_routes,bks_cost,gap_bks_pct,ref_dist_only,gap_ref_pct,"
	    "seconds\n");
	for (int i = 0; i < n; i++) {
		const struct bs_row *w = &rows[i];

		fprintf(fp, "%s,%s,%d,", w->name, w->family, w->n);
		if (w->ok)
			fprintf(fp, "%d,%d,%s,", w->routes, w->unassigned,
			    w->feasible ? "yes" : "no");
		else
			fprintf(fp, ",,error,");
		bs_csv_num(fp, 4, w->cost);
		fputc(',', fp);
		if (w->bks_routes >= 0)
			fprintf(fp, "%d", w->bks_routes);
		fputc(',', fp);
		bs_csv_num(fp, 4, w->bks_cost);
		fputc(',', fp);
		bs_csv_num(fp, 3, w->gap_bks);
		fputc(',', fp);
		bs_csv_num(fp, 4, w->ref);
		fputc(',', fp);
		bs_csv_num(fp, 3, w->gap_ref);
		fputc(',', fp);
		bs_csv_num(fp, 3, w->seconds);
		fputc('\n', fp);
	}
}

/* Means over one family (or all when fam is NULL). */
struct bs_mean {
	int n, solved, feasible, complete;
	double routes, bks_routes, gap_bks, gap_ref, seconds;
	int n_gap_bks, n_gap_ref, n_bks_routes;
	double vx2_ref, vx5_ref, vx2_s, vx5_s;
	int n_vx2_ref, n_vx5_ref, n_vx2_s, n_vx5_s;
	double hgs, vx2, vx5;
	int n_hgs, n_vx2, n_vx5;
};

static void
bs_add(double *sum, int *cnt, double v)
{
	if (!isnan(v)) {
		*sum += v;
		(*cnt)++;
	}
}

static double
bs_avg(double sum, int cnt)
{
	return cnt > 0 ? sum / cnt : NAN;
}

static void
bs_means(const struct bs_row *rows, int n, const char *fam,
    struct bs_mean *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < n; i++) {
		const struct bs_row *w = &rows[i];

		if (fam != NULL && strcmp(w->family, fam) != 0)
			continue;
		m->n++;
		if (!w->ok)
			continue;
		m->solved++;
		m->feasible += w->feasible;
		m->complete += w->feasible && w->unassigned == 0;
		m->routes += w->routes;
		m->seconds += w->seconds;
		if (w->bks_routes >= 0) {
			m->bks_routes += w->bks_routes;
			m->n_bks_routes++;
		}
		bs_add(&m->gap_bks, &m->n_gap_bks, w->gap_bks);
		/* the anchors are averaged over the same instances as ours */
		if (!isnan(w->gap_ref)) {
			bs_add(&m->gap_ref, &m->n_gap_ref, w->gap_ref);
			bs_add(&m->vx2_ref, &m->n_vx2_ref, w->a.vroom_x2_ref);
			bs_add(&m->vx5_ref, &m->n_vx5_ref, w->a.vroom_x5_ref);
		}
		bs_add(&m->vx2_s, &m->n_vx2_s, w->a.vroom_x2_s);
		bs_add(&m->vx5_s, &m->n_vx5_s, w->a.vroom_x5_s);
		bs_add(&m->hgs, &m->n_hgs, w->a.hgs1);
		bs_add(&m->hgs, &m->n_hgs, w->a.hgs2);
		bs_add(&m->vx2, &m->n_vx2, w->a.vx2);
		bs_add(&m->vx5, &m->n_vx5, w->a.vx5);
	}
}

/* The distinct families in row order. */
static int
bs_families(const struct bs_row *rows, int n, char fams[][BS_MAX_FAM],
    int max)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		int seen = 0;

		if (rows[i].family[0] == '\0')
			continue;
		for (int j = 0; j < k; j++)
			if (strcmp(fams[j], rows[i].family) == 0)
				seen = 1;
		if (!seen && k < max)
			snprintf(fams[k++], BS_MAX_FAM, "%s", rows[i].family);
	}
	return k;
}

/* Column widths of the plain family tables (the first is left-aligned). */
static const int bs_w_solomon[] = { -8, 3, 9, 14, 8, 8, 6, 8, 8, 6, 6 };
static const int bs_w_cvrplib[] = { -8, 3, 9, 14, 8, 6, 8, 9, 9 };
static const int bs_w_abp[] = { -8, 3, 9, 14, 8, 6 };

/* One row of cells, plain (md = 0, widths w) or markdown (md = 1). */
static void
bs_cells(FILE *fp, int md, const int *w, char cells[][64], int n)
{
	for (int k = 0; k < n; k++) {
		if (md)
			fprintf(fp, "| %s ", cells[k]);
		else
			fprintf(fp, "%s%*s", k ? " " : "", w[k], cells[k]);
	}
	fputs(md ? "|\n" : "\n", fp);
}

/* One line of the family table. */
static void
bs_family_line(FILE *fp, enum bs_set set, const char *label,
    const struct bs_mean *m, int md)
{
	char c[12][64], r[24], b[24];
	int k = 0;

	snprintf(c[k++], sizeof(c[0]), "%s", label);
	snprintf(c[k++], sizeof(c[0]), "%d", m->n);
	snprintf(c[k++], sizeof(c[0]), "%d/%d", m->complete, m->n);
	snprintf(c[k++], sizeof(c[0]), "%s (%s)",
	    bs_fmt(r, sizeof(r), 2, 0, m->solved ? m->routes / m->solved :
	    NAN), bs_fmt(b, sizeof(b), 2, 0, bs_avg(m->bks_routes,
	    m->n_bks_routes)));
	bs_fmt(c[k++], sizeof(c[0]), 2, 1, bs_avg(m->gap_bks, m->n_gap_bks));
	if (set == BS_SOLOMON)
		bs_fmt(c[k++], sizeof(c[0]), 2, 1, bs_avg(m->gap_ref,
		    m->n_gap_ref));
	bs_fmt(c[k++], sizeof(c[0]), 2, 0, m->solved ? m->seconds /
	    m->solved : NAN);
	if (set == BS_SOLOMON) {
		bs_fmt(c[k++], sizeof(c[0]), 2, 1, bs_avg(m->vx2_ref,
		    m->n_vx2_ref));
		bs_fmt(c[k++], sizeof(c[0]), 2, 1, bs_avg(m->vx5_ref,
		    m->n_vx5_ref));
		bs_fmt(c[k++], sizeof(c[0]), 2, 0, bs_avg(m->vx2_s,
		    m->n_vx2_s));
		bs_fmt(c[k++], sizeof(c[0]), 2, 0, bs_avg(m->vx5_s,
		    m->n_vx5_s));
		bs_cells(fp, md, bs_w_solomon, c, k);
	} else if (set == BS_CVRPLIB) {
		bs_fmt(c[k++], sizeof(c[0]), 2, 0, bs_avg(m->hgs, m->n_hgs));
		bs_fmt(c[k++], sizeof(c[0]), 2, 0, bs_avg(m->vx2, m->n_vx2));
		bs_fmt(c[k++], sizeof(c[0]), 2, 0, bs_avg(m->vx5, m->n_vx5));
		bs_cells(fp, md, bs_w_cvrplib, c, k);
	} else {
		bs_cells(fp, md, bs_w_abp, c, k);
	}
}

static void
bs_family_header(FILE *fp, enum bs_set set, int md)
{
	static const char *const solomon[] = { "family", "n",
	    "feasible, all served", "routes (BKS)", "gap % vs hier. BKS",
	    "gap % vs dist-only ref", "s/instance",
	    "VROOM x2_t1 gap % vs ref", "VROOM x5_t1 gap % vs ref",
	    "VROOM x2_t1 s", "VROOM x5_t1 s" };
	static const char *const solomon_short[] = { "family", "n", "ok",
	    "routes (bks)", "gap%bks", "gap%ref", "secs", "vrx2%ref",
	    "vrx5%ref", "vrx2 s", "vrx5 s" };
	static const char *const cvrp[] = { "family", "n",
	    "feasible, all served", "routes (BKS)", "gap % vs BKS",
	    "s/instance", "HGS gap % (seeds 1, 2)", "VROOM -x 2 gap %",
	    "VROOM -x 5 gap %" };
	static const char *const cvrp_short[] = { "family", "n", "ok",
	    "routes (bks)", "gap%bks", "secs", "hgs gap%", "vroom-x2%",
	    "vroom-x5%" };
	const char *const *h;
	const int *w;
	char c[12][64];
	int n;

	if (set == BS_SOLOMON) {
		h = md ? solomon : solomon_short;
		w = bs_w_solomon;
		n = 11;
	} else {
		h = md ? cvrp : cvrp_short;
		w = set == BS_CVRPLIB ? bs_w_cvrplib : bs_w_abp;
		n = set == BS_CVRPLIB ? 9 : 6;
	}
	for (int k = 0; k < n; k++)
		snprintf(c[k], sizeof(c[k]), "%s", h[k]);
	bs_cells(fp, md, w, c, n);
	if (md) {
		for (int k = 0; k < n; k++)
			fputs("|---", fp);
		fputs("|\n", fp);
	}
}

static void
bs_family_table(FILE *fp, enum bs_set set, const struct bs_row *rows, int n,
    int md)
{
	char fams[32][BS_MAX_FAM];
	int nf = bs_families(rows, n, fams, 32);
	struct bs_mean m;

	bs_family_header(fp, set, md);
	for (int f = 0; f < nf; f++) {
		bs_means(rows, n, fams[f], &m);
		bs_family_line(fp, set, fams[f], &m, md);
	}
	bs_means(rows, n, NULL, &m);
	bs_family_line(fp, set, "all", &m, md);
}

static void
bs_write_summary(const char *path, const struct bs_opts *o,
    const struct bs_row *rows, int n)
{
	char tmp[1200], date[64], lim[128];
	struct utsname un;
	time_t now = time(NULL);
	struct tm tm;
	FILE *fp;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct pr_solve_params sp;

	pr_solve_params_init(&sp);	/* for the defaults */

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL)
		bs_die("%s: %s", tmp, strerror(errno));
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", &tm);
	if (uname(&un) != 0)
		snprintf(un.machine, sizeof(un.machine), "?");
	if (o->set == BS_CVRPLIB)
		snprintf(lim, sizeof(lim), "%g s (n <= 300) / %g s (n > 300)",
		    o->x_small, o->x_large);
	else
		snprintf(lim, sizeof(lim), "%g s", o->time_limit);
	if (o->iterations > 0)
		snprintf(lim, sizeof(lim), "%ld iterations", o->iterations);
	fprintf(fp, "<!-- bench-solver --set %s: generated, do not edit -->\n"
	    "### %s (postroute %s, %s)\n\n"
	    "%s %s per instance, %d thread%s, seed %llu, objective "
	    "%s; %ld CPUs (%s). Gaps in %%, means per family; the anchors "
	    "(`../shared/bench-data/anchor-results`) are averaged over the "
	    "same instances.\n\n",
	    bs_sets[o->set].name, bs_sets[o->set].name, PR_VERSION, date,
	    o->iterations > 0 ? "Limit" : "Time limit", lim,
	    o->threads > 0 ? o->threads : sp.threads,
	    (o->threads > 0 ? o->threads : sp.threads) > 1 ? "s" : "",
	    (unsigned long long)(o->have_seed ? o->seed : sp.seed),
	    (o->objective >= 0 ? o->objective : (int)sp.objective) ==
	    PR_OBJ_VEHICLES ? "vehicles" : "distance", ncpu,
	    un.machine);
	bs_family_table(fp, o->set, rows, n, 1);
	if (o->set == BS_SOLOMON)
		fprintf(fp, "\nSolomon: \"hier. BKS\" minimises vehicles first "
		    "(bks.csv); \"dist-only ref\" is the LKH-3 distance-only "
		    "tour with double distances (no C204). VROOM v1.14 "
		    "minimises distance, like `--objective distance`.\n");
	if (o->set == BS_CVRPLIB) {
		fprintf(fp, "\n| instance | n | cost | gap %% | s | HGS s1 | HGS "
		    "s2 | VROOM -x 2 | VROOM -x 5 |\n"
		    "|---|---|---|---|---|---|---|---|---|\n");
		for (int i = 0; i < n; i++) {
			const struct bs_row *w = &rows[i];
			char a[32], b[32], c[32], d[32], e[32], f[32];

			fprintf(fp, "| %s | %d | %s | %s | %.1f | %s | %s | "
			    "%s | %s |\n", w->name, w->n,
			    bs_fmt(a, sizeof(a), 0, 0, w->cost),
			    bs_fmt(b, sizeof(b), 2, 1, w->gap_bks),
			    w->seconds, bs_fmt(c, sizeof(c), 2, 0, w->a.hgs1),
			    bs_fmt(d, sizeof(d), 2, 0, w->a.hgs2),
			    bs_fmt(e, sizeof(e), 2, 0, w->a.vx2),
			    bs_fmt(f, sizeof(f), 2, 0, w->a.vx5));
		}
		fprintf(fp, "\nHGS-CVRP: 10 s (n <= 300) / 30 s CPU on one "
		    "core; VROOM v1.14: wall time, two threads, 1.5 k "
		    "vehicles.\n");
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0)
		bs_die("%s: %s", path, strerror(errno));
}

/* ---- main -------------------------------------------------------------------- */

static double
bs_seconds(const char *opt, const char *arg)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end != '\0' || !isfinite(v) || !(v > 0))
		bs_die("--%s: '%s' is not a number of seconds > 0", opt, arg);
	return v;
}

static long
bs_integer(const char *opt, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (end == arg || *end != '\0' || errno == ERANGE || v < min ||
	    v > max)
		bs_die("--%s: '%s' is not an integer in [%ld, %ld]", opt, arg,
		    min, max);
	return v;
}

static void
bs_parse(int argc, char **argv, struct bs_opts *o)
{
	static const struct option opts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "x-limit-small", required_argument, NULL, 'a' },
		{ "x-limit-large", required_argument, NULL, 'b' },
		{ "threads", required_argument, NULL, 'j' },
		{ "seed", required_argument, NULL, 'S' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "objective", required_argument, NULL, 'o' },
		{ "only", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'O' },
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *set = NULL;
	int c;

	memset(o, 0, sizeof(*o));
	o->time_limit = 1;
	o->x_small = 10;
	o->x_large = 30;
	o->objective = -1;
	o->data = BENCH_SHARED_DIR;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			set = optarg;
			break;
		case 't':
			o->time_limit = bs_seconds("time-limit", optarg);
			break;
		case 'a':
			o->x_small = bs_seconds("x-limit-small", optarg);
			break;
		case 'b':
			o->x_large = bs_seconds("x-limit-large", optarg);
			break;
		case 'j':
			o->threads = (int)bs_integer("threads", optarg, 1, 64);
			break;
		case 'i':
			o->iterations = bs_integer("iterations", optarg, 1,
			    1000000000L);
			break;
		case 'S': {
			char *end;

			errno = 0;
			o->seed = strtoull(optarg, &end, 10);
			if (*optarg == '-' || end == optarg || *end != '\0' ||
			    errno == ERANGE)
				bs_die("--seed: '%s' is not an unsigned "
				    "integer", optarg);
			o->have_seed = 1;
			break;
		}
		case 'o':
			if (strcmp(optarg, "distance") == 0)
				o->objective = PR_OBJ_DISTANCE;
			else if (strcmp(optarg, "vehicles") == 0)
				o->objective = PR_OBJ_VEHICLES;
			else
				bs_die("--objective: '%s' is not distance or "
				    "vehicles", optarg);
			break;
		case 'n':
			o->only = optarg;
			break;
		case 'O':
			o->out = optarg;
			break;
		case 'd':
			o->data = optarg;
			break;
		case 'h':
			bs_usage(stdout);
			exit(0);
		default:
			bs_usage(stderr);
			exit(2);
		}
	}
	if (optind < argc || set == NULL) {
		bs_usage(stderr);
		exit(2);
	}
	if (strcmp(set, "solomon") == 0)
		o->set = BS_SOLOMON;
	else if (strcmp(set, "cvrplib") == 0 || strcmp(set, "x") == 0)
		o->set = BS_CVRPLIB;
	else if (strcmp(set, "abp") == 0)
		o->set = BS_ABP;
	else
		bs_die("--set: '%s' is not solomon, cvrplib or abp", set);
}

/* mkdir -p of the directory part of path. */
static void
bs_mkdirs(const char *path)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			bs_die("%s: %s", buf, strerror(errno));
		*p = '/';
	}
}

int
main(int argc, char **argv)
{
	struct bs_opts o;
	struct bs_anchors an;
	struct csv *bks, *ref = NULL;
	struct bs_row *rows;
	char path[1100], outbuf[1024], tmp[1100], dir[1024], name[1024];
	char *slash;
	char **names;
	int n, bad = 0;
	FILE *fp;

	bs_parse(argc, argv, &o);
	if (o.out == NULL) {
		snprintf(outbuf, sizeof(outbuf), "bench/results/%s.csv",
		    bs_sets[o.set].name);
		o.out = outbuf;
	}
	names = bs_list(&o, &n);
	if (n == 0)
		bs_die("no instance of set %s matches --only %s",
		    bs_sets[o.set].name, o.only ? o.only : "");
	snprintf(path, sizeof(path), "%s/%s", o.data, bs_sets[o.set].bks);
	if ((bks = csv_load(path)) == NULL)
		bs_die("%s: %s", path, strerror(errno));
	if (o.set == BS_SOLOMON) {
		snprintf(path, sizeof(path),
		    "%s/solomon/bks_distance_only.csv", o.data);
		if ((ref = csv_load(path)) == NULL)
			bs_die("%s: %s", path, strerror(errno));
	}
	bs_anchors_load(&o, &an);
	if ((rows = calloc((size_t)n, sizeof(*rows))) == NULL)
		bs_die("out of memory");

	printf("bench-solver: %s, %d instance%s, postroute %s\n",
	    bs_sets[o.set].name, n, n == 1 ? "" : "s", PR_VERSION);
	bs_print_header(o.set);
	for (int i = 0; i < n; i++) {
		bs_run_one(&o, bks, ref, names[i], &rows[i]);
		bs_anchor(&an, o.set, names[i], &rows[i].a);
		bs_print_row(o.set, &rows[i]);
		if (!rows[i].ok || !rows[i].feasible)
			bad++;
	}

	putchar('\n');
	bs_family_table(stdout, o.set, rows, n, 0);

	bs_mkdirs(o.out);
	snprintf(tmp, sizeof(tmp), "%s.tmp", o.out);
	if ((fp = fopen(tmp, "w")) == NULL)
		bs_die("%s: %s", tmp, strerror(errno));
	bs_write_csv(fp, rows, n);
	if (fclose(fp) != 0 || rename(tmp, o.out) != 0)
		bs_die("%s: %s", o.out, strerror(errno));
	/* SUMMARY-NAME.md beside NAME.csv (SET.csv by default), so that
	 * runs with other options keep their own summary */
	snprintf(dir, sizeof(dir), "%s", o.out);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		snprintf(name, sizeof(name), "%s", slash + 1);
	} else {
		snprintf(name, sizeof(name), "%s", dir);
		snprintf(dir, sizeof(dir), ".");
	}
	if (strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".csv") == 0)
		name[strlen(name) - 4] = '\0';
	else
		snprintf(name, sizeof(name), "%s", bs_sets[o.set].name);
	snprintf(path, sizeof(path), "%.600s/SUMMARY-%.400s.md", dir, name);
	bs_write_summary(path, &o, rows, n);
	printf("\nwrote %s and %s\n", o.out, path);
	if (bad > 0)
		fprintf(stderr, "bench-solver: %d instance%s failed or "
		    "infeasible\n", bad, bad == 1 ? "" : "s");

	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(rows);
	csv_free(bks);
	csv_free(ref);
	csv_free(an.vroom_solomon);
	csv_free(an.hgs);
	csv_free(an.vroom_x);
	return bad > 0 ? 1 : 0;
}
