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

/* The extents the field of view and aspect ratio (or the orthographic window) make. */
static void own_extents(const kiln_camera *self, float e[4]) {
    float half_h = self->projection == KILN_PT_PERSPECTIVE ? tanf(0.5f * self->fov_y)
                                                           : 0.5f * self->ortho_height;
    float half_w = half_h * self->aspect;
    e[0] = -half_w;
    e[1] = half_w;
    e[2] = half_h;
    e[3] = -half_h;
}

KILN_API kiln_matrix4 kiln_camera_get_projection_matrix(const kiln_camera *self) {
    if (self->has_custom_projection)
        return self->custom_projection;
    kiln_matrix4 m = {{{0}}};
    float n = self->near_distance, f = self->far_distance;
    /* Sides set as extents: off centre in general (glFrustum and glOrtho). */
    const float l = self->extent_left, r = self->extent_right, t = self->extent_top,
                b = self->extent_bottom;
    if (self->projection == KILN_PT_PERSPECTIVE) {
        if (self->has_extents) {
            m.m[0][0] = 2.0f / (r - l);
            m.m[0][2] = (r + l) / (r - l);
            m.m[1][1] = 2.0f / (t - b);
            m.m[1][2] = (t + b) / (t - b);
        } else {
            float tan_y = tanf(0.5f * self->fov_y);
            float half_h = tan_y * n, half_w = half_h * self->aspect;
            m.m[0][0] = n / half_w;
            m.m[1][1] = n / half_h;
        }
        if (f == 0.0f) {
            m.m[2][2] = KILN__INFINITE_FAR_PLANE_ADJUST - 1.0f;
            m.m[2][3] = n * (KILN__INFINITE_FAR_PLANE_ADJUST - 2.0f);
        } else {
            m.m[2][2] = -(f + n) / (f - n);
            m.m[2][3] = -2.0f * f * n / (f - n);
        }
        m.m[3][2] = -1.0f;
    } else {
        if (self->has_extents) {
            m.m[0][0] = 2.0f / (r - l);
            m.m[0][3] = -(r + l) / (r - l);
            m.m[1][1] = 2.0f / (t - b);
            m.m[1][3] = -(t + b) / (t - b);
        } else {
            float half_h = 0.5f * self->ortho_height, half_w = half_h * self->aspect;
            m.m[0][0] = 1.0f / half_w;
            m.m[1][1] = 1.0f / half_h;
        }
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

bool kiln__camera_has_infinite_far(const kiln_camera *self) {
    if (!self->has_custom_projection)
        return self->far_distance == 0.0f;
    /* The far plane is the w row less the z row: none when their z parts agree. */
    const kiln_matrix4 *m = &self->custom_projection;
    return fabsf(m->m[3][2] - m->m[2][2]) <= 1e-4f * fabsf(m->m[3][2]);
}

KILN_API kiln_result kiln_camera_set_frustum_extents(kiln_camera *self, float left, float right,
                                                     float top, float bottom) {
    KILN__REQUIRE_NOT_NULL(self);
    float e[4] = {left, right, top, bottom};
    KILN__REQUIRE(kiln__finite_floats(e, 4) && left < right && bottom < top &&
                      isfinite(right - left) && isfinite(top - bottom),
                  "kiln_camera_set_frustum_extents: left %g, right %g, top %g, bottom %g must be "
                  "finite with left < right and bottom < top",
                  (double)left, (double)right, (double)top, (double)bottom);
    self->has_extents = true;
    self->extent_left = left;
    self->extent_right = right;
    self->extent_top = top;
    self->extent_bottom = bottom;
    self->auto_aspect = false;
    return KILN_OK;
}

KILN_API kiln_result kiln_camera_get_frustum_extents(const kiln_camera *self, float *out_left,
                                                     float *out_right, float *out_top,
                                                     float *out_bottom) {
    KILN__REQUIRE_NOT_NULL(self);
    if (self->has_custom_projection)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_camera_get_frustum_extents: camera '%s' uses a custom projection "
                          "matrix, which has no extents",
                          self->base.name);
    float e[4] = {self->extent_left, self->extent_right, self->extent_top, self->extent_bottom};
    if (!self->has_extents)
        own_extents(self, e);
    if (out_left)
        *out_left = e[0];
    if (out_right)
        *out_right = e[1];
    if (out_top)
        *out_top = e[2];
    if (out_bottom)
        *out_bottom = e[3];
    return KILN_OK;
}

KILN_API void kiln_camera_reset_frustum_extents(kiln_camera *self) {
    if (self)
        self->has_extents = false;
}

KILN_API kiln_result kiln_camera_set_intrinsics(kiln_camera *self, float fx, float fy, float cx,
                                                float cy, uint32_t width, uint32_t height) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(fx > 0.0f && fy > 0.0f && isfinite(fx) && isfinite(fy) && isfinite(cx) &&
                      isfinite(cy) && width > 0 && height > 0,
                  "kiln_camera_set_intrinsics: fx %g and fy %g must be positive and finite, cx %g "
                  "and cy %g finite, and the size %ux%u not zero",
                  (double)fx, (double)fy, (double)cx, (double)cy, width, height);
    /* Pixel (u, v) of K is at window (u + 0.5, v + 0.5): the image's edges are half a
     * pixel beyond the first and last centres. */
    double l = (-0.5 - (double)cx) / fx, r = ((double)width - 0.5 - cx) / fx;
    double t = ((double)cy + 0.5) / fy, b = ((double)cy + 0.5 - (double)height) / fy;
    KILN__CHECK(kiln_camera_set_frustum_extents(self, (float)l, (float)r, (float)t, (float)b));
    self->projection = KILN_PT_PERSPECTIVE;
    return KILN_OK;
}

KILN_API kiln_result kiln_camera_get_intrinsics(const kiln_camera *self, uint32_t width,
                                                uint32_t height, float *out_fx, float *out_fy,
                                                float *out_cx, float *out_cy) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE(width > 0 && height > 0, "kiln_camera_get_intrinsics: the size %ux%u is zero",
                  width, height);
    if (self->projection != KILN_PT_PERSPECTIVE)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_camera_get_intrinsics: camera '%s' is orthographic; a pinhole's "
                          "intrinsics describe a perspective camera",
                          self->base.name);
    float e[4];
    KILN__CHECK(kiln_camera_get_frustum_extents(self, &e[0], &e[1], &e[2], &e[3]));
    double fx = (double)width / ((double)e[1] - e[0]), fy = (double)height / ((double)e[2] - e[3]);
    if (out_fx)
        *out_fx = (float)fx;
    if (out_fy)
        *out_fy = (float)fy;
    if (out_cx)
        *out_cx = (float)(-0.5 - e[0] * fx);
    if (out_cy)
        *out_cy = (float)(e[2] * fy - 0.5);
    return KILN_OK;
}

KILN_API kiln_result kiln_camera_set_custom_projection_matrix(kiln_camera *self,
                                                              const kiln_matrix4 *projection) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(projection);
    const kiln_matrix4 *m = projection;
    kiln_matrix4 inverse;
    KILN__REQUIRE(kiln__finite_floats(&m->m[0][0], 16),
                  "kiln_camera_set_custom_projection_matrix: the matrix is not finite");
    KILN__REQUIRE(m->m[2][0] == 0.0f && m->m[2][1] == 0.0f && m->m[3][0] == 0.0f &&
                      m->m[3][1] == 0.0f,
                  "kiln_camera_set_custom_projection_matrix: the matrix's z and w rows depend on "
                  "x and y (m[2][0] %g, m[2][1] %g, m[3][0] %g, m[3][1] %g); depth must depend on "
                  "the distance alone",
                  (double)m->m[2][0], (double)m->m[2][1], (double)m->m[3][0], (double)m->m[3][1]);
    KILN__REQUIRE(kiln_matrix4_inverse(*m, &inverse) == KILN_OK,
                  "kiln_camera_set_custom_projection_matrix: the matrix is not invertible");
    self->custom_projection = *m;
    self->has_custom_projection = true;
    self->auto_aspect = false;
    return KILN_OK;
}

KILN_API bool kiln_camera_get_custom_projection(const kiln_camera *self) {
    return self->has_custom_projection;
}

KILN_API void kiln_camera_reset_custom_projection_matrix(kiln_camera *self) {
    if (self)
        self->has_custom_projection = false;
}
