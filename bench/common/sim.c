/* sim.c: the scenario generator: a reproducible day of farm orders as events (the core of build/postroute-sim). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "sim.h"
#include "postroute/rng.h"
#include "postroute/time.h"

/*
 * Households sell produce online; each order becomes one pickup. The day
 * is drawn from one seeded generator, so the same region, parameters and
 * seed give the same events, byte for byte once written.
 *
 * Where orders come from: commune c and product p are drawn together
 * with weight population(c) x season(p, month) x focus(p, district(c)).
 * The seasons and growing areas follow the facts collected in
 * ../shared/data/vietnam/README.md: custard apple from mid-July, main
 * season August-September, concentrated in Chi Lăng and Hữu Lũng;
 * persimmon around September (Cao Lộc, Văn Lãng); Bắc Sơn tangerine late
 * in the year; star anise with a main crop August-October and a spring
 * crop March-May (Văn Quan, Bình Gia, Văn Lãng, Lộc Bình, Cao Lộc);
 * black jelly (Tràng Định, Bình Gia) in summer; and ordinary parcels
 * everywhere all year. The focus factors are calibrated so that custard
 * apple makes a little over half the orders of an August day, as the
 * scenario of issue 5 asks; they are assumptions, not measurements.
 *
 * Households are scattered around the centroid of the commune's
 * territory (normal, sigma = 0.3 x sqrt(area), cut at 2.5 sigma); order
 * times follow an online-shopping day (peaks mid-morning and evening);
 * produce is packed 0.5-3 h after the order, or the next morning for
 * orders placed at night.
 *
 * Each order carries the household's contact (sim_contact): a name in
 * the Vietnamese order (family, middle, given name) from the family
 * names common in Lạng Sơn, Tày and Nùng (Hoàng, Nông, Lương, Vi, ...)
 * as well as Kinh, a mobile number (09x or 03x and 7 digits) and, for
 * nine orders in ten, the village and commune ("Bản Nà Tèo, xã Hồng
 * Phong"; a khối or khu in a ward or town). The names are drawn, not
 * taken from anyone. Contacts come from a generator of their own, seeded
 * from the same seed, so that everything else is drawn exactly as
 * before contacts existed: the same events, with a "contact" more.
 */

#define SIM_NPROD 6
#define SIM_DAY 86400
#define SIM_PI 3.14159265358979323846

struct sim_product {
	const char *name;
	double season[12];       /* January .. December */
	const char *focus;       /* "district:factor,..." */
	double elsewhere;        /* factor outside the focus districts */
	double box_kg;           /* 0: loose parcel 0.3-5 kg */
	double perishable;       /* probability */
};

static const struct sim_product sim_products[SIM_NPROD] = {
	{ "custard_apple",
	    { 0, 0, 0, 0, 0, 0, 0.3, 1.0, 0.8, 0.1, 0, 0 },
	    "187:12,186:6", 0.1, 5.0, 1.0 },
	{ "persimmon",
	    { 0, 0, 0, 0, 0, 0, 0, 0.2, 1.0, 0.8, 0.2, 0 },
	    "182:4,183:3", 0.05, 5.0, 0.9 },
	{ "tangerine",
	    { 0.6, 0.2, 0, 0, 0, 0, 0, 0, 0, 0.3, 1.0, 1.0 },
	    "185:6", 0.05, 5.0, 0.6 },
	{ "star_anise",
	    { 0.1, 0.1, 0.5, 0.6, 0.4, 0.1, 0.2, 0.5, 0.8, 1.0, 0.4, 0.2 },
	    "184:2,181:2,182:1.5,188:1.5,183:1.2", 0.1, 2.0, 0.0 },
	{ "black_jelly",
	    { 0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 0.6, 1.0, 0.8, 0.4, 0.2, 0.2 },
	    "180:2,181:1", 0.05, 1.0, 0.0 },
	{ "parcel",
	    { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 },
	    "", 1.0, 0.0, 0.1 },
};

/* Orders per hour of the local day (relative). */
static const double sim_hours[24] = {
	0.3, 0.15, 0.1, 0.1, 0.2, 0.6, 1.5, 3.0, 4.5, 5.0, 5.0, 4.0,
	3.0, 3.0, 3.5, 3.5, 3.0, 2.5, 2.5, 3.5, 4.0, 3.5, 2.0, 1.0
};

/* Destinations by share, and the share of 24 h promises to each. */
static const struct {
	const char *id;
	double share;
	double p24;
} sim_dests[] = {
	{ "HN", 0.45, 0.6 }, { "LS", 0.10, 0.6 }, { "NORTH", 0.22, 0.1 },
	{ "CENTRAL", 0.08, 0.0 }, { "SOUTH", 0.15, 0.0 },
};

/* Households' names, phones and villages (sim_contact). */
static const char *const sim_family[] = {
	"Hoàng", "Nông", "Lương", "Vi", "Lý", "Nguyễn", "Hà", "Chu",
	"Mã", "Lăng", "Triệu", "Trần", "Lê", "Hứa", "Lộc", "Bế", "Đinh",
	"Dương", "Phạm", "Vũ", "Đặng", "Lục", "La", "Hoàng", "Nông",
	"Nguyễn",
};
static const char *const sim_middle_m[] = {
	"Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Xuân",
	"Mạnh",
};
static const char *const sim_middle_f[] = {
	"Thị", "Thị", "Thị", "Thị", "Thu", "Hồng", "Ngọc", "Thanh", "Kim",
	"Minh",
};
static const char *const sim_given_m[] = {
	"An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khánh",
	"Kiên", "Long", "Lực", "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Tài",
	"Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh",
};
static const char *const sim_given_f[] = {
	"Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hồng", "Huệ", "Hương",
	"Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh",
	"Phương", "Quyên", "Thảo", "Thủy", "Trang", "Vân", "Yến",
};
/* Mobile prefixes (Viettel, VinaPhone, MobiFone). */
static const char *const sim_mobile[] = {
	"096", "097", "098", "086", "032", "033", "034", "035", "036", "037",
	"038", "039", "091", "094", "088", "090", "093", "089",
};
/* Village names: Tày and Nùng (field, stream mouth, hill, spring ...)
 * and the Kinh ones of newer settlements. */
static const char *const sim_village_a[] = {
	"Nà", "Pác", "Khuổi", "Còn", "Pò", "Bó", "Khòn", "Lũng", "Nặm",
	"Kéo", "Phai", "Cốc", "Pá", "Tằng",
};
static const char *const sim_village_b[] = {
	"Tèo", "Pháy", "Chắt", "Cáp", "Lầu", "Quan", "Đứa", "Phầy", "Mò",
	"Luông", "Nưa", "Sla", "Hin", "Pàng", "Riềng", "Tổng", "Mạ", "Khao",
	"Cằm", "Nọi", "Slam", "Héo", "Lạn", "Vài",
};
static const char *const sim_village_kinh[] = {
	"Đồng Tâm", "Tân Lập", "Hợp Thành", "Quyết Thắng", "Trung Tâm",
	"Tân Tiến", "Đoàn Kết", "Bình Minh", "Thống Nhất", "Hòa Bình",
};

#define SIM_N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define SIM_ONE(g, a) ((a)[pr_rng_int((g), SIM_N(a))])

struct sim_order {
	int64_t placed;
	int commune;
	int product;
	double lon, lat;
	int has_location;
	double kg;
	int perishable;
	int promise;
	int dest;
	int64_t ready_from, ready_to;
	struct pr_contact contact;
};

struct sim_ev {
	struct pr_event ev;
	long seq;
};

/* Copies src into dst[0..n), truncating, always NUL-terminated. */
static void
sim_copy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Fills err (when not NULL) and returns code. */
static int
sim_err(struct pr_error *err, int code, const char *msg)
{
	if (err != NULL) {
		err->code = code;
		sim_copy(err->msg, msg, sizeof(err->msg));
	}
	return code;
}

static double
sim_focus(const struct sim_product *p, const char *district)
{
	const char *s = p->focus;
	size_t n = strlen(district);

	/* a tiled region's codes start with the province (tile.h) */
	if (n > 3) {
		district += n - 3;
		n = 3;
	}
	while (*s != '\0') {
		const char *colon = strchr(s, ':'), *comma;

		if (colon == NULL)
			break;
		comma = strchr(colon, ',');
		if ((size_t)(colon - s) == n && strncmp(s, district, n) == 0)
			return strtod(colon + 1, NULL);
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	return p->elsewhere;
}

static int
sim_pick(const double *cum, int n, double u)
{
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static double
sim_uniform(struct pr_rng *g, double a, double b)
{
	return a + (b - a) * pr_rng_double(g);
}

/* Standard normal by Box-Muller (one of the pair). */
static double
sim_normal(struct pr_rng *g)
{
	double u = pr_rng_double(g), v = pr_rng_double(g);

	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2.0 * log(u)) * cos(2.0 * SIM_PI * v);
}

static int
sim_order_cmp(const void *a, const void *b)
{
	const struct sim_order *x = a, *y = b;

	return (x->placed > y->placed) - (x->placed < y->placed);
}

static int
sim_ev_cmp(const void *a, const void *b)
{
	const struct sim_ev *x = a, *y = b;

	if (x->ev.ts != y->ev.ts)
		return x->ev.ts < y->ev.ts ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static double
sim_weight(struct pr_rng *g, const struct sim_product *p)
{
	double u, kg;
	int boxes;

	if (p->box_kg <= 0)
		return round(sim_uniform(g, 0.3, 5.0) * 10) / 10;
	u = pr_rng_double(g);
	boxes = u < 0.45 ? 1 : u < 0.80 ? 2 : u < 0.92 ? 3 : 4;
	kg = boxes * p->box_kg * sim_uniform(g, 0.95, 1.05);
	if (kg > PR_MAX_WEIGHT_KG)
		kg = PR_MAX_WEIGHT_KG;
	return round(kg * 10) / 10;
}

/*
 * A household of commune c: name, phone and (nine in ten) address. The
 * commune's name in the address starts in lower case ("xã Hồng Phong",
 * "phường ...", "thị trấn ..."), as Vietnamese addresses write it.
 */
static void
sim_contact(struct pr_rng *g, const struct pr_region *r, int c,
    struct pr_contact *ct)
{
	const char *cname = r->communes[c].name, *kind, *rest = cname;
	char place[40];
	int female = pr_rng_double(g) < 0.5;

	snprintf(ct->name, sizeof(ct->name), "%s %s %s", SIM_ONE(g, sim_family),
	    female ? SIM_ONE(g, sim_middle_f) : SIM_ONE(g, sim_middle_m),
	    female ? SIM_ONE(g, sim_given_f) : SIM_ONE(g, sim_given_m));
	snprintf(ct->phone, sizeof(ct->phone), "%s%07d",
	    SIM_ONE(g, sim_mobile), pr_rng_int(g, 10000000));
	if (strncmp(cname, "Phường ", strlen("Phường ")) == 0) {
		kind = "phường";
		rest += strlen("Phường ");
		snprintf(place, sizeof(place), "%s %d",
		    pr_rng_double(g) < 0.5 ? "Khối" : "Tổ",
		    1 + pr_rng_int(g, 12));
	} else if (strncmp(cname, "Thị trấn ", strlen("Thị trấn ")) == 0) {
		kind = "thị trấn";
		rest += strlen("Thị trấn ");
		snprintf(place, sizeof(place), "Khu %d", 1 + pr_rng_int(g, 9));
	} else {
		kind = "xã";
		if (strncmp(cname, "Xã ", strlen("Xã ")) == 0)
			rest += strlen("Xã ");
		if (pr_rng_double(g) < 0.7)
			snprintf(place, sizeof(place), "%s %s %s",
			    pr_rng_double(g) < 0.6 ? "Bản" : "Thôn",
			    SIM_ONE(g, sim_village_a),
			    SIM_ONE(g, sim_village_b));
		else
			snprintf(place, sizeof(place), "Thôn %s",
			    SIM_ONE(g, sim_village_kinh));
	}
	if (pr_rng_double(g) < 0.9)
		snprintf(ct->address, sizeof(ct->address), "%s, %s %s", place,
		    kind, rest);
}

static void
sim_fill_event(const struct pr_region *r, const struct sim_order *so,
    const char *order_id, struct pr_event *ev)
{
	const struct pr_commune *c = &r->communes[so->commune];

	memset(ev, 0, sizeof(*ev));
	sim_copy(ev->order_id, order_id, sizeof(ev->order_id));
	ev->ts_offset = r->utc_offset;
	sim_copy(ev->commune, c->code, sizeof(ev->commune));
	ev->has_location = so->has_location;
	ev->lon = round(so->lon * 1e6) / 1e6;
	ev->lat = round(so->lat * 1e6) / 1e6;
	ev->weight_kg = so->kg;
	ev->perishable = so->perishable;
	ev->promise_hours = so->promise;
	ev->placed_at = so->placed;
	ev->ready_from = so->ready_from;
	ev->ready_to = so->ready_to;
	sim_copy(ev->destination, r->destinations[so->dest].id,
	    sizeof(ev->destination));
	sim_copy(ev->product, sim_products[so->product].name,
	    sizeof(ev->product));
	ev->contact = so->contact;
}

int
sim_generate(const struct pr_region *r, const struct sim_params *sp,
    struct pr_event **out, int *n_out, struct pr_error *err)
{
	struct pr_rng g, cg;
	struct sim_order *ord;
	struct sim_ev *evs;
	double *cum, hcum[24], dcum[8], tot = 0;
	int dmap[8], nd = 0, month, ncells, nev = 0;
	long seq = 0;
	char buf[40], ymd[16];
	size_t cap;

	*out = NULL;
	*n_out = 0;
	if (sp->n_orders < 0 || sp->n_orders > 10000000)
		return sim_err(err, PR_EINVAL, "sim: orders must be in "
		    "[0, 10000000]");
	if (!(sp->update_rate >= 0 && sp->update_rate <= 1) ||
	    !(sp->cancel_rate >= 0 && sp->cancel_rate <= 1))
		return sim_err(err, PR_EINVAL, "sim: rates must be in "
		    "[0, 1]");
	if (r->n_communes == 0)
		return sim_err(err, PR_EINVAL, "sim: region has no communes");

	pr_time_format(sp->day_start, r->utc_offset, buf, sizeof(buf));
	month = atoi(buf + 5);
	if (month < 1 || month > 12)
		month = 1;
	snprintf(ymd, sizeof(ymd), "%.4s%.2s%.2s", buf, buf + 5, buf + 8);

	for (size_t k = 0; k < sizeof(sim_dests) / sizeof(sim_dests[0]); k++) {
		int d = pr_region_destination(r, sim_dests[k].id);

		if (d < 0)
			continue;
		tot += sim_dests[k].share;
		dcum[nd] = tot;
		dmap[nd++] = (int)k;
	}
	if (nd == 0)
		return sim_err(err, PR_EINVAL, "sim: region has none of the "
		    "destinations HN, LS, NORTH, CENTRAL, SOUTH");

	/* Where and what: one cell per (commune, product). */
	ncells = r->n_communes * SIM_NPROD;
	cum = bench_xcalloc((size_t)ncells, sizeof(double));
	tot = 0;
	for (int c = 0; c < r->n_communes; c++) {
		const struct pr_commune *cm = &r->communes[c];
		const char *dc = cm->district >= 0 ?
		    r->districts[cm->district].code : "";

		for (int p = 0; p < SIM_NPROD; p++) {
			const struct sim_product *pp = &sim_products[p];
			double pop = cm->population > 0 ? cm->population : 1;

			tot += pop * pp->season[month - 1] * sim_focus(pp, dc);
			cum[c * SIM_NPROD + p] = tot;
		}
	}
	tot = 0;
	for (int h = 0; h < 24; h++) {
		tot += sim_hours[h];
		hcum[h] = tot;
	}

	pr_rng_seed(&g, sp->seed ^ 0x706f7374726f7574ULL);
	ord = bench_xcalloc((size_t)sp->n_orders + 1, sizeof(*ord));
	for (int i = 0; i < sp->n_orders; i++) {
		struct sim_order *o = &ord[i];
		int cell = sim_pick(cum, ncells, pr_rng_double(&g) *
		    cum[ncells - 1]);
		const struct pr_commune *cm;
		const struct sim_product *pp;
		int hour = sim_pick(hcum, 24, pr_rng_double(&g) * hcum[23]);
		int dk = dmap[sim_pick(dcum, nd, pr_rng_double(&g) *
		    dcum[nd - 1])];
		double sigma, dx, dy;
		int64_t tod;

		o->commune = cell / SIM_NPROD;
		o->product = cell % SIM_NPROD;
		cm = &r->communes[o->commune];
		pp = &sim_products[o->product];
		tod = (int64_t)hour * 3600 + pr_rng_int(&g, 3600);
		o->placed = sp->day_start + tod;

		/* The household: around the territory's centroid. */
		sigma = 0.3 * sqrt(cm->area_km2 > 0.5 ? cm->area_km2 : 0.5);
		do {
			dx = sim_normal(&g);
			dy = sim_normal(&g);
		} while (dx * dx + dy * dy > 2.5 * 2.5);
		o->lat = cm->area_lat + dy * sigma / 111.32;
		o->lon = cm->area_lon + dx * sigma /
		    (111.32 * cos(cm->area_lat * SIM_PI / 180.0));
		o->has_location = pr_rng_double(&g) >= 0.1;
		if (!o->has_location) {
			o->lon = cm->lon;
			o->lat = cm->lat;
		}

		o->kg = sim_weight(&g, pp);
		o->perishable = pr_rng_double(&g) < pp->perishable;
		o->dest = pr_region_destination(r, sim_dests[dk].id);
		o->promise = pr_rng_double(&g) < sim_dests[dk].p24 ? 24 : 48;

		/* Packed within a few hours by day; orders of the night are
		 * packed the next morning. */
		if (tod >= 6 * 3600 && tod < 18 * 3600)
			o->ready_from = o->placed +
			    (int64_t)(sim_uniform(&g, 0.5, 3.0) * 3600);
		else
			o->ready_from = sp->day_start +
			    (tod >= 18 * 3600 ? SIM_DAY : 0) + 6 * 3600 +
			    1800 + (int64_t)(sim_uniform(&g, 0, 2) * 3600);
		o->ready_from -= o->ready_from % 60;
		o->ready_to = INT64_MAX;
		if (pr_rng_double(&g) < 0.15 && tod >= 6 * 3600 &&
		    tod < 14 * 3600) {
			o->ready_to = o->ready_from +
			    (int64_t)(sim_uniform(&g, 5, 9) * 3600);
			o->ready_to -= o->ready_to % 60;
		}
	}
	free(cum);
	qsort(ord, (size_t)sp->n_orders, sizeof(*ord), sim_order_cmp);
	pr_rng_seed(&cg, sp->seed ^ 0x636f6e74616374ULL);
	for (int i = 0; i < sp->n_orders; i++)
		sim_contact(&cg, r, ord[i].commune, &ord[i].contact);

	cap = (size_t)sp->n_orders * 3 + 1;
	evs = bench_xcalloc(cap, sizeof(*evs));
	for (int i = 0; i < sp->n_orders; i++) {
		struct sim_order *o = &ord[i];
		char oid[PR_MAX_ID];
		int64_t version = 1, last = o->placed;
		struct pr_event *ev;

		snprintf(oid, sizeof(oid), "%s%s-%05d", sp->id_prefix != NULL ?
		    sp->id_prefix : "LS", ymd + 2, i + 1);
		ev = &evs[nev].ev;
		sim_fill_event(r, o, oid, ev);
		ev->type = PR_EV_ORDER_CREATED;
		ev->version = version;
		ev->ts = o->placed;
		evs[nev++].seq = seq++;

		if (pr_rng_double(&g) < sp->update_rate) {
			/* The buyer adds or drops a box. */
			struct sim_order u = *o;
			const struct sim_product *pp =
			    &sim_products[o->product];
			double step = pp->box_kg > 0 ? pp->box_kg : 1.0;
			int less = pr_rng_double(&g) < 0.5 && o->kg > step;

			u.kg = o->kg + (less ? -step : step);
			if (u.kg > PR_MAX_WEIGHT_KG)
				u.kg = PR_MAX_WEIGHT_KG;
			u.kg = round(u.kg * 10) / 10;
			last = o->placed + 600 + (int64_t)(pr_rng_double(&g) *
			    3 * 3600);
			ev = &evs[nev].ev;
			sim_fill_event(r, &u, oid, ev);
			ev->type = PR_EV_ORDER_UPDATED;
			ev->version = ++version;
			ev->ts = last;
			evs[nev++].seq = seq++;
		}
		if (pr_rng_double(&g) < sp->cancel_rate) {
			ev = &evs[nev].ev;
			memset(ev, 0, sizeof(*ev));
			sim_copy(ev->order_id, oid, sizeof(ev->order_id));
			ev->type = PR_EV_ORDER_CANCELLED;
			ev->version = ++version;
			ev->ts = last + 300 + (int64_t)(pr_rng_double(&g) *
			    4 * 3600);
			ev->ts_offset = r->utc_offset;
			ev->ready_to = INT64_MAX;
			sim_copy(ev->reason, "buyer", sizeof(ev->reason));
			evs[nev++].seq = seq++;
		}
	}
	free(ord);
	qsort(evs, (size_t)nev, sizeof(*evs), sim_ev_cmp);

	*out = bench_xcalloc((size_t)nev + 1, sizeof(**out));
	for (int i = 0; i < nev; i++) {
		(*out)[i] = evs[i].ev;
		snprintf((*out)[i].event_id, sizeof((*out)[i].event_id),
		    "sim-%s-%07d", ymd, i + 1);
	}
	free(evs);
	*n_out = nev;
	return 0;
}

/* ---- a window of the day (postroute-sim --from, --for) ------------------- */

static int
sim_id_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int64_t
sim_window(struct pr_event *ev, int *n, int64_t day_start, int64_t from,
    int64_t len)
{
	int64_t start, end;
	const char **ids;
	int nid = 0, k = 0;

	if (from < 0) {
		int count[72] = { 0 }, best = 0;

		for (int i = 0; i < *n; i++) {
			int64_t h = (ev[i].ts - day_start) / 3600;

			if (ev[i].type == PR_EV_ORDER_CREATED && h >= 0 &&
			    h < 72)
				count[h]++;
		}
		for (int h = 1; h < 72; h++)
			if (count[h] > count[best])
				best = h;
		from = (int64_t)best * 3600;
	}
	start = day_start + from;
	end = start + len;
	ids = bench_xcalloc((size_t)*n + 1, sizeof(*ids));
	for (int i = 0; i < *n; i++)
		if (ev[i].type == PR_EV_ORDER_CREATED && ev[i].ts >= start &&
		    ev[i].ts < end)
			ids[nid++] = ev[i].order_id;
	qsort(ids, (size_t)nid, sizeof(*ids), sim_id_cmp);
	for (int i = 0; i < *n; i++) {
		const char *id = ev[i].order_id;

		if (ev[i].ts < start || ev[i].ts >= end ||
		    bsearch(&id, ids, (size_t)nid, sizeof(*ids),
		    sim_id_cmp) == NULL)
			continue;
		if (k != i)
			ev[k] = ev[i];
		k++;
	}
	free(ids);
	*n = k;
	return start;
}
