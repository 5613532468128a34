/* geohash.c — see include/petrel/ds/geohash.h.
 *
 * DESIGN
 *   Interleaving spreads the 32 bits of each coordinate to every other bit
 *   with the usual mask-and-shift ladder (x to the even bits, y to the odd).
 *   Moving a hash one box east/west/north/south adds or subtracts one in the
 *   longitude (odd) or latitude (even) lane alone: the other lane's bits are
 *   filled with ones so the carry runs through them, then masked off again.
 *   The search picks the step from the radius (each step halves a box, from
 *   the Mercator width), drops one step if a neighbour box would not reach
 *   the bounding box's edge, and skips the neighbours the bounding box does
 *   not touch, so the nine boxes (at most) cover the search area.
 */
#include <petrel/ds/geohash.h>

#include <math.h>
#include <stddef.h>

#define EARTH_RADIUS 6372797.560856     /* meters, as Redis */
#define MERCATOR_MAX 20037726.37
#define DEG_RAD (M_PI / 180.0)

static const struct geo_range LON_RANGE = {GEO_LONG_MIN, GEO_LONG_MAX};
static const struct geo_range LAT_RANGE = {GEO_LAT_MIN, GEO_LAT_MAX};

static inline double to_rad(double deg) { return deg * DEG_RAD; }
static inline double to_deg(double rad) { return rad / DEG_RAD; }

/* x's 32 bits to the even positions, y's to the odd ones. */
static uint64_t interleave(uint32_t x, uint32_t y)
{
	static const uint64_t mask[] = {0x5555555555555555ULL, 0x3333333333333333ULL,
					0x0F0F0F0F0F0F0F0FULL, 0x00FF00FF00FF00FFULL,
					0x0000FFFF0000FFFFULL};
	uint64_t a = x, b = y;
	for (int i = 4; i >= 0; i--) {
		a = (a | (a << (1u << i))) & mask[i];
		b = (b | (b << (1u << i))) & mask[i];
	}
	return a | (b << 1);
}

/* The inverse: even bits to the low 32 bits of the result, odd bits to the
 * high 32. */
static uint64_t deinterleave(uint64_t v)
{
	static const uint64_t mask[] = {0x5555555555555555ULL, 0x3333333333333333ULL,
					0x0F0F0F0F0F0F0F0FULL, 0x00FF00FF00FF00FFULL,
					0x0000FFFF0000FFFFULL, 0x00000000FFFFFFFFULL};
	uint64_t a = v & mask[0], b = (v >> 1) & mask[0];
	for (int i = 0; i < 5; i++) {
		a = (a | (a >> (1u << i))) & mask[i + 1];
		b = (b | (b >> (1u << i))) & mask[i + 1];
	}
	return a | (b << 32);
}

int geo_encode(const struct geo_range *lon_r, const struct geo_range *lat_r, double lon,
	       double lat, int step, struct geo_hash *out)
{
	out->bits = 0;
	out->step = 0;
	if (step > 32 || step == 0 || lon_r->max == lon_r->min || lat_r->max == lat_r->min)
		return 0;
	if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN)
		return 0;
	if (lat < lat_r->min || lat > lat_r->max || lon < lon_r->min || lon > lon_r->max)
		return 0;
	double lat_off = (lat - lat_r->min) / (lat_r->max - lat_r->min);
	double lon_off = (lon - lon_r->min) / (lon_r->max - lon_r->min);
	lat_off *= (double)(1ULL << step);
	lon_off *= (double)(1ULL << step);
	out->bits = interleave((uint32_t)lat_off, (uint32_t)lon_off);
	out->step = (uint8_t)step;
	return 1;
}

int geo_score(double lon, double lat, uint64_t *score)
{
	struct geo_hash h;
	if (!geo_encode(&LON_RANGE, &LAT_RANGE, lon, lat, GEO_STEP_MAX, &h))
		return 0;
	*score = h.bits << (52 - h.step * 2);
	return 1;
}

static int decode_over(const struct geo_range *lon_r, const struct geo_range *lat_r,
		       struct geo_hash h, struct geo_area *area)
{
	if (h.bits == 0 && h.step == 0)
		return 0;
	area->hash = h;
	uint64_t sep = deinterleave(h.bits);
	double lat_scale = lat_r->max - lat_r->min, lon_scale = lon_r->max - lon_r->min;
	uint32_t ilat = (uint32_t)sep, ilon = (uint32_t)(sep >> 32);
	double cells = (double)(1ULL << h.step);
	area->lat.min = lat_r->min + (ilat * 1.0 / cells) * lat_scale;
	area->lat.max = lat_r->min + ((ilat + 1) * 1.0 / cells) * lat_scale;
	area->lon.min = lon_r->min + (ilon * 1.0 / cells) * lon_scale;
	area->lon.max = lon_r->min + ((ilon + 1) * 1.0 / cells) * lon_scale;
	return 1;
}

int geo_decode(struct geo_hash h, struct geo_area *area)
{
	return decode_over(&LON_RANGE, &LAT_RANGE, h, area);
}

int geo_decode_score(double score, double xy[2])
{
	struct geo_hash h = {(uint64_t)score, GEO_STEP_MAX};
	struct geo_area a;
	if (!geo_decode(h, &a))
		return 0;
	double lon = (a.lon.min + a.lon.max) / 2, lat = (a.lat.min + a.lat.max) / 2;
	xy[0] = lon > GEO_LONG_MAX ? GEO_LONG_MAX : lon < GEO_LONG_MIN ? GEO_LONG_MIN : lon;
	xy[1] = lat > GEO_LAT_MAX ? GEO_LAT_MAX : lat < GEO_LAT_MIN ? GEO_LAT_MIN : lat;
	return 1;
}

void geo_hash_string(double score, char buf[12])
{
	static const char alphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
	double xy[2];
	struct geo_range lon_r = {-180, 180}, lat_r = {-90, 90};
	struct geo_hash h;
	geo_decode_score(score, xy);
	geo_encode(&lon_r, &lat_r, xy[0], xy[1], GEO_STEP_MAX, &h);
	for (int i = 0; i < 11; i++) {
		/* 52 bits make 10 full characters; the 11th is taken as zero */
		unsigned idx = i == 10 ? 0 : (unsigned)((h.bits >> (52 - (i + 1) * 5)) & 0x1f);
		buf[i] = alphabet[idx];
	}
	buf[11] = 0;
}

/* ---- distances ------------------------------------------------------------ */

static double lat_distance(double lat1, double lat2)
{
	return EARTH_RADIUS * fabs(to_rad(lat2) - to_rad(lat1));
}

double geo_distance(double lon1, double lat1, double lon2, double lat2)
{
	double v = sin((to_rad(lon2) - to_rad(lon1)) / 2);
	if (v == 0.0)   /* same meridian: the haversine reduces to the latitude arc */
		return lat_distance(lat1, lat2);
	double la1 = to_rad(lat1), la2 = to_rad(lat2);
	double u = sin((la2 - la1) / 2);
	double a = u * u + cos(la1) * cos(la2) * v * v;
	return 2.0 * EARTH_RADIUS * asin(sqrt(a));
}

int geo_within(const struct geo_shape *s, const double xy[2], double *dist)
{
	if (s->type == GEO_CIRCLE) {
		*dist = geo_distance(s->xy[0], s->xy[1], xy[0], xy[1]);
		return *dist <= s->radius * s->conversion;
	}
	/* box: latitude first (cheaper), then the east-west distance along the
	 * point's own parallel */
	double w = s->width * s->conversion, h = s->height * s->conversion;
	if (lat_distance(xy[1], s->xy[1]) > h / 2)
		return 0;
	if (geo_distance(xy[0], xy[1], s->xy[0], xy[1]) > w / 2)
		return 0;
	*dist = geo_distance(s->xy[0], s->xy[1], xy[0], xy[1]);
	return 1;
}

/* ---- search boxes --------------------------------------------------------- */

/* One box along one lane (odd bits: longitude, even bits: latitude): fill
 * the other lane with ones so the carry or borrow runs through it, add or
 * subtract one unit, mask the other lane off again. */
static void move_lane(struct geo_hash *h, int d, uint64_t lane, uint64_t other)
{
	uint64_t x = h->bits & lane, y = h->bits & other;
	uint64_t fill = other >> (64 - h->step * 2);
	if (d > 0) {
		x = x + (fill + 1);
	} else {
		x = x | fill;
		x = x - (fill + 1);
	}
	x &= lane >> (64 - h->step * 2);
	h->bits = x | y;
}

#define LANE_LON 0xaaaaaaaaaaaaaaaaULL
#define LANE_LAT 0x5555555555555555ULL

enum { B_C, B_N, B_S, B_E, B_W, B_NE, B_NW, B_SE, B_SW };

static void neighbours(struct geo_hash c, struct geo_hash b[9])
{
	static const signed char dlon[9] = {0, 0, 0, 1, -1, 1, -1, 1, -1};
	static const signed char dlat[9] = {0, 1, -1, 0, 0, 1, 1, -1, -1};
	for (int i = 0; i < 9; i++) {
		b[i] = c;
		if (dlon[i])
			move_lane(&b[i], dlon[i], LANE_LON, LANE_LAT);
		if (dlat[i])
			move_lane(&b[i], dlat[i], LANE_LAT, LANE_LON);
	}
}

static int estimate_step(double meters, double lat)
{
	if (meters == 0)
		return 26;
	int step = 1;
	while (meters < MERCATOR_MAX) {
		meters *= 2;
		step++;
	}
	step -= 2;
	if (lat > 66 || lat < -66) {    /* boxes narrow towards the poles */
		step--;
		if (lat > 80 || lat < -80)
			step--;
	}
	return step < 1 ? 1 : step > 26 ? 26 : step;
}

/* bounds: min lon, min lat, max lon, max lat of the search area. */
static void bounding_box(const struct geo_shape *s, double b[4])
{
	double lon = s->xy[0], lat = s->xy[1];
	double h = s->conversion * (s->type == GEO_CIRCLE ? s->radius : s->height / 2);
	double w = s->conversion * (s->type == GEO_CIRCLE ? s->radius : s->width / 2);
	double dlat = to_deg(h / EARTH_RADIUS);
	double dlon_top = to_deg(w / EARTH_RADIUS / cos(to_rad(lat + dlat)));
	double dlon_bottom = to_deg(w / EARTH_RADIUS / cos(to_rad(lat - dlat)));
	/* the wider parallel is the one nearer the equator */
	double dlon = lat < 0 ? dlon_bottom : dlon_top;
	b[0] = lon - dlon;
	b[2] = lon + dlon;
	b[1] = lat - dlat;
	b[3] = lat + dlat;
}

static void zero(struct geo_hash *h)
{
	h->bits = 0;
	h->step = 0;
}

void geo_search_boxes(const struct geo_shape *s, struct geo_hash boxes[9])
{
	double b[4];
	bounding_box(s, b);
	double meters = s->type == GEO_CIRCLE ? s->radius
		: sqrt((s->width / 2) * (s->width / 2) + (s->height / 2) * (s->height / 2));
	meters *= s->conversion;
	int step = estimate_step(meters, s->xy[1]);
	struct geo_hash c;
	struct geo_area area, n, so, e, w;
	geo_encode(&LON_RANGE, &LAT_RANGE, s->xy[0], s->xy[1], step, &c);
	neighbours(c, boxes);
	geo_decode(c, &area);
	geo_decode(boxes[B_N], &n);
	geo_decode(boxes[B_S], &so);
	geo_decode(boxes[B_E], &e);
	geo_decode(boxes[B_W], &w);
	/* a neighbour too small to reach the bounding box: one step coarser */
	if (step > 1 && (n.lat.max < b[3] || so.lat.min > b[1] || e.lon.max < b[2] ||
			 w.lon.min > b[0])) {
		step--;
		geo_encode(&LON_RANGE, &LAT_RANGE, s->xy[0], s->xy[1], step, &c);
		neighbours(c, boxes);
		geo_decode(c, &area);
	}
	if (step >= 2) {        /* neighbours the search area does not reach */
		if (area.lat.min < b[1]) {
			zero(&boxes[B_S]);
			zero(&boxes[B_SW]);
			zero(&boxes[B_SE]);
		}
		if (area.lat.max > b[3]) {
			zero(&boxes[B_N]);
			zero(&boxes[B_NE]);
			zero(&boxes[B_NW]);
		}
		if (area.lon.min < b[0]) {
			zero(&boxes[B_W]);
			zero(&boxes[B_SW]);
			zero(&boxes[B_NW]);
		}
		if (area.lon.max > b[2]) {
			zero(&boxes[B_E]);
			zero(&boxes[B_SE]);
			zero(&boxes[B_NE]);
		}
	}
}

void geo_box_scores(struct geo_hash h, uint64_t *min, uint64_t *max)
{
	int shift = 52 - h.step * 2;
	*min = h.bits << shift;
	*max = (h.bits + 1) << shift;
}
