/* Inputs that libFuzzer found (tests/fuzz/corpus/<target>/crash-*), each fed through the
 * code path of its target: an in-place conversion of four-byte pixels to three bytes,
 * a PNG whose ancillary chunk declares 2 GB, and PLY files whose header never ends.
 * Each case that could hang or exhaust memory runs in a child process with a time
 * limit (and a limit on its address space), so that a regression fails here instead
 * of stopping the test run. */
#include <kiln/kiln.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define CORPUS_DIR KILN_TEST_DATA_DIR "/../../fuzz/corpus"

/* Sanitizer runtimes reserve more address space than any limit would leave. */
#if defined(__SANITIZE_ADDRESS__)
#define ADDRESS_SPACE_LIMITED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ADDRESS_SPACE_LIMITED 0
#endif
#endif
#ifndef ADDRESS_SPACE_LIMITED
#define ADDRESS_SPACE_LIMITED 1
#endif

/* The bytes of a corpus file; the caller frees them. */
static uint8_t *read_corpus_file(const char *name, size_t *size) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, name);
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    assert_int_equal(fseek(file, 0, SEEK_END), 0);
    long length = ftell(file);
    assert_true(length >= 0);
    assert_int_equal(fseek(file, 0, SEEK_SET), 0);
    uint8_t *data = malloc(length > 0 ? (size_t)length : 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)length, file), (size_t)length);
    fclose(file);
    *size = (size_t)length;
    return data;
}

/* Runs fn(arg) in a child that is killed after `seconds` and whose address space may
 * grow by at most `extra_bytes` (0: unlimited); returns fn's result, or -1 if the child
 * did not exit by itself. */
static int run_in_child(int (*fn)(const void *), const void *arg, unsigned seconds,
                        size_t extra_bytes) {
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(seconds);
        if (extra_bytes && ADDRESS_SPACE_LIMITED) {
            unsigned long pages = 0;
            FILE *statm = fopen("/proc/self/statm", "r");
            if (statm && fscanf(statm, "%lu", &pages) == 1) {
                rlim_t limit = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + extra_bytes;
                struct rlimit r = {limit, limit};
                setrlimit(RLIMIT_AS, &r);
            }
            if (statm)
                fclose(statm);
        }
        _exit(fn(arg));
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- fuzz_convert ---- */

/* crash-in-place-4-to-3-swizzle: PF_B8G8R8A8 to PF_R8G8B8 in place, 2 pixels. Rows of
 * fewer than 16 pixels took the SSSE3 swizzle's last loop, which wrote a pixel's first
 * bytes over source bytes it had still to read. Every pair of four- and three-byte
 * formats, at every count up to past the 16-pixel step, must convert in place as into
 * separate memory. */
static void in_place_four_to_three_byte_conversions_match_separate_memory(void **state) {
    (void)state;
    static const kiln_pixel_format four[] = {KILN_PF_A8R8G8B8, KILN_PF_A8B8G8R8, KILN_PF_B8G8R8A8,
                                             KILN_PF_R8G8B8A8, KILN_PF_X8R8G8B8};
    static const kiln_pixel_format three[] = {KILN_PF_R8G8B8, KILN_PF_B8G8R8};
    uint8_t src[40 * 4], in_place[40 * 4], separate[40 * 3];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i * 37u + 11u);
    for (size_t f = 0; f < sizeof four / sizeof four[0]; f++)
        for (size_t t = 0; t < sizeof three / sizeof three[0]; t++)
            for (size_t count = 1; count <= 40; count++) {
                assert_int_equal(kiln_pixel_convert_pixels(src, four[f], separate, three[t], count),
                                 KILN_OK);
                memcpy(in_place, src, sizeof in_place);
                assert_int_equal(
                    kiln_pixel_convert_pixels(in_place, four[f], in_place, three[t], count),
                    KILN_OK);
                assert_memory_equal(in_place, separate, count * 3);
            }

    /* The input itself: its parameters choose the formats and a count of 2; its pixels are
     * its bytes from offset 40, then the fuzzer's filler. */
    size_t size = 0;
    uint8_t *input = read_corpus_file("convert/crash-in-place-4-to-3-swizzle", &size);
    uint8_t pixels[8];
    for (size_t i = 0; i < sizeof pixels; i++)
        pixels[i] = 40 + i < size ? input[40 + i] : (uint8_t)(i * 37u + 11u);
    free(input);
    uint8_t expected[6];
    assert_int_equal(
        kiln_pixel_convert_pixels(pixels, KILN_PF_B8G8R8A8, expected, KILN_PF_R8G8B8, 2), KILN_OK);
    assert_int_equal(kiln_pixel_convert_pixels(pixels, KILN_PF_B8G8R8A8, pixels, KILN_PF_R8G8B8, 2),
                     KILN_OK);
    assert_memory_equal(pixels, expected, sizeof expected);
}

/* ---- fuzz_png ---- */

static int decode_png_file(const void *arg) {
    const char *name = arg;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, name);
    kiln_image *image = NULL;
    if (kiln_image_create(&image) != KILN_OK)
        return 10;
    kiln_result r = kiln_image_load(image, path);
    bool empty = kiln_image_get_stream(image) == NULL;
    kiln_image_release(image);
    return r == KILN_ERROR_INVALID_ARGUMENT && empty ? 0 : 20 + (int)r;
}

/* crash-png-text-chunk-2gb: a 557-byte PNG with a tEXt chunk that declares 2,113,929,239
 * bytes. libpng only warns about an ancillary chunk past its size limit, then allocates
 * what it declares. Decoding skips such chunks now: it fails as truncated, with no room
 * for a 2 GB allocation, in a second at most. */
static void a_png_chunk_declaring_gigabytes_is_skipped_without_allocating_them(void **state) {
    (void)state;
    assert_int_equal(
        run_in_child(decode_png_file, "png/crash-png-text-chunk-2gb", 10, (size_t)512 << 20), 0);
}

/* ---- fuzz_mesh ---- */

/* Loads a mesh corpus file (its first byte chose the extension: 1 is PLY) through a
 * Root: 0 if it fails as a file that cannot be read as a mesh. */
static int load_ply_file(const void *arg) {
    const char *name = arg;
    size_t size = 0;
    uint8_t *input = read_corpus_file(name, &size);
    char directory[] = "/tmp/kiln-test-fuzz-XXXXXX", path[64];
    if (!mkdtemp(directory))
        return 10;
    snprintf(path, sizeof path, "%s/mesh.ply", directory);
    FILE *file = fopen(path, "wb");
    bool written = file && (size <= 1 || fwrite(input + 1, 1, size - 1, file) == size - 1);
    if (file && fclose(file) != 0)
        written = false;
    free(input);
    kiln_root_desc desc = {.num_threads = 1};
    kiln_root *root = NULL;
    int status = 11;
    if (written && kiln_root_create(&desc, &root) == KILN_OK) {
        kiln_mesh *mesh = NULL;
        kiln_result r =
            kiln_mesh_manager_load(kiln_root_get_mesh_manager(root), "mesh", NULL, path, &mesh);
        status = r == KILN_ERROR_INVALID_ARGUMENT && mesh == NULL ? 0 : 20 + (int)r;
        kiln_mesh_release(mesh);
        kiln_root_destroy(root);
    }
    unlink(path);
    rmdir(directory);
    return status;
}

/* crash-ply-*: PLY headers without an end_header line (a typo, bytes in the middle of
 * the word, a NUL before it). assimp reads such a header past the end of the file and
 * never returns; the load now fails at once, naming the missing line. */
static void ply_headers_without_end_header_are_refused(void **state) {
    (void)state;
    static const char *const inputs[] = {
        "mesh/crash-ply-end-header-misspelt",
        "mesh/crash-ply-end-header-split",
        "mesh/crash-ply-header-with-nul",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        print_message("%s\n", inputs[i]);
        assert_int_equal(run_in_child(load_ply_file, inputs[i], 30, 0), 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(in_place_four_to_three_byte_conversions_match_separate_memory),
        cmocka_unit_test(a_png_chunk_declaring_gigabytes_is_skipped_without_allocating_them),
        cmocka_unit_test(ply_headers_without_end_header_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
