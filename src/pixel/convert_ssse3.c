/* Four-byte to three-byte pixel swizzles with SSSE3's byte shuffle: sixteen pixels a
 * step, each group of four shuffled into twelve bytes and the groups joined into
 * three 16-byte stores. The same bytes as the portable swizzle. */
#include "pixel/convert.h"

#include <string.h>
#include <tmmintrin.h>

void kiln__swizzle_4_3_ssse3(const kiln__row_converter *c, const void *src, void *dst,
                             size_t count) {
    const uint8_t *s = src;
    uint8_t *d = dst;
    const uint8_t *map = c->byte_map;
    __m128i shuffle;
    memcpy(&shuffle, c->shuffle_4_3, sizeof shuffle);
    size_t i = 0;
    for (; i + 16 <= count; i += 16, s += 64, d += 48) {
        __m128i a = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)s), shuffle);
        __m128i b = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 16)), shuffle);
        __m128i e = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 32)), shuffle);
        __m128i f = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 48)), shuffle);
        _mm_storeu_si128((__m128i *)d, _mm_or_si128(a, _mm_slli_si128(b, 12)));
        _mm_storeu_si128((__m128i *)(d + 16),
                         _mm_or_si128(_mm_srli_si128(b, 4), _mm_slli_si128(e, 8)));
        _mm_storeu_si128((__m128i *)(d + 32),
                         _mm_or_si128(_mm_srli_si128(e, 8), _mm_slli_si128(f, 4)));
    }
    /* Each pixel is read whole before it is written: converting in place, a pixel's
     * first bytes are written over its own source bytes. */
    for (; i < count; i++, s += 4, d += 3) {
        uint8_t pixel[4];
        memcpy(pixel, s, sizeof pixel);
        for (int k = 0; k < 3; k++)
            d[k] = pixel[map[k]];
    }
}
