/* A Root with one thread and a scene manager, shared by the tests of the scene graph:
 * cmocka setup and teardown functions for it. */
#ifndef KILN_TEST_SCENE_FIXTURE_H
#define KILN_TEST_SCENE_FIXTURE_H

#include <kiln/kiln.h>

#define PI_F 3.14159265358979f

typedef struct fixture {
    kiln_root *root;
    kiln_scene_manager *scene;
} fixture;

static int setup(void **state) {
    static fixture f;
    kiln_root_desc desc = {.num_threads = 1};
    if (kiln_root_create(&desc, &f.root) != KILN_OK)
        return -1;
    if (kiln_root_create_scene_manager(f.root, &f.scene) != KILN_OK)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state) {
    kiln_root_destroy(((fixture *)*state)->root);
    return 0;
}

#endif
