/* test_ds_geohash.c — geohash scores, decoding, geohash strings, distances and
 * search boxes, against values Redis documents/returns for the same input.
 */
#include <petrel/ds/geohash.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static void test_geohash_scores_match_redis(void **state)
{
	(void)state;
	uint64_t s;
	/* GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania;
	 * ZSCORE on redis-server gives these */
	assert_true(geo_score(13.361389, 38.115556, &s));
	assert_true(s == 3479099956230698ULL);
	assert_true(geo_score(15.087269, 37.502669, &s));
	assert_true(s == 3479447370796909ULL);
	/* out of range */
	assert_false(geo_score(180.1, 0, &s));
	assert_false(geo_score(0, 85.06, &s));
	assert_true(geo_score(-180, -85.05112878, &s));
	assert_true(s == 0);
}

static void test_geohash_decode_and_string(void **state)
{
	(void)state;
	double xy[2];
	char buf[64];
	assert_true(geo_decode_score(3479099956230698.0, xy));
	snprintf(buf, sizeof(buf), "%.17Lf %.17Lf", (long double)xy[0], (long double)xy[1]);
	/* GEOPOS Sicily Palermo: 13.36138933897018433 38.11555639549629859 */
	assert_string_equal(buf, "13.36138933897018433 38.11555639549629859");
	char h[12];
	geo_hash_string(3479099956230698.0, h);
	assert_string_equal(h, "sqc8b49rny0");
	geo_hash_string(3479447370796909.0, h);
	assert_string_equal(h, "sqdtr74hyu0");
}

static void test_geohash_distance(void **state)
{
	(void)state;
	double a[2], b[2];
	char buf[32];
	geo_decode_score(3479099956230698.0, a);
	geo_decode_score(3479447370796909.0, b);
	/* GEODIST Sicily Palermo Catania -> "166274.1516" */
	snprintf(buf, sizeof(buf), "%.4f", geo_distance(a[0], a[1], b[0], b[1]));
	assert_string_equal(buf, "166274.1516");
	/* same meridian: the latitude arc */
	assert_true(geo_distance(10, 0, 10, 1) > 111226 && geo_distance(10, 0, 10, 1) < 111227);
	assert_true(geo_distance(1, 2, 1, 2) == 0);
}

/* Every point of a random cloud within the shape lies in one of the boxes. */
static void test_geohash_boxes_cover_the_shape(void **state)
{
	(void)state;
	uint64_t seed = 42;
	for (int t = 0; t < 200; t++) {
		struct geo_shape s;
		memset(&s, 0, sizeof(s));
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		s.xy[0] = (double)(seed >> 40) / (1 << 24) * 340 - 170;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		s.xy[1] = (double)(seed >> 40) / (1 << 24) * 160 - 80;
		s.conversion = 1000;
		s.type = t % 2 ? GEO_BOX : GEO_CIRCLE;
		s.radius = 1 + t * 3;
		s.width = 2 + t * 4;
		s.height = 1 + t * 2;
		struct geo_hash boxes[9];
		geo_search_boxes(&s, boxes);
		for (int p = 0; p < 300; p++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			double lon = s.xy[0] + ((double)(seed >> 40) / (1 << 24) - 0.5) * 10;
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			double lat = s.xy[1] + ((double)(seed >> 40) / (1 << 24) - 0.5) * 5;
			uint64_t score;
			if (!geo_score(lon, lat, &score))
				continue;
			double xy[2], dist;
			geo_decode_score((double)score, xy);
			if (!geo_within(&s, xy, &dist))
				continue;
			int covered = 0;
			for (int i = 0; i < 9; i++) {
				if (boxes[i].step == 0 && boxes[i].bits == 0)
					continue;
				uint64_t lo, hi;
				geo_box_scores(boxes[i], &lo, &hi);
				covered |= score >= lo && score < hi;
			}
			assert_true(covered);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geohash_scores_match_redis),
		cmocka_unit_test(test_geohash_decode_and_string),
		cmocka_unit_test(test_geohash_distance),
		cmocka_unit_test(test_geohash_boxes_cover_the_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
