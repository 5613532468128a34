/* geohash.h — Redis's GEO coordinates: 52-bit interleaved geohashes used as
 * sorted-set scores, the search areas of GEOSEARCH/GEORADIUS, distances.
 *
 * A position (longitude, latitude) becomes a zset score: both are scaled to
 * 26-bit integers over longitude [-180, 180] and latitude [-85.05112878,
 * 85.05112878] (the Web Mercator limits), then interleaved, latitude in the
 * even bits and longitude in the odd bits. GEOHASH re-encodes the decoded
 * centre over latitude [-90, 90] as the standard 11-character base-32 string.
 * Everything here reproduces Redis's arithmetic so scores, positions and
 * distances come out bit-for-bit the same (the replies print them).
 *
 * Thread: any; pure functions.
 */
#ifndef PETREL_DS_GEOHASH_H
#define PETREL_DS_GEOHASH_H

#include <stdint.h>

#define GEO_STEP_MAX 26
#define GEO_LAT_MIN (-85.05112878)
#define GEO_LAT_MAX 85.05112878
#define GEO_LONG_MIN (-180.0)
#define GEO_LONG_MAX 180.0

struct geo_hash {
	uint64_t bits;
	uint8_t step;           /* bits per coordinate; 0 with bits 0 = no area */
};

struct geo_range {
	double min, max;
};

struct geo_area {
	struct geo_hash hash;
	struct geo_range lon, lat;
};

enum geo_shape_type { GEO_CIRCLE, GEO_BOX };

/* A search: centre xy = {lon, lat}; radius or width/height in the unit given
 * by `conversion` (meters per unit). */
struct geo_shape {
	enum geo_shape_type type;
	double xy[2];
	double conversion;
	double radius;
	double width, height;
};

/* Encode lon/lat at `step` bits over the given ranges. 0 if out of range. */
int geo_encode(const struct geo_range *lon_r, const struct geo_range *lat_r, double lon,
	       double lat, int step, struct geo_hash *out);
/* The zset score of a WGS84 position (52 bits). 0 if out of range. */
int geo_score(double lon, double lat, uint64_t *score);
/* Area of a hash over the WGS84 ranges. 0 for the empty hash. */
int geo_decode(struct geo_hash h, struct geo_area *area);
/* Centre {lon, lat} of a zset score, clamped to the valid ranges, as Redis
 * decodes it (the score is converted to an integer the way Redis's C cast
 * does). Returns 1. */
int geo_decode_score(double score, double xy[2]);
/* The 11-character standard geohash of a score (buf gets 12 bytes, NUL). */
void geo_hash_string(double score, char buf[12]);

/* Great-circle distance in meters (haversine, Redis's earth radius). */
double geo_distance(double lon1, double lat1, double lon2, double lat2);
/* 1 if point xy lies in the shape; *dist = its distance from the centre in
 * meters. */
int geo_within(const struct geo_shape *s, const double xy[2], double *dist);

/* The boxes to scan for a search, in Redis's order: the centre box, then N, S,
 * E, W, NE, NW, SE, SW; a box with step 0 and bits 0 is skipped. */
void geo_search_boxes(const struct geo_shape *s, struct geo_hash boxes[9]);
/* Score range [*min, *max) covered by a box. */
void geo_box_scores(struct geo_hash h, uint64_t *min, uint64_t *max);

#endif
