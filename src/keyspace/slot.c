/* slot.c — CRC16-XMODEM (poly 0x1021, init 0) and the hashtag rule.
 *
 * Thread: any (tables are built before main() runs and never change).
 *
 * DESIGN: slicing-by-8. t[0] is the classic byte table; t[k][v] is the CRC
 * of byte v followed by k zero bytes, so eight bytes fold into the CRC with
 * eight independent lookups instead of a serial chain: about 2 instructions
 * per byte instead of 7, which matters since every key's slot is computed on
 * the hot path.
 */
#include <petrel/slot.h>

#include <string.h>

static uint16_t t[8][256];

__attribute__((constructor)) static void slot_init(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint16_t c = (uint16_t)(i << 8);
		for (int b = 0; b < 8; b++)
			c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) : (uint16_t)(c << 1);
		t[0][i] = c;
	}
	for (int k = 1; k < 8; k++)
		for (unsigned i = 0; i < 256; i++)
			t[k][i] = (uint16_t)((t[k - 1][i] << 8) ^ t[0][t[k - 1][i] >> 8]);
}

uint16_t slot_crc16(const char *buf, size_t len)
{
	uint16_t crc = 0;
	const unsigned char *p = (const unsigned char *)buf;
	while (len >= 8) {
		crc = (uint16_t)(t[7][p[0] ^ (crc >> 8)] ^ t[6][p[1] ^ (crc & 0xff)] ^
				 t[5][p[2]] ^ t[4][p[3]] ^ t[3][p[4]] ^ t[2][p[5]] ^
				 t[1][p[6]] ^ t[0][p[7]]);
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (uint16_t)((crc << 8) ^ t[0][((crc >> 8) ^ *p++) & 0xff]);
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
