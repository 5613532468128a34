/* bench_ds_geohash.c — geohash micro-benchmark: encoding a position to its
 * score, decoding a score, the haversine distance, the search boxes.
 *
 * Thread: single.
 */
#include <petrel/ds/geohash.h>
#include "bench_ds.h"

int main(void)
{
	enum { N = 5000000 };
	uint64_t t0, s;
	double xy[2];

	t0 = bench_now_ns();
	for (int i = 0; i < N; i++) {
		geo_score(-179.0 + (i % 3580) * 0.1, -80.0 + (i % 1600) * 0.1, &s);
		bench_sink += s;
	}
	bench_report("geo_score (encode)", N, bench_now_ns() - t0);

	t0 = bench_now_ns();
	for (int i = 0; i < N; i++) {
		geo_decode_score((double)(3479099956230698ULL + (uint64_t)i * 977), xy);
		bench_sink += (uint64_t)xy[0];
	}
	bench_report("geo_decode_score", N, bench_now_ns() - t0);

	t0 = bench_now_ns();
	for (int i = 0; i < N; i++)
		bench_sink += (uint64_t)geo_distance(13.36, 38.11, 15.08 + (i % 100) * 0.01, 37.5);
	bench_report("geo_distance", N, bench_now_ns() - t0);

	struct geo_shape sh = {GEO_CIRCLE, {13.36, 38.11}, 1000, 0, 0, 0};
	struct geo_hash boxes[9];
	t0 = bench_now_ns();
	for (int i = 0; i < N / 10; i++) {
		sh.radius = 1 + i % 500;
		geo_search_boxes(&sh, boxes);
		bench_sink += boxes[0].bits;
	}
	bench_report("geo_search_boxes", N / 10, bench_now_ns() - t0);
	return 0;
}
