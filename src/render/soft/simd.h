/* The few vector operations the span kernels use, over W lanes of 32 bits: SSE2
 * (W = 4) by default, AVX2 (W = 8) when KILN__SPAN_AVX2 is defined before this
 * header in a file compiled for AVX2. Every float operation is one IEEE operation
 * per lane, as the scalar code does it, so the kernels give the scalar code's
 * bytes; nothing here fuses a multiply and an add. */
#ifndef KILN_RENDER_SOFT_SIMD_H
#define KILN_RENDER_SOFT_SIMD_H

#include <immintrin.h>
#include <stdint.h>

#ifdef KILN__SPAN_AVX2
#define W 8
typedef __m256 vf;
typedef __m256i vi;
#define vf_set1 _mm256_set1_ps
#define vf_add _mm256_add_ps
#define vf_sub _mm256_sub_ps
#define vf_mul _mm256_mul_ps
#define vf_div _mm256_div_ps
#define vf_sqrt _mm256_sqrt_ps
#define vf_and _mm256_and_ps
#define vf_or _mm256_or_ps
#define vf_andnot _mm256_andnot_ps
#define vf_lt(a, b) _mm256_cmp_ps(a, b, _CMP_LT_OQ)
#define vf_le(a, b) _mm256_cmp_ps(a, b, _CMP_LE_OQ)
#define vf_gt(a, b) _mm256_cmp_ps(a, b, _CMP_GT_OQ)
#define vf_ge(a, b) _mm256_cmp_ps(a, b, _CMP_GE_OQ)
#define vf_eq(a, b) _mm256_cmp_ps(a, b, _CMP_EQ_OQ)
#define vf_neq(a, b) _mm256_cmp_ps(a, b, _CMP_NEQ_UQ)
#define vf_loadu _mm256_loadu_ps
#define vf_storeu _mm256_storeu_ps
#define vf_to_vi_trunc _mm256_cvttps_epi32
#define vi_to_vf _mm256_cvtepi32_ps
#define vf_as_vi _mm256_castps_si256
#define vi_as_vf _mm256_castsi256_ps
#define vi_set1 _mm256_set1_epi32
#define vi_add _mm256_add_epi32
#define vi_sub _mm256_sub_epi32
#define vi_and _mm256_and_si256
#define vi_or _mm256_or_si256
#define vi_andnot _mm256_andnot_si256
#define vi_gt _mm256_cmpgt_epi32
#define vi_eq _mm256_cmpeq_epi32
#define vi_srai _mm256_srai_epi32
#define vi_srli _mm256_srli_epi32
#define vi_slli _mm256_slli_epi32
#define vi_mullo _mm256_mullo_epi32
#define vi_loadu(p) _mm256_loadu_si256((const __m256i *)(p))
#define vi_storeu(p, v) _mm256_storeu_si256((__m256i *)(p), v)
#define vi_zero _mm256_setzero_si256
#define vi_unpacklo8 _mm256_unpacklo_epi8
#define vi_unpackhi8 _mm256_unpackhi_epi8
#define vi_mullo16 _mm256_mullo_epi16
#define vi_add16 _mm256_add_epi16
#define vi_sub16 _mm256_sub_epi16
#define vf_setzero _mm256_setzero_ps
#define vi_srli16 _mm256_srli_epi16
#define vi_packus16 _mm256_packus_epi16
#define vi_set1_16 _mm256_set1_epi16
#define vi_unpacklo16 _mm256_unpacklo_epi16
#define vi_unpackhi16 _mm256_unpackhi_epi16
#define vi_unpacklo32 _mm256_unpacklo_epi32
#define vi_unpackhi32 _mm256_unpackhi_epi32
static inline vf vf_lanes(void) { return _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7); }
static inline vi vi_lanes(void) { return _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
static inline vi vi_select(vi mask, vi a, vi b) { return _mm256_blendv_epi8(b, a, mask); }
static inline vf vf_select(vf mask, vf a, vf b) { return _mm256_blendv_ps(b, a, mask); }
static inline vi vi_min(vi a, vi b) { return _mm256_min_epi32(a, b); }
static inline vi vi_max(vi a, vi b) { return _mm256_max_epi32(a, b); }
/* Texels at 32-bit indices of a table. Separate loads: on many processors they are
 * faster than the gather instruction. */
static inline vi vi_gather(const uint32_t *table, vi index) {
    int32_t i[8];
    _mm256_storeu_si256((__m256i *)(void *)i, index);
    return _mm256_setr_epi32((int)table[i[0]], (int)table[i[1]], (int)table[i[2]], (int)table[i[3]],
                             (int)table[i[4]], (int)table[i[5]], (int)table[i[6]],
                             (int)table[i[7]]);
}
static inline int vi_any(vi mask) { return !_mm256_testz_si256(mask, mask); }
/* One bit per lane, set where the lane's mask is. */
static inline uint32_t vi_bits(vi mask) {
    return (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(mask));
}
/* Texels at 32-bit indices of a table, and the texels just after them, with one
 * 64-bit load per lane. */
static inline void vi_gather_pairs(const uint32_t *table, vi index, vi *first, vi *second) {
    int32_t i[8];
    _mm256_storeu_si256((__m256i *)(void *)i, index);
#define KILN__PAIR(k) _mm_loadl_epi64((const __m128i *)(const void *)(table + i[k]))
    __m128i a0 = _mm_unpacklo_epi64(KILN__PAIR(0), KILN__PAIR(1));
    __m128i a1 = _mm_unpacklo_epi64(KILN__PAIR(4), KILN__PAIR(5));
    __m128i b0 = _mm_unpacklo_epi64(KILN__PAIR(2), KILN__PAIR(3));
    __m128i b1 = _mm_unpacklo_epi64(KILN__PAIR(6), KILN__PAIR(7));
#undef KILN__PAIR
    __m256 a = _mm256_castsi256_ps(_mm256_set_m128i(a1, a0));
    __m256 b = _mm256_castsi256_ps(_mm256_set_m128i(b1, b0));
    *first = _mm256_castps_si256(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
    *second = _mm256_castps_si256(_mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
}
/* Where every lane's texel at `index` of a row of `width` texels, and the one after it,
 * lie within 8 neighbouring texels: the first of them (*base) and each lane's place
 * among them (*at), for vi_pairs_at. False otherwise. */
static inline int vi_pairs_window(int32_t width, vi index, int32_t *base, vi *at) {
    __m256i lo = _mm256_min_epi32(index, _mm256_permute2x128_si256(index, index, 1));
    lo = _mm256_min_epi32(lo, _mm256_shuffle_epi32(lo, 0x4E));
    lo = _mm256_min_epi32(lo, _mm256_shuffle_epi32(lo, 0xB1));
    __m256i hi = _mm256_max_epi32(index, _mm256_permute2x128_si256(index, index, 1));
    hi = _mm256_max_epi32(hi, _mm256_shuffle_epi32(hi, 0x4E));
    hi = _mm256_max_epi32(hi, _mm256_shuffle_epi32(hi, 0xB1));
    int32_t low = _mm_cvtsi128_si32(_mm256_castsi256_si128(lo));
    int32_t high = _mm_cvtsi128_si32(_mm256_castsi256_si128(hi));
    *base = low < width - 8 ? low : width - 8;
    if (width < 8 || low < 0 || high + 1 >= width || high + 1 - *base > 7)
        return 0;
    *at = _mm256_sub_epi32(index, _mm256_set1_epi32(*base));
    return 1;
}
/* The texels of a row at a window vi_pairs_window found, and those just after them: one
 * load of the 8 and a permutation per result. */
static inline void vi_pairs_at(const uint32_t *row, int32_t base, vi at, vi *first, vi *second) {
    __m256i texels = _mm256_loadu_si256((const __m256i *)(const void *)(row + base));
    *first = _mm256_permutevar8x32_epi32(texels, at);
    *second = _mm256_permutevar8x32_epi32(texels, _mm256_add_epi32(at, _mm256_set1_epi32(1)));
}
static inline int32_t vi_first(vi v) { return _mm_cvtsi128_si32(_mm256_castsi256_si128(v)); }
/* A block of W pixels, W / 2 wide and 2 tall: lanes [0, W/2) are row y, the rest
 * row y + 1. */
static inline vi vi_block_x(void) { return _mm256_setr_epi32(0, 1, 2, 3, 0, 1, 2, 3); }
static inline vi vi_block_y(void) { return _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1); }
static inline vi vi_load_rows(const void *row0, const void *row1) {
    return _mm256_set_m128i(_mm_loadu_si128((const __m128i *)row1),
                            _mm_loadu_si128((const __m128i *)row0));
}
static inline void vi_store_rows(void *row0, void *row1, vi v) {
    _mm_storeu_si128((__m128i *)row0, _mm256_castsi256_si128(v));
    _mm_storeu_si128((__m128i *)row1, _mm256_extracti128_si256(v, 1));
}
static inline void vi_store_first_row(void *row0, vi v) {
    _mm_storeu_si128((__m128i *)row0, _mm256_castsi256_si128(v));
}
/* W floats from each of W rows, from float `at` on, transposed: out[k] holds float
 * at + k of every row. */
static inline void vf_transpose(const float *const row[8], uint32_t at, vf out[8]) {
    __m256 t[8], s[8];
    for (int k = 0; k < 8; k += 2) {
        __m256 a = _mm256_loadu_ps(row[k] + at), b = _mm256_loadu_ps(row[k + 1] + at);
        t[k] = _mm256_unpacklo_ps(a, b);
        t[k + 1] = _mm256_unpackhi_ps(a, b);
    }
    for (int k = 0; k < 8; k += 4) {
        s[k] = _mm256_shuffle_ps(t[k], t[k + 2], 0x44);
        s[k + 1] = _mm256_shuffle_ps(t[k], t[k + 2], 0xEE);
        s[k + 2] = _mm256_shuffle_ps(t[k + 1], t[k + 3], 0x44);
        s[k + 3] = _mm256_shuffle_ps(t[k + 1], t[k + 3], 0xEE);
    }
    for (int k = 0; k < 4; k++) {
        out[k] = _mm256_permute2f128_ps(s[k], s[k + 4], 0x20);
        out[k + 4] = _mm256_permute2f128_ps(s[k], s[k + 4], 0x31);
    }
}
#else
#define W 4
typedef __m128 vf;
typedef __m128i vi;
#define vf_set1 _mm_set1_ps
#define vf_add _mm_add_ps
#define vf_sub _mm_sub_ps
#define vf_mul _mm_mul_ps
#define vf_div _mm_div_ps
#define vf_sqrt _mm_sqrt_ps
#define vf_and _mm_and_ps
#define vf_or _mm_or_ps
#define vf_andnot _mm_andnot_ps
#define vf_lt _mm_cmplt_ps
#define vf_le _mm_cmple_ps
#define vf_gt _mm_cmpgt_ps
#define vf_ge _mm_cmpge_ps
#define vf_eq _mm_cmpeq_ps
#define vf_neq _mm_cmpneq_ps
#define vf_loadu _mm_loadu_ps
#define vf_storeu _mm_storeu_ps
#define vf_to_vi_trunc _mm_cvttps_epi32
#define vi_to_vf _mm_cvtepi32_ps
#define vf_as_vi _mm_castps_si128
#define vi_as_vf _mm_castsi128_ps
#define vi_set1 _mm_set1_epi32
#define vi_add _mm_add_epi32
#define vi_sub _mm_sub_epi32
#define vi_and _mm_and_si128
#define vi_or _mm_or_si128
#define vi_andnot _mm_andnot_si128
#define vi_gt _mm_cmpgt_epi32
#define vi_eq _mm_cmpeq_epi32
#define vi_srai _mm_srai_epi32
#define vi_srli _mm_srli_epi32
#define vi_slli _mm_slli_epi32
#define vi_loadu(p) _mm_loadu_si128((const __m128i *)(p))
#define vi_storeu(p, v) _mm_storeu_si128((__m128i *)(p), v)
#define vi_zero _mm_setzero_si128
#define vi_unpacklo8 _mm_unpacklo_epi8
#define vi_unpackhi8 _mm_unpackhi_epi8
#define vi_mullo16 _mm_mullo_epi16
#define vi_add16 _mm_add_epi16
#define vi_sub16 _mm_sub_epi16
#define vf_setzero _mm_setzero_ps
#define vi_srli16 _mm_srli_epi16
#define vi_packus16 _mm_packus_epi16
#define vi_set1_16 _mm_set1_epi16
#define vi_unpacklo16 _mm_unpacklo_epi16
#define vi_unpackhi16 _mm_unpackhi_epi16
#define vi_unpacklo32 _mm_unpacklo_epi32
#define vi_unpackhi32 _mm_unpackhi_epi32
static inline vf vf_lanes(void) { return _mm_setr_ps(0, 1, 2, 3); }
static inline vi vi_lanes(void) { return _mm_setr_epi32(0, 1, 2, 3); }
static inline vi vi_select(vi mask, vi a, vi b) {
    return _mm_or_si128(_mm_and_si128(mask, a), _mm_andnot_si128(mask, b));
}
static inline vf vf_select(vf mask, vf a, vf b) {
    return _mm_or_ps(_mm_and_ps(mask, a), _mm_andnot_ps(mask, b));
}
static inline vi vi_min(vi a, vi b) { return vi_select(_mm_cmpgt_epi32(a, b), b, a); }
static inline vi vi_max(vi a, vi b) { return vi_select(_mm_cmpgt_epi32(a, b), a, b); }
/* The low 32 bits of each product (SSE2 multiplies only even lanes at a time). */
static inline vi vi_mullo(vi a, vi b) {
    __m128i even = _mm_mul_epu32(a, b);
    __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32));
    return _mm_unpacklo_epi32(_mm_shuffle_epi32(even, _MM_SHUFFLE(0, 0, 2, 0)),
                              _mm_shuffle_epi32(odd, _MM_SHUFFLE(0, 0, 2, 0)));
}
static inline vi vi_gather(const uint32_t *table, vi index) {
    int32_t i[4];
    _mm_storeu_si128((__m128i *)i, index);
    return _mm_setr_epi32((int)table[i[0]], (int)table[i[1]], (int)table[i[2]], (int)table[i[3]]);
}
static inline int vi_any(vi mask) { return _mm_movemask_epi8(mask) != 0; }
/* One bit per lane, set where the lane's mask is. */
static inline uint32_t vi_bits(vi mask) {
    return (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(mask));
}
/* Texels at 32-bit indices of a table, and the texels just after them, with one
 * 64-bit load per lane. */
static inline void vi_gather_pairs(const uint32_t *table, vi index, vi *first, vi *second) {
    int32_t i[4];
    _mm_storeu_si128((__m128i *)(void *)i, index);
#define KILN__PAIR(k) _mm_loadl_epi64((const __m128i *)(const void *)(table + i[k]))
    __m128 a = _mm_castsi128_ps(_mm_unpacklo_epi64(KILN__PAIR(0), KILN__PAIR(1)));
    __m128 b = _mm_castsi128_ps(_mm_unpacklo_epi64(KILN__PAIR(2), KILN__PAIR(3)));
#undef KILN__PAIR
    *first = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
    *second = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
}
/* No variable permutation in SSE2: the callers gather instead. */
static inline int vi_pairs_window(int32_t width, vi index, int32_t *base, vi *at) {
    (void)width, (void)index, (void)base, (void)at;
    return 0;
}
static inline void vi_pairs_at(const uint32_t *row, int32_t base, vi at, vi *first, vi *second) {
    (void)row, (void)base, (void)at;
    *first = *second = _mm_setzero_si128();
}
static inline int32_t vi_first(vi v) { return _mm_cvtsi128_si32(v); }
/* A block of W pixels, W / 2 wide and 2 tall: lanes [0, W/2) are row y, the rest
 * row y + 1. */
static inline vi vi_block_x(void) { return _mm_setr_epi32(0, 1, 0, 1); }
static inline vi vi_block_y(void) { return _mm_setr_epi32(0, 0, 1, 1); }
static inline vi vi_load_rows(const void *row0, const void *row1) {
    return _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)row0),
                              _mm_loadl_epi64((const __m128i *)row1));
}
static inline void vi_store_rows(void *row0, void *row1, vi v) {
    _mm_storel_epi64((__m128i *)row0, v);
    _mm_storel_epi64((__m128i *)row1, _mm_srli_si128(v, 8));
}
static inline void vi_store_first_row(void *row0, vi v) { _mm_storel_epi64((__m128i *)row0, v); }
/* W floats from each of W rows, from float `at` on, transposed: out[k] holds float
 * at + k of every row. */
static inline void vf_transpose(const float *const row[4], uint32_t at, vf out[4]) {
    __m128 a = _mm_loadu_ps(row[0] + at), b = _mm_loadu_ps(row[1] + at);
    __m128 c = _mm_loadu_ps(row[2] + at), d = _mm_loadu_ps(row[3] + at);
    _MM_TRANSPOSE4_PS(a, b, c, d);
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
}
#endif

/* floorf per lane, exact for |x| < 2^31 (the kernels clamp before they floor). */
#ifdef KILN__SPAN_AVX2
static inline vf vf_floor(vf x) { return _mm256_floor_ps(x); }
#else
static inline vf vf_floor(vf x) {
    vf t = vi_to_vf(vf_to_vi_trunc(x));
    return vf_sub(t, vf_and(vf_gt(t, x), vf_set1(1.0f)));
}
#endif

/* The lanes of [x, x + W) that lie below end, as a mask. */
static inline vi vi_lanes_below(int32_t x, int32_t end) {
    return vi_gt(vi_set1(end - x), vi_lanes());
}

#endif
