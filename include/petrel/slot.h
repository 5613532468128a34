/* slot.h — key -> hash slot, exactly as Redis Cluster computes it.
 *
 * slot = CRC16-XMODEM(hashed part) mod 16384, where the hashed part is the
 * substring between the first '{' and the next '}' when that substring is
 * non-empty, else the whole key. Used in standalone mode too (DESIGN.md 2).
 *
 * Thread: any (pure functions).
 */
#ifndef PETREL_SLOT_H
#define PETREL_SLOT_H

#include <stddef.h>
#include <stdint.h>

#define SLOT_COUNT 16384
#define SLOT_MASK (SLOT_COUNT - 1)

uint16_t slot_crc16(const char *buf, size_t len);
unsigned slot_of(const char *key, size_t len);

#endif
