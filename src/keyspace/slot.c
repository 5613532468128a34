/* slot.c — CRC16-XMODEM (poly 0x1021, init 0) and the hashtag rule.
 *
 * Thread: any.
 */
#include <petrel/slot.h>

#include <string.h>

static uint16_t table[256];

static void build_table(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint16_t c = (uint16_t)(i << 8);
		for (int b = 0; b < 8; b++)
			c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) : (uint16_t)(c << 1);
		table[i] = c;
	}
}

/* Built once before main() runs: no lazy-init branch on the hot path. */
__attribute__((constructor)) static void slot_init(void) { build_table(); }

uint16_t slot_crc16(const char *buf, size_t len)
{
	uint16_t crc = 0;
	const unsigned char *p = (const unsigned char *)buf;
	for (size_t i = 0; i < len; i++)
		crc = (uint16_t)((crc << 8) ^ table[((crc >> 8) ^ p[i]) & 0xff]);
	return crc;
}

unsigned slot_of(const char *key, size_t len)
{
	const char *open = memchr(key, '{', len);
	if (open) {
		size_t rest = len - (size_t)(open - key) - 1;
		const char *close = memchr(open + 1, '}', rest);
		if (close && close > open + 1)
			return slot_crc16(open + 1, (size_t)(close - open - 1)) & SLOT_MASK;
	}
	return slot_crc16(key, len) & SLOT_MASK;
}
