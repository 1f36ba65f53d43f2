/* The pixel format table and the queries on it. */
#include "pixel/format.h"

#include <ctype.h>
#include <string.h>

/* Packed formats name the components of a native-endian integer; the byte
 * positions below are those of a little-endian machine. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "Kiln supports little-endian machines only: the packed pixel formats assume it");
#else
#error "Kiln cannot tell the byte order of this compiler's target; it needs little-endian"
#endif

#define NO (-1)

/* Shorthands for the flag combinations of the table. */
#define ALPHA KILN_PFF_HASALPHA
#define FLOAT KILN_PFF_FLOAT
#define DEPTH KILN_PFF_DEPTH
#define LUM KILN_PFF_LUMINANCE
#define NATIVE KILN_PFF_NATIVEENDIAN

/* Columns of offset: R, G, B, A, L, X (byte positions in memory). The table is
 * laid out by hand so that it reads as columns. */
/* clang-format off */
static const kiln__pixel_format_desc table[] = {
    {"PF_L8",           KILN_PF_L8,           1,  1, KILN_PCT_BYTE,    LUM | NATIVE,   {NO, NO, NO, NO, 0,  NO}},
    {"PF_L16",          KILN_PF_L16,          2,  1, KILN_PCT_SHORT,   LUM | NATIVE,   {NO, NO, NO, NO, 0,  NO}},
    {"PF_A8",           KILN_PF_A8,           1,  1, KILN_PCT_BYTE,    ALPHA | NATIVE, {NO, NO, NO, 0,  NO, NO}},
    {"PF_BYTE_LA",      KILN_PF_BYTE_LA,      2,  2, KILN_PCT_BYTE,    ALPHA | LUM,    {NO, NO, NO, 1,  0,  NO}},
    {"PF_R8G8B8",       KILN_PF_R8G8B8,       3,  3, KILN_PCT_BYTE,    NATIVE,         {2,  1,  0,  NO, NO, NO}},
    {"PF_B8G8R8",       KILN_PF_B8G8R8,       3,  3, KILN_PCT_BYTE,    NATIVE,         {0,  1,  2,  NO, NO, NO}},
    {"PF_A8R8G8B8",     KILN_PF_A8R8G8B8,     4,  4, KILN_PCT_BYTE,    ALPHA | NATIVE, {2,  1,  0,  3,  NO, NO}},
    {"PF_A8B8G8R8",     KILN_PF_A8B8G8R8,     4,  4, KILN_PCT_BYTE,    ALPHA | NATIVE, {0,  1,  2,  3,  NO, NO}},
    {"PF_B8G8R8A8",     KILN_PF_B8G8R8A8,     4,  4, KILN_PCT_BYTE,    ALPHA | NATIVE, {1,  2,  3,  0,  NO, NO}},
    {"PF_FLOAT16_RGB",  KILN_PF_FLOAT16_RGB,  6,  3, KILN_PCT_FLOAT16, FLOAT,          {0,  2,  4,  NO, NO, NO}},
    {"PF_FLOAT16_RGBA", KILN_PF_FLOAT16_RGBA, 8,  4, KILN_PCT_FLOAT16, ALPHA | FLOAT,  {0,  2,  4,  6,  NO, NO}},
    {"PF_FLOAT32_RGB",  KILN_PF_FLOAT32_RGB,  12, 3, KILN_PCT_FLOAT32, FLOAT,          {0,  4,  8,  NO, NO, NO}},
    {"PF_FLOAT32_RGBA", KILN_PF_FLOAT32_RGBA, 16, 4, KILN_PCT_FLOAT32, ALPHA | FLOAT,  {0,  4,  8,  12, NO, NO}},
    {"PF_X8R8G8B8",     KILN_PF_X8R8G8B8,     4,  4, KILN_PCT_BYTE,    NATIVE,         {2,  1,  0,  NO, NO, 3}},
    {"PF_R8G8B8A8",     KILN_PF_R8G8B8A8,     4,  4, KILN_PCT_BYTE,    ALPHA | NATIVE, {3,  2,  1,  0,  NO, NO}},
    {"PF_DEPTH16",      KILN_PF_DEPTH16,      2,  1, KILN_PCT_SHORT,   DEPTH,          {0,  NO, NO, NO, NO, NO}},
    {"PF_SHORT_RGBA",   KILN_PF_SHORT_RGBA,   8,  4, KILN_PCT_SHORT,   ALPHA,          {0,  2,  4,  6,  NO, NO}},
    {"PF_FLOAT16_R",    KILN_PF_FLOAT16_R,    2,  1, KILN_PCT_FLOAT16, FLOAT,          {0,  NO, NO, NO, NO, NO}},
    {"PF_FLOAT32_R",    KILN_PF_FLOAT32_R,    4,  1, KILN_PCT_FLOAT32, FLOAT,          {0,  NO, NO, NO, NO, NO}},
    {"PF_FLOAT16_GR",   KILN_PF_FLOAT16_GR,   4,  2, KILN_PCT_FLOAT16, FLOAT,          {2,  0,  NO, NO, NO, NO}},
    {"PF_FLOAT32_GR",   KILN_PF_FLOAT32_GR,   8,  2, KILN_PCT_FLOAT32, FLOAT,          {4,  0,  NO, NO, NO, NO}},
    {"PF_DEPTH32F",     KILN_PF_DEPTH32F,     4,  1, KILN_PCT_FLOAT32, DEPTH | FLOAT,  {0,  NO, NO, NO, NO, NO}},
    {"PF_SHORT_GR",     KILN_PF_SHORT_GR,     4,  2, KILN_PCT_SHORT,   0,              {2,  0,  NO, NO, NO, NO}},
    {"PF_SHORT_RGB",    KILN_PF_SHORT_RGB,    6,  3, KILN_PCT_SHORT,   0,              {0,  2,  4,  NO, NO, NO}},
};
/* clang-format on */

#define TABLE_SIZE (sizeof table / sizeof table[0])

/* Names that mean a format but are not its canonical name: the memory-order
 * aliases of pixel.h. */
static const struct {
    const char *name;
    kiln_pixel_format format;
} aliases[] = {
    {"PF_BYTE_RGB", KILN_PF_BYTE_RGB},   {"PF_BYTE_BGR", KILN_PF_BYTE_BGR},
    {"PF_BYTE_RGBA", KILN_PF_BYTE_RGBA}, {"PF_BYTE_BGRA", KILN_PF_BYTE_BGRA},
    {"PF_BYTE_ARGB", KILN_PF_BYTE_ARGB}, {"PF_BYTE_ABGR", KILN_PF_BYTE_ABGR},
    {"PF_BYTE_L", KILN_PF_BYTE_L},       {"PF_BYTE_A", KILN_PF_BYTE_A},
    {"PF_SHORT_L", KILN_PF_SHORT_L},
};

/* Format numbers are small except DEPTH32F, so a switch maps them to the table. */
static int table_index(kiln_pixel_format format) {
    switch (format) {
    case KILN_PF_L8:
        return 0;
    case KILN_PF_L16:
        return 1;
    case KILN_PF_A8:
        return 2;
    case KILN_PF_BYTE_LA:
        return 3;
    case KILN_PF_R8G8B8:
        return 4;
    case KILN_PF_B8G8R8:
        return 5;
    case KILN_PF_A8R8G8B8:
        return 6;
    case KILN_PF_A8B8G8R8:
        return 7;
    case KILN_PF_B8G8R8A8:
        return 8;
    case KILN_PF_FLOAT16_RGB:
        return 9;
    case KILN_PF_FLOAT16_RGBA:
        return 10;
    case KILN_PF_FLOAT32_RGB:
        return 11;
    case KILN_PF_FLOAT32_RGBA:
        return 12;
    case KILN_PF_X8R8G8B8:
        return 13;
    case KILN_PF_R8G8B8A8:
        return 14;
    case KILN_PF_DEPTH16:
        return 15;
    case KILN_PF_SHORT_RGBA:
        return 16;
    case KILN_PF_FLOAT16_R:
        return 17;
    case KILN_PF_FLOAT32_R:
        return 18;
    case KILN_PF_FLOAT16_GR:
        return 19;
    case KILN_PF_FLOAT32_GR:
        return 20;
    case KILN_PF_DEPTH32F:
        return 21;
    case KILN_PF_SHORT_GR:
        return 22;
    case KILN_PF_SHORT_RGB:
        return 23;
    default:
        return -1;
    }
}

const kiln__pixel_format_desc *kiln__pixel_format_describe(kiln_pixel_format format) {
    int i = table_index(format);
    return i < 0 ? NULL : &table[i];
}

const kiln__pixel_format_desc *kiln__pixel_format_table(size_t *out_count) {
    *out_count = TABLE_SIZE;
    return table;
}

KILN_API bool kiln_pixel_format_is_valid(kiln_pixel_format format) {
    return table_index(format) >= 0;
}

KILN_API const char *kiln_pixel_format_get_name(kiln_pixel_format format) {
    const kiln__pixel_format_desc *d = kiln__pixel_format_describe(format);
    return d ? d->name : "PF_UNKNOWN";
}

/* Names compare without regard to case, and the "PF_" prefix is optional, so that
 * "byte_rgb" and "PF_BYTE_RGB" mean the same. */
static bool name_matches(const char *given, const char *canonical) {
    const char *a = given;
    if (toupper((unsigned char)a[0]) == 'P' && toupper((unsigned char)a[1]) == 'F' && a[2] == '_')
        a += 3;
    const char *b = canonical + 3;
    for (; *a && *b; a++, b++)
        if (toupper((unsigned char)*a) != *b)
            return false;
    return *a == '\0' && *b == '\0';
}

KILN_API kiln_result kiln_pixel_format_from_name(const char *name, kiln_pixel_format *out) {
    KILN__REQUIRE_NOT_NULL(out);
    *out = KILN_PF_UNKNOWN;
    KILN__REQUIRE_NOT_NULL(name);
    for (size_t i = 0; i < TABLE_SIZE; i++)
        if (name_matches(name, table[i].name)) {
            *out = table[i].format;
            return KILN_OK;
        }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (name_matches(name, aliases[i].name)) {
            *out = aliases[i].format;
            return KILN_OK;
        }
    return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                      "kiln_pixel_format_from_name: '%s' is not a pixel format name; names look "
                      "like PF_BYTE_RGB, PF_A8R8G8B8 or PF_FLOAT32_RGBA",
                      name);
}

KILN_API uint32_t kiln_pixel_format_get_num_elem_bytes(kiln_pixel_format format) {
    const kiln__pixel_format_desc *d = kiln__pixel_format_describe(format);
    return d ? d->num_bytes : 0;
}

KILN_API uint32_t kiln_pixel_format_get_component_count(kiln_pixel_format format) {
    const kiln__pixel_format_desc *d = kiln__pixel_format_describe(format);
    return d ? d->component_count : 0;
}

KILN_API kiln_pixel_component_type kiln_pixel_format_get_component_type(kiln_pixel_format format) {
    const kiln__pixel_format_desc *d = kiln__pixel_format_describe(format);
    return d ? d->component_type : KILN_PCT_BYTE;
}

KILN_API uint32_t kiln_pixel_format_get_flags(kiln_pixel_format format) {
    const kiln__pixel_format_desc *d = kiln__pixel_format_describe(format);
    return d ? d->flags : 0;
}

KILN_API kiln_result kiln_pixel_format_get_memory_size(uint32_t width, uint32_t height,
                                                       uint32_t depth, kiln_pixel_format format,
                                                       size_t *out) {
    KILN__REQUIRE_NOT_NULL(out);
    *out = 0;
    const kiln__pixel_format_desc *d = kiln__pixel_format_describe(format);
    if (!d)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_pixel_format_get_memory_size: %d is not a valid pixel format",
                          (int)format);
    size_t size;
    if (!kiln__mul_size(width, height, &size) || !kiln__mul_size(size, depth, &size) ||
        !kiln__mul_size(size, d->num_bytes, &size))
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_pixel_format_get_memory_size: %ux%ux%u pixels of %s need more "
                          "bytes than a size_t can count",
                          width, height, depth, d->name);
    *out = size;
    return KILN_OK;
}
