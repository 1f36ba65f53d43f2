#include "render_internal.h"

#include <string.h>

KILN_API kiln_result kiln_root_create(const kiln_root_desc *desc, kiln_root **out) {
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    kiln_root_desc d = desc ? *desc : (kiln_root_desc){0};
    if (d.render_system != KILN_RENDER_SYSTEM_SOFTWARE)
        return kiln__fail(KILN_ERROR_UNSUPPORTED,
                          "kiln_root_create: render system %d is not available; only "
                          "KILN_RENDER_SYSTEM_SOFTWARE (0) is",
                          (int)d.render_system);
    kiln_root *self = kiln__calloc(1, sizeof *self);
    if (!self)
        return kiln__fail_oom("the root", sizeof *self);
    if ((int)d.simd < (int)KILN_SIMD_AUTO || (int)d.simd > (int)KILN_SIMD_AVX2) {
        kiln__free(self);
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_root_create: simd %d is not a kiln_simd value (KILN_SIMD_AUTO, "
                          "_SCALAR, _SSE2 or _AVX2)",
                          (int)d.simd);
    }
    kiln_result r = kiln__thread_pool_create(d.num_threads, &self->pool);
    if (r == KILN_OK)
        r = kiln__soft_render_system_create(self->pool, d.simd, &self->render_system);
    if (r == KILN_OK)
        r = kiln__texture_manager_create(&self->textures);
    if (r == KILN_OK)
        r = kiln__material_manager_create(self->textures, &self->materials);
    if (r == KILN_OK)
        r = kiln__mesh_manager_create(self->materials, self->textures, &self->meshes);
    if (r != KILN_OK) {
        kiln_root_destroy(self);
        return r;
    }
    *out = self;
    return KILN_OK;
}

KILN_API void kiln_root_destroy(kiln_root *self) {
    if (!self)
        return;
    /* Targets first: their viewports hold cameras of the scenes. */
    for (uint32_t i = 0; i < self->num_targets; i++)
        kiln__render_target_destroy(self->targets[i]);
    kiln__free(self->targets);
    for (uint32_t i = 0; i < self->num_scenes; i++)
        kiln__scene_manager_destroy(self->scenes[i]);
    kiln__free(self->scenes);
    kiln__mesh_manager_destroy(self->meshes);
    kiln__material_manager_destroy(self->materials);
    kiln__texture_manager_shutdown(self->textures);
    if (self->render_system)
        self->render_system->ops->destroy(self->render_system);
    kiln__thread_pool_destroy(self->pool);
    kiln__free(self);
}

KILN_API uint32_t kiln_root_get_num_threads(const kiln_root *self) {
    return kiln__thread_pool_size(self->pool);
}

KILN_API kiln_simd kiln_root_get_simd(const kiln_root *self) {
    return kiln__soft_render_system_get_simd(self->render_system);
}

KILN_API const char *kiln_root_get_render_system_name(const kiln_root *self) {
    return self->render_system->ops->name;
}

KILN_API kiln_texture_manager *kiln_root_get_texture_manager(kiln_root *self) {
    return self->textures;
}

KILN_API kiln_material_manager *kiln_root_get_material_manager(kiln_root *self) {
    return self->materials;
}

KILN_API kiln_mesh_manager *kiln_root_get_mesh_manager(kiln_root *self) { return self->meshes; }

KILN_API kiln_result kiln_root_create_scene_manager(kiln_root *self, kiln_scene_manager **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    kiln_scene_manager **scenes =
        kiln__realloc_array(self->scenes, self->num_scenes + 1, sizeof *scenes);
    if (!scenes)
        return kiln__fail_oom("the scene manager list", (self->num_scenes + 1) * sizeof *scenes);
    self->scenes = scenes;
    KILN__CHECK(kiln__scene_manager_create(self, &self->scenes[self->num_scenes]));
    self->scenes[self->num_scenes]->materials = self->materials;
    *out = self->scenes[self->num_scenes++];
    return KILN_OK;
}

static kiln_render_target *find_target(const kiln_root *self, const char *name) {
    for (uint32_t i = 0; i < self->num_targets; i++)
        if (strcmp(self->targets[i]->name, name) == 0)
            return self->targets[i];
    return NULL;
}

KILN_API kiln_result kiln_root_create_render_texture(kiln_root *self, const char *name,
                                                     uint32_t width, uint32_t height,
                                                     const kiln_render_texture_desc *desc,
                                                     kiln_render_target **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (width == 0 || height == 0 || width > KILN__MAX_TARGET_SIZE ||
        height > KILN__MAX_TARGET_SIZE)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_root_create_render_texture: %ux%u is not a valid size for '%s'; "
                          "each side must lie in 1..%u",
                          width, height, name, KILN__MAX_TARGET_SIZE);
    kiln_pixel_format format =
        desc && desc->format != KILN_PF_UNKNOWN ? desc->format : KILN_PF_BYTE_RGBA;
    if (!kiln_pixel_format_is_valid(format))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_root_create_render_texture: %d is not a pixel format", (int)format);
    if (kiln_pixel_format_get_flags(format) & KILN_PFF_DEPTH)
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_root_create_render_texture: '%s' cannot be rendered to in the "
                          "depth format %s; choose a colour format",
                          name, kiln_pixel_format_get_name(format));
    const uint32_t fsaa = desc ? desc->fsaa : 0;
    if (fsaa > 1 && !kiln__sample_positions(fsaa))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_root_create_render_texture: fsaa %u for '%s' is not one of 0 or 1 "
                          "(no multisampling), 2, 4 and 8",
                          fsaa, name);
    if (find_target(self, name))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_root_create_render_texture: a render target named '%s' already "
                          "exists",
                          name);
    kiln_render_target **targets =
        kiln__realloc_array(self->targets, self->num_targets + 1, sizeof *targets);
    if (!targets)
        return kiln__fail_oom("the render target list", (self->num_targets + 1) * sizeof *targets);
    self->targets = targets;
    kiln_render_target *target = kiln__calloc(1, sizeof *target);
    if (!target)
        return kiln__fail_oom("a render target", sizeof *target);
    target->root = self;
    target->width = width;
    target->height = height;
    target->format = format;
    target->fsaa = fsaa > 1 ? fsaa : 1;
    target->name = kiln__strdup(name);
    kiln_result r = target->name ? KILN_OK : kiln__fail_oom("a render target name", strlen(name));
    if (r == KILN_OK)
        r = self->render_system->ops->create_surface(self->render_system, width, height, format,
                                                     desc ? desc->storage : NULL, target->fsaa,
                                                     &target->surface);
    if (r != KILN_OK) {
        kiln__render_target_destroy(target);
        return r;
    }
    self->targets[self->num_targets++] = target;
    *out = target;
    return KILN_OK;
}

KILN_API kiln_result kiln_root_destroy_render_target(kiln_root *self, kiln_render_target *target) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(target);
    for (uint32_t i = 0; i < self->num_targets; i++) {
        if (self->targets[i] != target)
            continue;
        /* The others keep their order, the order updates go in. */
        memmove(&self->targets[i], &self->targets[i + 1],
                (self->num_targets - i - 1) * sizeof *self->targets);
        self->num_targets--;
        kiln__render_target_destroy(target);
        return KILN_OK;
    }
    /* Not dereferenced: it may be another root's, or one destroyed already. */
    return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                      "kiln_root_destroy_render_target: the render target is not one of this "
                      "root's %u targets",
                      self->num_targets);
}

KILN_API kiln_result kiln_root_get_render_target(kiln_root *self, const char *name,
                                                 kiln_render_target **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(name);
    KILN__REQUIRE_NOT_NULL(out);
    *out = find_target(self, name);
    if (!*out)
        return kiln__fail(KILN_ERROR_NOT_FOUND,
                          "kiln_root_get_render_target: no render target named '%s'", name);
    return KILN_OK;
}

KILN_API kiln_result kiln_root_render_one_frame(kiln_root *self) {
    KILN__REQUIRE_NOT_NULL(self);
    for (uint32_t i = 0; i < self->num_targets; i++)
        KILN__CHECK(kiln_render_target_update(self->targets[i]));
    return KILN_OK;
}
