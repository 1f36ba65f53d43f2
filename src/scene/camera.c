#include "scene_internal.h"

#include <math.h>

static void camera_destroy(kiln_movable_object *self) { kiln__free(self); }

kiln_result kiln__camera_create(kiln_scene_manager *scene, const char *name, kiln_camera **out) {
    kiln_camera *self = kiln__calloc(1, sizeof *self);
    if (!self)
        return kiln__fail_oom("a camera", sizeof *self);
    kiln__movable_object_init(&self->base, KILN__MOVABLE_CAMERA, camera_destroy);
    self->base.name = kiln__strdup(name);
    if (!self->base.name) {
        kiln__free(self);
        return kiln__fail_oom("a camera name", 0);
    }
    /* The original engine's Camera defaults. */
    self->scene = scene;
    self->projection = KILN_PT_PERSPECTIVE;
    self->fov_y = 3.14159265358979323846f / 4.0f;
    self->near_distance = 100.0f;
    self->far_distance = 100000.0f;
    self->aspect = 1.33333333333333f;
    self->ortho_height = 1000.0f;
    *out = self;
    return KILN_OK;
}

KILN_API kiln_movable_object *kiln_camera_as_movable_object(kiln_camera *self) {
    return self ? &self->base : NULL;
}
KILN_API void kiln_camera_retain(kiln_camera *self) {
    if (self)
        kiln_movable_object_retain(&self->base);
}
KILN_API void kiln_camera_release(kiln_camera *self) {
    if (self)
        kiln_movable_object_release(&self->base);
}

KILN_API kiln_projection_type kiln_camera_get_projection_type(const kiln_camera *self) {
    return self->projection;
}
KILN_API kiln_result kiln_camera_set_projection_type(kiln_camera *self, kiln_projection_type type) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(type == KILN_PT_ORTHOGRAPHIC || type == KILN_PT_PERSPECTIVE,
                  "kiln_camera_set_projection_type: %d is not a kiln_projection_type value (0 or "
                  "1)",
                  (int)type);
    self->projection = type;
    return KILN_OK;
}

KILN_API float kiln_camera_get_fov_y(const kiln_camera *self) { return self->fov_y; }
KILN_API kiln_result kiln_camera_set_fov_y(kiln_camera *self, float radians) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(radians > 0.0f && radians < 3.14159265358979323846f,
                  "kiln_camera_set_fov_y: %g radians is outside (0, pi)", (double)radians);
    self->fov_y = radians;
    return KILN_OK;
}

KILN_API float kiln_camera_get_near_clip_distance(const kiln_camera *self) {
    return self->near_distance;
}
KILN_API kiln_result kiln_camera_set_near_clip_distance(kiln_camera *self, float distance) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(distance > 0.0f && isfinite(distance),
                  "kiln_camera_set_near_clip_distance: %g must be positive and finite",
                  (double)distance);
    self->near_distance = distance;
    return KILN_OK;
}

KILN_API float kiln_camera_get_far_clip_distance(const kiln_camera *self) {
    return self->far_distance;
}
KILN_API kiln_result kiln_camera_set_far_clip_distance(kiln_camera *self, float distance) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(distance >= 0.0f && isfinite(distance),
                  "kiln_camera_set_far_clip_distance: %g must be 0 (infinite) or positive",
                  (double)distance);
    self->far_distance = distance;
    return KILN_OK;
}

KILN_API float kiln_camera_get_aspect_ratio(const kiln_camera *self) { return self->aspect; }
KILN_API kiln_result kiln_camera_set_aspect_ratio(kiln_camera *self, float ratio) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(ratio > 0.0f && isfinite(ratio),
                  "kiln_camera_set_aspect_ratio: %g must be positive and finite", (double)ratio);
    self->aspect = ratio;
    return KILN_OK;
}
KILN_API bool kiln_camera_get_auto_aspect_ratio(const kiln_camera *self) {
    return self->auto_aspect;
}
KILN_API void kiln_camera_set_auto_aspect_ratio(kiln_camera *self, bool enabled) {
    self->auto_aspect = enabled;
}

KILN_API float kiln_camera_get_ortho_window_height(const kiln_camera *self) {
    return self->ortho_height;
}
KILN_API kiln_result kiln_camera_set_ortho_window_height(kiln_camera *self, float height) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(height > 0.0f && isfinite(height),
                  "kiln_camera_set_ortho_window_height: %g must be positive and finite",
                  (double)height);
    self->ortho_height = height;
    return KILN_OK;
}

KILN_API float kiln_camera_get_ortho_window_width(const kiln_camera *self) {
    return self->ortho_height * self->aspect;
}
KILN_API kiln_result kiln_camera_set_ortho_window_width(kiln_camera *self, float width) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(width > 0.0f && isfinite(width),
                  "kiln_camera_set_ortho_window_width: %g must be positive and finite",
                  (double)width);
    float height = width / self->aspect;
    KILN__REQUIRE(height > 0.0f && isfinite(height),
                  "kiln_camera_set_ortho_window_width: width %g over the aspect ratio %g gives "
                  "the unusable height %g",
                  (double)width, (double)self->aspect, (double)height);
    self->ortho_height = height;
    return KILN_OK;
}
KILN_API kiln_result kiln_camera_set_ortho_window(kiln_camera *self, float width, float height) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(width > 0.0f && isfinite(width) && height > 0.0f && isfinite(height),
                  "kiln_camera_set_ortho_window: %g x %g must be positive and finite",
                  (double)width, (double)height);
    /* As in the original engine, the window's shape becomes the aspect ratio (a
     * viewport with auto aspect ratio overrides it again when it renders). */
    self->ortho_height = height;
    self->aspect = width / height;
    return KILN_OK;
}

/* A camera sees from its node's position and orientation (the node's scale does
 * not stretch the view); a detached camera sits at the origin looking down -Z. */
static void camera_pose(const kiln_camera *self, kiln_vector3 *position,
                        kiln_quaternion *orientation) {
    kiln_vector3 scale;
    *position = (kiln_vector3){0, 0, 0};
    *orientation = (kiln_quaternion){1, 0, 0, 0};
    if (self->base.parent)
        kiln__scene_node_get_derived(self->base.parent, position, orientation, &scale);
}

KILN_API kiln_vector3 kiln_camera_get_derived_position(const kiln_camera *self) {
    kiln_vector3 position;
    kiln_quaternion orientation;
    camera_pose(self, &position, &orientation);
    return position;
}
KILN_API kiln_quaternion kiln_camera_get_derived_orientation(const kiln_camera *self) {
    kiln_vector3 position;
    kiln_quaternion orientation;
    camera_pose(self, &position, &orientation);
    return orientation;
}

KILN_API kiln_matrix4 kiln_camera_get_view_matrix(const kiln_camera *self) {
    kiln_vector3 position;
    kiln_quaternion orientation;
    camera_pose(self, &position, &orientation);
    kiln_matrix3 rot = kiln_quaternion_to_rotation_matrix(orientation);
    kiln_matrix4 view = kiln_matrix4_identity();
    float p[3] = {position.x, position.y, position.z};
    for (int i = 0; i < 3; i++) {
        float t = 0.0f;
        for (int j = 0; j < 3; j++) {
            view.m[i][j] = rot.m[j][i];
            t -= rot.m[j][i] * p[j];
        }
        view.m[i][3] = t;
    }
    return view;
}

KILN_API kiln_matrix4 kiln_camera_get_projection_matrix(const kiln_camera *self) {
    kiln_matrix4 m = {{{0}}};
    float n = self->near_distance, f = self->far_distance;
    if (self->projection == KILN_PT_PERSPECTIVE) {
        float tan_y = tanf(0.5f * self->fov_y);
        float half_h = tan_y * n, half_w = half_h * self->aspect;
        m.m[0][0] = n / half_w;
        m.m[1][1] = n / half_h;
        if (f == 0.0f) {
            m.m[2][2] = KILN__INFINITE_FAR_PLANE_ADJUST - 1.0f;
            m.m[2][3] = n * (KILN__INFINITE_FAR_PLANE_ADJUST - 2.0f);
        } else {
            m.m[2][2] = -(f + n) / (f - n);
            m.m[2][3] = -2.0f * f * n / (f - n);
        }
        m.m[3][2] = -1.0f;
    } else {
        float half_h = 0.5f * self->ortho_height, half_w = half_h * self->aspect;
        m.m[0][0] = 1.0f / half_w;
        m.m[1][1] = 1.0f / half_h;
        if (f == 0.0f) {
            m.m[2][2] = -KILN__INFINITE_FAR_PLANE_ADJUST / n;
            m.m[2][3] = -KILN__INFINITE_FAR_PLANE_ADJUST - 1.0f;
        } else {
            m.m[2][2] = -2.0f / (f - n);
            m.m[2][3] = -(f + n) / (f - n);
        }
        m.m[3][3] = 1.0f;
    }
    return m;
}
