/* Element counts that mesh file headers declare, checked against the file's size before
 * assimp reads the file: an importer reserves what a header declares, so a 309-byte
 * OFF file that declares 3.5 billion vertices would take minutes and all memory, and a
 * PLY file that declares ten million faces it does not hold would load as ten million
 * triangles. OFF and PLY headers are read here; other formats are left to assimp. */
#include "geometry_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_BYTES 8192

/* The next whitespace-separated word of *text (NUL-terminated), skipping '#' comments
 * to the end of their line; NULL at the end. */
static const char *next_word(const char **text, char *word, size_t size) {
    const char *p = *text;
    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (*p != '#')
            break;
        while (*p && *p != '\n')
            p++;
    }
    if (!*p)
        return NULL;
    size_t n = 0;
    while (*p && !isspace((unsigned char)*p)) {
        if (n + 1 < size)
            word[n++] = *p;
        p++;
    }
    word[n] = '\0';
    *text = p;
    return word;
}

/* A count in decimal, or false for anything else (a sign, a fraction, an overflow). */
static bool parse_count(const char *word, uint64_t *out) {
    if (!word || !isdigit((unsigned char)word[0]))
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(word, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

static kiln_result too_many(const char *function, const char *path, const char *what,
                            uint64_t count, uint64_t need, size_t size) {
    return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                      "%s: '%s' declares %llu %s, which take at least %llu bytes, but the file "
                      "holds %zu",
                      function, path, (unsigned long long)count, what, (unsigned long long)need,
                      size);
}

/* a * b + c, or UINT64_MAX when it does not fit. */
static uint64_t mul_add(uint64_t a, uint64_t b, uint64_t c) {
    if (b && a > (UINT64_MAX - c) / b)
        return UINT64_MAX;
    return a * b + c;
}

/* OFF: "[ST][C][N][4]OFF", then the vertex, face and edge counts. A vertex is at least
 * three numbers ("0 0 0\n", 6 bytes), a face a count and three indices (8 bytes). */
static kiln_result check_off(const char *function, const char *path, const char *header,
                             size_t size) {
    const char *p = header;
    char word[64];
    if (!next_word(&p, word, sizeof word))
        return KILN_OK;
    size_t n = strlen(word);
    if (n < 3 || strcmp(word + n - 3, "OFF") != 0)
        return KILN_OK;
    uint64_t vertices, faces;
    if (!parse_count(next_word(&p, word, sizeof word), &vertices) ||
        !parse_count(next_word(&p, word, sizeof word), &faces))
        return KILN_OK; /* assimp says what is wrong with it */
    uint64_t need = mul_add(vertices, 6, mul_add(faces, 8, 0));
    if (need > size)
        return too_many(function, path, faces > vertices ? "faces" : "vertices",
                        faces > vertices ? faces : vertices, need, size);
    return KILN_OK;
}

/* Bytes of a PLY scalar type in a binary file; 0 for an unknown type. */
static uint64_t ply_type_bytes(const char *type) {
    static const struct {
        const char *name;
        uint64_t bytes;
    } types[] = {{"char", 1},  {"uchar", 1},   {"int8", 1},   {"uint8", 1},
                 {"short", 2}, {"ushort", 2},  {"int16", 2},  {"uint16", 2},
                 {"int", 4},   {"uint", 4},    {"int32", 4},  {"uint32", 4},
                 {"float", 4}, {"float32", 4}, {"double", 8}, {"float64", 8}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].name, type) == 0)
            return types[i].bytes;
    return 0;
}

/* Whether a line of the header starts with the word "end_header". */
static bool ply_has_end_header(const char *header) {
    for (const char *line = header; line;) {
        if (strncmp(line, "end_header", 10) == 0 &&
            (line[10] == '\0' || isspace((unsigned char)line[10])))
            return true;
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return false;
}

/* PLY: "element NAME COUNT" lines, each followed by its properties, up to "end_header".
 * In a binary file an element takes at least the bytes of its scalar properties and of
 * its lists' counts; in an ASCII one at least two characters per property. */
static kiln_result check_ply(const char *function, const char *path, const char *header,
                             size_t size) {
    if (strncmp(header, "ply", 3) != 0 || !isspace((unsigned char)header[3]))
        return KILN_OK;
    /* assimp reads a header that never ends past the end of the file and does not
     * return; one longer than what is read here is left to it. */
    if (strlen(header) < HEADER_BYTES && !ply_has_end_header(header))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: '%s' is a PLY file whose header has no end_header line", function,
                          path);
    const char *p = header + 3;
    char word[64], element[64] = "";
    bool binary = false;
    uint64_t need = 0, count = 0, per_element = 0, largest = 0;
    for (;;) {
        if (!next_word(&p, word, sizeof word))
            return KILN_OK; /* a header cut short: assimp refuses it */
        bool end = strcmp(word, "end_header") == 0;
        if (end || strcmp(word, "element") == 0) {
            /* The element before this one is complete. */
            need = mul_add(count, per_element, need);
            if (count > largest)
                largest = count;
            if (end)
                break;
            if (!next_word(&p, element, sizeof element) ||
                !parse_count(next_word(&p, word, sizeof word), &count))
                return KILN_OK;
            per_element = 0;
        } else if (strcmp(word, "format") == 0) {
            if (!next_word(&p, word, sizeof word))
                return KILN_OK;
            binary = strncmp(word, "binary", 6) == 0;
        } else if (strcmp(word, "property") == 0) {
            if (!next_word(&p, word, sizeof word))
                return KILN_OK;
            uint64_t bytes = binary ? ply_type_bytes(word) : 2;
            if (strcmp(word, "list") == 0) {
                /* Its count's type, the items' type, its name: the count is there. */
                if (!next_word(&p, word, sizeof word))
                    return KILN_OK;
                bytes = binary ? ply_type_bytes(word) : 2;
                if (!next_word(&p, word, sizeof word))
                    return KILN_OK;
            }
            if (!next_word(&p, word, sizeof word))
                return KILN_OK;
            per_element += bytes;
        } else {
            /* comment, obj_info: the rest of the line */
            while (*p && *p != '\n')
                p++;
        }
    }
    if (need > size)
        return too_many(function, path, "elements", largest, need, size);
    return KILN_OK;
}

kiln_result kiln__check_mesh_file_counts(const char *function, const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file)
        return KILN_OK; /* the caller reports it */
    char header[HEADER_BYTES + 1];
    size_t got = fread(header, 1, HEADER_BYTES, file);
    long end = fseek(file, 0, SEEK_END) == 0 ? ftell(file) : -1;
    fclose(file);
    header[got] = '\0';
    /* Text headers only: a NUL ends what is read of them. */
    size_t size = end >= 0 ? (size_t)end : got;
    KILN__CHECK(check_off(function, path, header, size));
    return check_ply(function, path, header, size);
}
