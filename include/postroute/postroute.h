/* postroute.h: the public API of libpostroute, the pure route solver. */
#ifndef POSTROUTE_POSTROUTE_H
#define POSTROUTE_POSTROUTE_H

/*
 * libpostroute plans vehicle routes that collect pickups (jobs) and bring
 * them back to a depot, and that may bring deliveries from the depot on
 * the same round, under capacities, time windows, shift lengths,
 * travel-time limits, skills, drivers' breaks and per-vehicle costs.
 *
 * Everything here is pure: no file or network I/O, no globals, no printing.
 * Every function may be called from any thread; different problems and
 * solutions may be used concurrently. A problem is immutable once built
 * and may be shared read-only between threads.
 *
 * Units: time in seconds (Solomon: its own time units), distance in metres
 * (Solomon, CVRPLIB: their own units). Amounts are integers.
 *
 * Errors: functions return 0 on success or a negative PR_E* code, and fill
 * the optional struct pr_error with one human-readable line that names the
 * JSON path, the line or the field at fault.
 */

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PR_VERSION "0.1.0"

/* Marks a declaration of the public API. libpostroute is built with
 * -fvisibility=hidden and its archive keeps only these names global
 * (scripts/check-exports.sh): the pr_ names of include/postroute/. */
#if defined(__GNUC__) && __GNUC__ >= 4
#define PR_API __attribute__((visibility("default")))
#else
#define PR_API
#endif

enum {
	PR_OK = 0,
	PR_EINVAL = -1,   /* bad input: malformed, wrong type, out of range */
	PR_ENOMEM = -2,
	PR_EGLPK = -3,    /* GLPK failed or aborted */
	PR_ECANCELED = -4,
	PR_EINTERNAL = -5, /* a broken invariant: a bug */
	PR_ETOOBIG = -6   /* needs more memory than the caller allows */
};

struct pr_error {
	int code;
	char msg[160];
};

#define PR_MAX_DIMS 8     /* capacity dimensions */
#define PR_MAX_TW 16      /* time windows per job */
#define PR_MAX_ID 64      /* bytes of an id, including the NUL */
#define PR_MAX_BREAKS 8   /* breaks per vehicle */
#define PR_MAX_SKILLS 256 /* distinct skills in a problem */
#define PR_SKILL_WORDS (PR_MAX_SKILLS / 64)

/* A time window [start, end]: service must start within it. */
struct pr_tw {
	double start;
	double end;
};

/*
 * A travel profile (motorbike, van, ...): its own duration and distance
 * matrices over all locations, row-major n_locations x n_locations.
 */
struct pr_profile {
	char name[PR_MAX_ID];
	double speed_kmh;        /* used when travel comes from coordinates */
	double circuity;         /* road distance / great-circle distance */
	double *durations;       /* n_locations^2 */
	double *distances;       /* n_locations^2 */
	double *costs;           /* n_locations^2 custom arc costs, or NULL */
};

/*
 * How a vehicle travels and what an arc costs it: its profile's durations
 * divided by its speed factor, its profile's distances, and as the cost of
 * an arc the profile's custom costs, else per_hour x hours of travel +
 * per_km x km when the vehicle gives either, else the distance. Built by
 * pr_problem_finalize, one per distinct (profile, speed factor, per_hour,
 * per_km), the first n_profiles being the profiles themselves; the arrays
 * are the profile's own unless something changes them (own_* then holds
 * them). Read-only for everyone else.
 */
struct pr_travel {
	int profile;
	double speed_factor;
	double per_hour, per_km;        /* < 0: not given */
	const double *durations;        /* n_locations^2 */
	const double *distances;
	const double *costs;
	double *own_durations, *own_costs;
};

/* A driver's break: taken once, between two stops (or after the start,
 * or before the end), starting inside one of its windows, for service
 * seconds. */
struct pr_break {
	char id[PR_MAX_ID];
	int id_int;              /* 1: the id was an integer (for output) */
	int n_tw;                /* >= 1; sorted, disjoint */
	struct pr_tw tw[PR_MAX_TW];
	double service;
	int description;         /* offset into pr_problem.text, or -1 */
};

struct pr_job {
	char id[PR_MAX_ID];
	int id_int;              /* 1: the id was an integer (for output) */
	int location;            /* index into locations */
	double service;
	double setup;            /* before service, unless the vehicle comes
	                          * from the same location */
	int64_t pickup[PR_MAX_DIMS];   /* collected here, carried to the end */
	int64_t delivery[PR_MAX_DIMS]; /* loaded at the start, left here */
	uint64_t skills[PR_SKILL_WORDS]; /* bit s: needs skill s */
	int n_tw;                /* >= 1; sorted, disjoint */
	struct pr_tw tw[PR_MAX_TW];
	int priority;            /* 0..100; higher is served first when not all fit */
	/* Pinned jobs (already done or under way) must stay on vehicle
	 * pinned_vehicle at rank pinned_rank; -1 when free. */
	int pinned_vehicle;
	int pinned_rank;
	int description;         /* offset into pr_problem.text, or -1 */
};

struct pr_vehicle {
	char id[PR_MAX_ID];
	int id_int;              /* 1: the id was an integer (for output) */
	char profile_name[PR_MAX_ID];
	int profile;             /* index into profiles */
	int travel;              /* index into travel; set by finalize */
	int start;               /* location index, or -1: starts at first job */
	int end;                 /* location index, or -1: ends at last job */
	int64_t capacity[PR_MAX_DIMS];
	struct pr_tw tw;         /* shift: leave start >= tw.start, reach end <= tw.end */
	double max_travel_time;  /* travel only, excluding service and waiting; <0: none */
	double fixed_cost;       /* added to the cost when the vehicle is used */
	double per_hour;         /* cost of an hour of travel; < 0: not given */
	double per_km;           /* cost of a km; < 0: not given */
	double speed_factor;     /* travel takes duration / speed_factor */
	int max_tasks;           /* jobs on the route at most; < 0: no limit */
	uint64_t skills[PR_SKILL_WORDS]; /* bit s: holds skill s */
	int n_breaks;            /* breaks [breaks, breaks + n_breaks) of */
	int breaks;              /* pr_problem.breaks, taken in that order */
	int description;         /* offset into pr_problem.text, or -1 */
	int vclass;              /* vehicles with equal vclass are interchangeable */
};

enum pr_source {
	PR_SOURCE_JSON = 0,
	PR_SOURCE_SOLOMON = 1,
	PR_SOURCE_CVRPLIB = 2
};

struct pr_problem {
	char name[PR_MAX_ID];
	enum pr_source source;
	int n_dims;
	int n_locations;
	double *coords;          /* 2 * n_locations (lon,lat or x,y), may be NULL */
	int n_profiles;
	struct pr_profile *profiles;
	int n_jobs;
	struct pr_job *jobs;
	int n_vehicles;
	struct pr_vehicle *vehicles;
	int n_breaks;
	struct pr_break *breaks;
	int n_skills;
	int64_t *skill_values;   /* skill index -> the value of the input */
	size_t text_len;
	char *text;              /* descriptions, each NUL-terminated */
	/* Set by pr_problem_finalize: */
	int n_travel;
	struct pr_travel *travel;
	int has_delivery;        /* some job delivers */
	int has_setup;           /* some job has a setup time */
	int has_skills;          /* some job needs a skill */
};

/* ---- problems ---------------------------------------------------------- */

/* An empty problem with n_dims capacity dimensions (1..PR_MAX_DIMS),
 * owned by the caller. Fill it with the pr_problem_add_* calls, then
 * pr_problem_finalize(). pr_problem_free frees it with everything it
 * holds; NULL is a no-op. */
PR_API struct pr_problem *pr_problem_new(int n_dims);
PR_API void pr_problem_free(struct pr_problem *p);

/* Adds a location and returns its index. lon/lat are optional (pass NAN). */
PR_API int pr_problem_add_location(struct pr_problem *p, double x, double y);
/* Adds a profile; returns its index or a PR_E* code. */
PR_API int pr_problem_add_profile(struct pr_problem *p, const char *name,
    double speed_kmh, double circuity);
/* Copies job or vehicle into the problem; returns its index. */
PR_API int pr_problem_add_job(struct pr_problem *p, const struct pr_job *job);
PR_API int pr_problem_add_vehicle(struct pr_problem *p,
    const struct pr_vehicle *v);
/* Copies a break into the problem and returns its index: a vehicle's
 * breaks are n_breaks consecutive ones, the first at v->breaks. */
PR_API int pr_problem_add_break(struct pr_problem *p,
    const struct pr_break *b);
/* The index of skill value (added on first use), or PR_EINVAL when the
 * problem has PR_MAX_SKILLS already. Set bit i of a job's or vehicle's
 * skills with pr_skill_set. */
PR_API int pr_problem_skill(struct pr_problem *p, int64_t value);
PR_API void pr_skill_set(uint64_t *skills, int i);
/* Copies the string s into the problem's text and returns its offset
 * (for descriptions); pr_problem_text gives it back ("" for -1). */
PR_API int pr_problem_add_text(struct pr_problem *p, const char *s);
PR_API const char *pr_problem_text(const struct pr_problem *p, int off);
/* Initialises a job / vehicle / break with neutral defaults (no window
 * limits, location -1, zero amounts, no skills, not pinned, no breaks,
 * speed factor 1, no costs). */
PR_API void pr_job_init(struct pr_job *job);
PR_API void pr_vehicle_init(struct pr_vehicle *v);
PR_API void pr_break_init(struct pr_break *b);

/* Fills the matrices that were not supplied: from coordinates as
 * great-circle metres x circuity, durations = distance / speed (geo=1), or
 * Euclidean (geo=0; durations = distances). Builds the travel of every
 * vehicle (speed factor, costs), sets vehicle classes and the has_* flags
 * and checks every index, window, amount and break. May be called again
 * after more jobs were added. Returns 0, PR_EINVAL with err filled, or
 * PR_ENOMEM when the matrices cannot be allocated (no abort). */
PR_API int pr_problem_finalize(struct pr_problem *p, int geo,
    struct pr_error *err);

/* Great-circle distance in metres between two lon/lat points. */
PR_API double pr_haversine_m(double lon1, double lat1, double lon2,
    double lat2);

/* ---- readers: parse a whole file held in memory ------------------------ */

/* Problem JSON (docs/problem-format.md). */
PR_API int pr_problem_from_json(const char *buf, size_t len,
    struct pr_problem **out, struct pr_error *err);
/* Solomon VRPTW text: double Euclidean distances, time = distance. */
PR_API int pr_problem_from_solomon(const char *buf, size_t len,
    struct pr_problem **out, struct pr_error *err);
/* CVRPLIB / TSPLIB EUC_2D: nint(Euclidean) arcs, unlimited fleet. */
PR_API int pr_problem_from_cvrplib(const char *buf, size_t len,
    struct pr_problem **out, struct pr_error *err);
/* Picks one of the three from the content ('{' = JSON, a NAME/DIMENSION
 * header = CVRPLIB, VEHICLE/CUSTOMER sections = Solomon). */
PR_API int pr_problem_parse(const char *buf, size_t len,
    struct pr_problem **out, struct pr_error *err);

/*
 * Memory that solving a problem of these sizes takes, in bytes, estimated
 * from the counts alone, before anything is allocated: its travel
 * matrices (n_locations^2 x n_profiles x 16 bytes), its jobs and vehicles,
 * and the search's own memory per thread (PR_SEARCH_THREAD_BYTES plus
 * PR_SEARCH_ITEM_BYTES per job and vehicle: solutions, scratch, the route
 * pool; docs/solver.md compares it with measured peaks). Saturates at
 * SIZE_MAX. Any thread.
 */
#define PR_SEARCH_THREAD_BYTES ((size_t)32 << 20)
#define PR_SEARCH_ITEM_BYTES 2048
PR_API size_t pr_problem_memory(int n_locations, int n_profiles, int n_jobs,
    int n_vehicles, int threads);

/* Limits of pr_problem_parse_limited. */
struct pr_read_params {
	size_t max_memory;   /* bytes pr_problem_memory may say at most; 0: any */
	int threads;         /* threads the solve will use (for the estimate) */
};

/*
 * pr_problem_parse with a memory budget, for problems from untrusted
 * callers (the daemon's POST /v1/solve): once the reader knows the counts
 * and before it allocates the matrices, a problem whose pr_problem_memory
 * is above rp->max_memory is refused with PR_ETOOBIG, err saying how much
 * it needs and the limit; a matrix that cannot be allocated is PR_ENOMEM,
 * never an abort. rp NULL: no limit (pr_problem_parse).
 */
PR_API int pr_problem_parse_limited(const char *buf, size_t len,
    const struct pr_read_params *rp, struct pr_problem **out,
    struct pr_error *err);

/* ---- solving ----------------------------------------------------------- */

enum pr_objective {
	PR_OBJ_DISTANCE = 0,  /* minimise total distance */
	PR_OBJ_VEHICLES = 1   /* minimise routes first, then distance */
};

/* Called with the best cost so far whenever it improves. With threads > 1
 * the solver serialises the calls; they come from solver threads. */
typedef void (*pr_progress_fn)(void *ud, double elapsed_s, double cost,
    int routes, int unassigned);

struct pr_solve_params {
	double time_limit;        /* seconds of wall time, construction included; <=0: none */
	long iterations;          /* >0: stop after this many per thread (deterministic) */
	uint64_t seed;
	enum pr_objective objective;
	int threads;              /* 1..64 */
	/* Optional: the solve stops early (and returns its best so far, or
	 * PR_ECANCELED) once *cancel != 0. Another thread may set it with
	 * atomic_store while the solve runs; the solver reads it relaxed. */
	const atomic_int *cancel;
	pr_progress_fn progress;  /* optional */
	void *progress_ud;
	int exact_max_jobs;       /* try a proven optimum when n_jobs <= this (0: off) */
};

/* The defaults: 5 s, seed 1, distance, one thread, exact mode up to 12
 * jobs, no cancel flag, no progress callback. */
PR_API void pr_solve_params_init(struct pr_solve_params *sp);

struct pr_step {
	int job;                  /* index into problem jobs */
	double arrival;
	double service_start;     /* the task starts: setup, then service */
	double waiting;
	double setup;             /* 0 when coming from the same location */
	double travel;            /* travel time since the start, on arrival */
	double distance;          /* distance since the start, on arrival */
	int64_t load[PR_MAX_DIMS]; /* on board after this step: deliveries
	                            * still to make, pickups made */
};

/* A break taken on a route. The drive it interrupts goes on after it. */
struct pr_break_step {
	int brk;                  /* index into problem breaks */
	int after;                /* jobs done before it (0: after the start) */
	double arrival;           /* the vehicle is ready for it */
	double start;             /* within one of its windows */
	double waiting;           /* start - arrival */
	double travel;            /* travel time since the start */
	double distance;          /* distance since the start (the arc split
	                           * in proportion to its travel time) */
	int64_t load[PR_MAX_DIMS]; /* on board */
};

struct pr_route {
	int vehicle;              /* index into problem vehicles */
	int n_steps;              /* jobs only; start and end are implicit */
	struct pr_step *steps;
	int n_breaks;             /* the vehicle's breaks, in the order taken */
	struct pr_break_step *breaks;
	double cost;              /* fixed cost + what its arcs cost */
	double start_time;        /* leaves the start location */
	double end_time;          /* reaches the end location */
	double distance;
	double duration;          /* end_time - start_time */
	double travel_time;
	double service_time;
	double waiting_time;
	double setup_time;
	int64_t load[PR_MAX_DIMS]; /* total picked up */
	int64_t delivery[PR_MAX_DIMS]; /* total delivered (on board at the
	                                * start) */
};

struct pr_unassigned {
	int job;
	char reason[32];          /* capacity, time_window, max_travel_time, shift, no_vehicle, ... */
	char detail[128];
};

struct pr_solution {
	double cost;              /* the objective: the routes' costs */
	double distance;
	double duration;
	int n_routes;
	struct pr_route *routes;
	int n_unassigned;
	struct pr_unassigned *unassigned;
	double computing_ms;      /* solving, wall time; < 0: write 0 */
	double loading_ms;        /* reading the problem, for the caller to
	                           * fill (pr_solve leaves 0); < 0: write 0 */
	long iterations;
	int proven_optimal;       /* 1 when the exact mode proved it */
	uint64_t seed;
	int threads;
};

/* Solves p. On success *out is a new solution (free with
 * pr_solution_free) and 0 is returned, even when jobs stay unassigned.
 * Returns within time_limit + 5 %. Thread-safe; starts sp->threads - 1
 * threads of its own and joins them before returning. PR_ENOMEM when the
 * search's own memory (pr_problem_memory without the matrices) cannot be
 * had: it is asked for once before the search starts, so that a process
 * out of address space gets an error rather than an abort. */
PR_API int pr_solve(const struct pr_problem *p,
    const struct pr_solve_params *sp, struct pr_solution **out,
    struct pr_error *err);
/* Frees s with its routes and unassigned list; NULL is a no-op. */
PR_API void pr_solution_free(struct pr_solution *s);

/* Builds a solution from explicit routes (job index lists per vehicle);
 * jobs not listed become unassigned with reasons. Timing is computed by
 * earliest-start scheduling. Returns PR_EINVAL when a route is infeasible
 * or a job appears twice. */
PR_API int pr_solution_from_routes(const struct pr_problem *p, int n_routes,
    const int *vehicles, const int *const *jobs, const int *lens,
    struct pr_solution **out, struct pr_error *err);

/* The solution as JSON (the --solve output format): a new NUL-terminated
 * string the caller frees with free(), or NULL when out of memory. */
PR_API char *pr_solution_to_json(const struct pr_problem *p,
    const struct pr_solution *s);

#ifdef __cplusplus
}
#endif

#endif
