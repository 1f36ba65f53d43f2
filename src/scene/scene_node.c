#include "scene_internal.h"

#include <math.h>
#include <string.h>

static kiln_result node_create(kiln_scene_manager *scene, kiln_scene_node *parent,
                               kiln_scene_node **out) {
    kiln_scene_node *node = kiln__calloc(1, sizeof *node);
    if (!node)
        return kiln__fail_oom("a scene node", sizeof *node);
    node->scene = scene;
    node->parent = parent;
    node->orientation = (kiln_quaternion){1, 0, 0, 0};
    node->yaw_axis = (kiln_vector3){0, 1, 0};
    node->scale = (kiln_vector3){1, 1, 1};
    *out = node;
    return KILN_OK;
}

kiln_result kiln__scene_node_create_root(kiln_scene_manager *scene, kiln_scene_node **out) {
    return node_create(scene, NULL, out);
}

void kiln__scene_node_destroy(kiln_scene_node *self) {
    /* Children before their parent, without recursion: down to a node's last child
     * not yet destroyed (taking it off the count), and back up once it has none. */
    kiln_scene_node *node = self;
    while (node) {
        if (node->num_children > 0) {
            node = node->children[--node->num_children];
            continue;
        }
        kiln_scene_node *parent = node == self ? NULL : node->parent;
        for (uint32_t i = 0; i < node->num_objects; i++) {
            node->objects[i]->parent = NULL;
            kiln_movable_object_release(node->objects[i]);
        }
        kiln__free(node->children);
        kiln__free(node->objects);
        kiln__free(node);
        node = parent;
    }
}

KILN_API kiln_result kiln_scene_node_create_child_scene_node(kiln_scene_node *self,
                                                             kiln_scene_node **out) {
    KILN__REQUIRE_NOT_NULL(self);
    if (out)
        *out = NULL;
    kiln_scene_node **children =
        kiln__realloc_array(self->children, self->num_children + 1, sizeof *children);
    if (!children)
        return kiln__fail_oom("scene node children", (self->num_children + 1) * sizeof *children);
    self->children = children;
    kiln_scene_node *child = NULL;
    KILN__CHECK(node_create(self->scene, self, &child));
    child->index_in_parent = self->num_children;
    self->children[self->num_children++] = child;
    if (out)
        *out = child;
    return KILN_OK;
}

KILN_API kiln_result kiln_scene_node_attach_object(kiln_scene_node *self,
                                                   kiln_movable_object *object) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(object);
    if (object->parent)
        return kiln__fail(KILN_ERROR_INVALID_STATE,
                          "kiln_scene_node_attach_object: the %s '%s' is already attached to a "
                          "scene node; detach it first",
                          kiln_movable_object_get_movable_type(object),
                          kiln_movable_object_get_name(object));
    if (object->type == KILN__MOVABLE_CAMERA) {
        const kiln_camera *camera = (const kiln_camera *)object;
        if (camera->scene && camera->scene != self->scene)
            return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                              "kiln_scene_node_attach_object: camera '%s' belongs to another "
                              "scene manager",
                              kiln_movable_object_get_name(object));
    }
    kiln_movable_object **objects =
        kiln__realloc_array(self->objects, self->num_objects + 1, sizeof *objects);
    if (!objects)
        return kiln__fail_oom("attached objects", (self->num_objects + 1) * sizeof *objects);
    self->objects = objects;
    kiln_movable_object_retain(object);
    object->parent = self;
    self->objects[self->num_objects++] = object;
    return KILN_OK;
}

KILN_API kiln_result kiln_scene_node_detach_object(kiln_scene_node *self,
                                                   kiln_movable_object *object) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(object);
    for (uint32_t i = 0; i < self->num_objects; i++) {
        if (self->objects[i] != object)
            continue;
        for (uint32_t j = i + 1; j < self->num_objects; j++)
            self->objects[j - 1] = self->objects[j];
        self->num_objects--;
        object->parent = NULL;
        kiln_movable_object_release(object);
        return KILN_OK;
    }
    return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                      "kiln_scene_node_detach_object: the %s '%s' is not attached to this node",
                      kiln_movable_object_get_movable_type(object),
                      kiln_movable_object_get_name(object));
}

KILN_API uint32_t kiln_scene_node_get_num_attached_objects(const kiln_scene_node *self) {
    return self->num_objects;
}

KILN_API kiln_result kiln_scene_node_get_attached_object(const kiln_scene_node *self,
                                                         uint32_t index,
                                                         kiln_movable_object **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (index >= self->num_objects)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_scene_node_get_attached_object: index %u but the node has %u "
                          "attached objects",
                          index, self->num_objects);
    kiln_movable_object_retain(self->objects[index]);
    *out = self->objects[index];
    return KILN_OK;
}

KILN_API uint32_t kiln_scene_node_get_num_children(const kiln_scene_node *self) {
    return self->num_children;
}

KILN_API kiln_result kiln_scene_node_get_child(const kiln_scene_node *self, uint32_t index,
                                               kiln_scene_node **out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    *out = NULL;
    if (index >= self->num_children)
        return kiln__fail(KILN_ERROR_OUT_OF_RANGE,
                          "kiln_scene_node_get_child: index %u but the node has %u children", index,
                          self->num_children);
    *out = self->children[index];
    return KILN_OK;
}

KILN_API kiln_scene_node *kiln_scene_node_get_parent(const kiln_scene_node *self) {
    return self->parent;
}

KILN_API kiln_vector3 kiln_scene_node_get_position(const kiln_scene_node *self) {
    return self->position;
}
static bool valid_space(kiln_transform_space space);

/* Fails unless v's n numbers are finite, naming the function and them. */
#define KILN__REQUIRE_FINITE(v, n, what)                                                           \
    KILN__REQUIRE(kiln__finite_floats(&(v)->x, n), "%s: %s (%g, %g, %g%s) is not finite",          \
                  __func__, what, (double)(&(v)->x)[0], (double)(&(v)->x)[1],                      \
                  (double)(&(v)->x)[2], (n) == 4 ? ", ..." : "")

KILN_API kiln_result kiln_scene_node_set_position(kiln_scene_node *self,
                                                  const kiln_vector3 *position) {
    KILN__REQUIRE_NOT_NULL(self);
    if (position) {
        KILN__REQUIRE_FINITE(position, 3, "the position");
        self->position = *position;
    }
    return KILN_OK;
}
KILN_API kiln_quaternion kiln_scene_node_get_orientation(const kiln_scene_node *self) {
    return self->orientation;
}
KILN_API kiln_result kiln_scene_node_set_orientation(kiln_scene_node *self,
                                                     const kiln_quaternion *orientation) {
    KILN__REQUIRE_NOT_NULL(self);
    /* Stored normalised, as rotations must be unit quaternions. */
    if (orientation) {
        KILN__REQUIRE(kiln__finite_floats(&orientation->w, 4),
                      "kiln_scene_node_set_orientation: (%g, %g, %g, %g) is not finite",
                      (double)orientation->w, (double)orientation->x, (double)orientation->y,
                      (double)orientation->z);
        self->orientation = kiln_quaternion_normalise(*orientation);
    }
    return KILN_OK;
}
KILN_API kiln_vector3 kiln_scene_node_get_scale(const kiln_scene_node *self) { return self->scale; }
KILN_API kiln_result kiln_scene_node_set_scale(kiln_scene_node *self, const kiln_vector3 *scale) {
    KILN__REQUIRE_NOT_NULL(self);
    if (scale) {
        KILN__REQUIRE_FINITE(scale, 3, "the scale");
        self->scale = *scale;
    }
    return KILN_OK;
}

/* The node's transform in world space from its parent's: as in the original engine,
 * the parent's scale applies to the child's offset before the parent's rotation, and
 * scales multiply component-wise. */
static void compose(const kiln_scene_node *node, kiln_vector3 *position,
                    kiln_quaternion *orientation, kiln_vector3 *scale) {
    const kiln_vector3 pp = *position, ps = *scale;
    const kiln_quaternion po = *orientation;
    *orientation = kiln_quaternion_multiply(po, node->orientation);
    *scale = (kiln_vector3){ps.x * node->scale.x, ps.y * node->scale.y, ps.z * node->scale.z};
    kiln_vector3 offset = {ps.x * node->position.x, ps.y * node->position.y,
                           ps.z * node->position.z};
    kiln_vector3 rotated = kiln_quaternion_rotate(po, offset);
    *position = (kiln_vector3){pp.x + rotated.x, pp.y + rotated.y, pp.z + rotated.z};
}

void kiln__scene_node_get_derived(const kiln_scene_node *self, kiln_vector3 *position,
                                  kiln_quaternion *orientation, kiln_vector3 *scale) {
    /* From the top of the tree down, without recursion: the ancestors in a buffer on
     * the stack, or on the heap for a deeper chain (or, when even that fails, found
     * again from the node for each level). */
    enum { SHALLOW = 64 };
    const kiln_scene_node *shallow[SHALLOW];
    const kiln_scene_node **path = shallow;
    size_t depth = 0;
    for (const kiln_scene_node *n = self; n; n = n->parent)
        depth++;
    if (depth > SHALLOW)
        path = kiln__malloc_array(depth, sizeof *path);
    if (path) {
        size_t i = depth;
        for (const kiln_scene_node *n = self; n; n = n->parent)
            path[--i] = n;
    }
    *position = (kiln_vector3){0, 0, 0};
    *orientation = (kiln_quaternion){1, 0, 0, 0};
    *scale = (kiln_vector3){1, 1, 1};
    for (size_t level = 0; level < depth; level++) {
        const kiln_scene_node *node = self;
        if (path)
            node = path[level];
        else
            for (size_t up = depth - 1 - level; up > 0; up--)
                node = node->parent;
        if (level == 0) {
            *position = node->position;
            *orientation = node->orientation;
            *scale = node->scale;
        } else {
            compose(node, position, orientation, scale);
        }
    }
    if (path != shallow)
        kiln__free(path);
}

KILN_API kiln_matrix4 kiln_scene_node_get_full_transform(const kiln_scene_node *self) {
    kiln_vector3 position, scale;
    kiln_quaternion orientation;
    kiln__scene_node_get_derived(self, &position, &orientation, &scale);
    return kiln_matrix4_make_transform(position, scale, orientation);
}

/* ---- moving and turning ---- */

static kiln_quaternion quaternion_conjugate(kiln_quaternion q) {
    /* The inverse of a unit quaternion. */
    return (kiln_quaternion){q.w, -q.x, -q.y, -q.z};
}

static kiln_quaternion derived_orientation(const kiln_scene_node *node) {
    kiln_vector3 position, scale;
    kiln_quaternion orientation;
    kiln__scene_node_get_derived(node, &position, &orientation, &scale);
    return orientation;
}

KILN_API kiln_result kiln_scene_node_translate(kiln_scene_node *self, const kiln_vector3 *offset,
                                               kiln_transform_space relative_to) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(offset);
    KILN__REQUIRE_FINITE(offset, 3, "the offset");
    KILN__REQUIRE(valid_space(relative_to),
                  "kiln_scene_node_translate: %d is not a kiln_transform_space", (int)relative_to);
    kiln_vector3 d = *offset;
    switch (relative_to) {
    case KILN_TS_LOCAL:
        /* Along the node's own axes; its scale does not stretch the step. */
        d = kiln_quaternion_rotate(self->orientation, d);
        break;
    case KILN_TS_WORLD:
        /* The position lives in the parent's space: undo the parent's rotation and
         * scale, as the original engine does. */
        if (self->parent) {
            kiln_vector3 pp, ps;
            kiln_quaternion po;
            kiln__scene_node_get_derived(self->parent, &pp, &po, &ps);
            d = kiln_quaternion_rotate(quaternion_conjugate(po), d);
            /* An axis the parent squashes flat cannot be reached: it stays put. */
            d.x = ps.x != 0.0f ? d.x / ps.x : 0.0f;
            d.y = ps.y != 0.0f ? d.y / ps.y : 0.0f;
            d.z = ps.z != 0.0f ? d.z / ps.z : 0.0f;
        }
        break;
    case KILN_TS_PARENT:
    default:
        break;
    }
    self->position.x += d.x;
    self->position.y += d.y;
    self->position.z += d.z;
    return KILN_OK;
}

KILN_API kiln_result kiln_scene_node_rotate(kiln_scene_node *self, const kiln_quaternion *q,
                                            kiln_transform_space relative_to) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(q);
    KILN__REQUIRE(kiln__finite_floats(&q->w, 4),
                  "kiln_scene_node_rotate: (%g, %g, %g, %g) is not finite", (double)q->w,
                  (double)q->x, (double)q->y, (double)q->z);
    KILN__REQUIRE(valid_space(relative_to),
                  "kiln_scene_node_rotate: %d is not a kiln_transform_space", (int)relative_to);
    kiln_quaternion r = kiln_quaternion_normalise(*q);
    switch (relative_to) {
    case KILN_TS_PARENT:
        self->orientation = kiln_quaternion_multiply(r, self->orientation);
        break;
    case KILN_TS_WORLD: {
        /* A world rotation seen in the node's local frame: D^-1 r D, applied after
         * the node's own orientation. */
        kiln_quaternion derived = derived_orientation(self);
        kiln_quaternion local = kiln_quaternion_multiply(
            kiln_quaternion_multiply(quaternion_conjugate(derived), r), derived);
        self->orientation = kiln_quaternion_multiply(self->orientation, local);
        break;
    }
    case KILN_TS_LOCAL:
    default:
        self->orientation = kiln_quaternion_multiply(self->orientation, r);
        break;
    }
    /* Renormalised so that repeated turns do not drift away from a rotation. */
    self->orientation = kiln_quaternion_normalise(self->orientation);
    return KILN_OK;
}

static kiln_result rotate_about(kiln_scene_node *self, float angle, kiln_vector3 axis,
                                kiln_transform_space relative_to, const char *function) {
    KILN__REQUIRE(isfinite(angle), "%s: the angle %g is not finite", function, (double)angle);
    KILN__REQUIRE(valid_space(relative_to), "%s: %d is not a kiln_transform_space", function,
                  (int)relative_to);
    kiln_quaternion q = kiln_quaternion_from_angle_axis(angle, axis);
    return kiln_scene_node_rotate(self, &q, relative_to);
}

KILN_API kiln_result kiln_scene_node_yaw(kiln_scene_node *self, float angle,
                                         kiln_transform_space relative_to) {
    return rotate_about(self, angle, (kiln_vector3){0, 1, 0}, relative_to, __func__);
}
KILN_API kiln_result kiln_scene_node_pitch(kiln_scene_node *self, float angle,
                                           kiln_transform_space relative_to) {
    return rotate_about(self, angle, (kiln_vector3){1, 0, 0}, relative_to, __func__);
}
KILN_API kiln_result kiln_scene_node_roll(kiln_scene_node *self, float angle,
                                          kiln_transform_space relative_to) {
    return rotate_about(self, angle, (kiln_vector3){0, 0, 1}, relative_to, __func__);
}

static kiln_vector3 cross(kiln_vector3 a, kiln_vector3 b) {
    return (kiln_vector3){a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

static float length(kiln_vector3 v) { return sqrtf(v.x * v.x + v.y * v.y + v.z * v.z); }

static kiln_vector3 scaled(kiln_vector3 v, float s) {
    return (kiln_vector3){v.x * s, v.y * s, v.z * s};
}

/* The unit quaternion of the rotation whose matrix has columns x, y, z (an
 * orthonormal right-handed basis). */
static kiln_quaternion quaternion_from_axes(kiln_vector3 x, kiln_vector3 y, kiln_vector3 z) {
    float m[3][3] = {{x.x, y.x, z.x}, {x.y, y.y, z.y}, {x.z, y.z, z.z}};
    float trace = m[0][0] + m[1][1] + m[2][2];
    kiln_quaternion q;
    /* Taken from the largest of w, x, y, z, for accuracy near half turns. */
    if (trace > 0.0f) {
        float s = sqrtf(trace + 1.0f) * 2.0f;
        q = (kiln_quaternion){0.25f * s, (m[2][1] - m[1][2]) / s, (m[0][2] - m[2][0]) / s,
                              (m[1][0] - m[0][1]) / s};
    } else if (m[0][0] > m[1][1] && m[0][0] > m[2][2]) {
        float s = sqrtf(1.0f + m[0][0] - m[1][1] - m[2][2]) * 2.0f;
        q = (kiln_quaternion){(m[2][1] - m[1][2]) / s, 0.25f * s, (m[0][1] + m[1][0]) / s,
                              (m[0][2] + m[2][0]) / s};
    } else if (m[1][1] > m[2][2]) {
        float s = sqrtf(1.0f + m[1][1] - m[0][0] - m[2][2]) * 2.0f;
        q = (kiln_quaternion){(m[0][2] - m[2][0]) / s, (m[0][1] + m[1][0]) / s, 0.25f * s,
                              (m[1][2] + m[2][1]) / s};
    } else {
        float s = sqrtf(1.0f + m[2][2] - m[0][0] - m[1][1]) * 2.0f;
        q = (kiln_quaternion){(m[1][0] - m[0][1]) / s, (m[0][2] + m[2][0]) / s,
                              (m[1][2] + m[2][1]) / s, 0.25f * s};
    }
    return kiln_quaternion_normalise(q);
}

/* The rotation taking unit vector a onto unit vector b by the shortest arc (the
 * original engine's Vector3::getRotationTo). */
static kiln_quaternion rotation_to(kiln_vector3 a, kiln_vector3 b) {
    float d = a.x * b.x + a.y * b.y + a.z * b.z;
    if (d >= 1.0f)
        return (kiln_quaternion){1, 0, 0, 0};
    if (d < 1e-6f - 1.0f) {
        /* Opposite directions: half a turn about any axis perpendicular to a. */
        kiln_vector3 axis = cross((kiln_vector3){1, 0, 0}, a);
        if (length(axis) < 1e-6f)
            axis = cross((kiln_vector3){0, 1, 0}, a);
        return kiln_quaternion_from_angle_axis(3.14159265358979f,
                                               scaled(axis, 1.0f / length(axis)));
    }
    float s = sqrtf((1.0f + d) * 2.0f);
    kiln_vector3 c = cross(a, b);
    return kiln_quaternion_normalise((kiln_quaternion){s * 0.5f, c.x / s, c.y / s, c.z / s});
}

/* Points the node's -Z along d (unit length, in the parent's axes). */
static void point_along(kiln_scene_node *self, kiln_vector3 d) {
    kiln_quaternion parent_derived =
        self->parent ? derived_orientation(self->parent) : (kiln_quaternion){1, 0, 0, 0};
    if (!self->yaw_fixed) {
        /* The shortest turn from where -Z points now, in world space. */
        kiln_quaternion current = derived_orientation(self);
        kiln_vector3 now = kiln_quaternion_rotate(current, (kiln_vector3){0, 0, -1});
        kiln_vector3 wanted = kiln_quaternion_rotate(parent_derived, d);
        kiln_vector3 sum = {now.x + wanted.x, now.y + wanted.y, now.z + wanted.z};
        kiln_quaternion target;
        if (sum.x * sum.x + sum.y * sum.y + sum.z * sum.z < 0.00005f)
            /* Half a turn: about the node's own Y axis, as the original engine does. */
            target = kiln_quaternion_multiply(current, (kiln_quaternion){0, 0, 1, 0});
        else
            target = kiln_quaternion_multiply(rotation_to(now, wanted), current);
        self->orientation = kiln_quaternion_normalise(
            kiln_quaternion_multiply(quaternion_conjugate(parent_derived), target));
        return;
    }
    /* -Z towards the target and X perpendicular to the yaw axis. Looking straight
     * along that axis leaves X undefined by the rule: the node's current X axis, made
     * perpendicular to the direction, takes its place. */
    kiln_vector3 z = scaled(d, -1.0f);
    kiln_vector3 x = cross(self->yaw_axis, z);
    float x_len = length(x);
    if (x_len < 1e-6f) {
        kiln_vector3 current_x = kiln_quaternion_rotate(self->orientation, (kiln_vector3){1, 0, 0});
        x = cross(cross(z, current_x), z);
        x_len = length(x);
        if (x_len < 1e-6f) {
            x = (kiln_vector3){1, 0, 0};
            x_len = 1.0f;
        }
    }
    x = scaled(x, 1.0f / x_len);
    kiln_vector3 y = cross(z, x);
    self->orientation = quaternion_from_axes(x, y, z);
}

static bool valid_space(kiln_transform_space space) {
    return space == KILN_TS_LOCAL || space == KILN_TS_PARENT || space == KILN_TS_WORLD;
}

/* Turns the node along direction d given in relative_to's axes; caller names the
 * public function in messages. */
static kiln_result set_direction(kiln_scene_node *self, kiln_vector3 d,
                                 kiln_transform_space relative_to, const char *caller,
                                 const char *what) {
    float len = length(d);
    if (!(len > 0.0f) || !isfinite(len))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "%s: %s (%g, %g, %g) gives no direction to look in", caller, what,
                          (double)d.x, (double)d.y, (double)d.z);
    d = scaled(d, 1.0f / len);
    /* The direction in the parent's axes, where the orientation is stored. */
    if (relative_to == KILN_TS_WORLD) {
        kiln_quaternion parent_derived =
            self->parent ? derived_orientation(self->parent) : (kiln_quaternion){1, 0, 0, 0};
        d = kiln_quaternion_rotate(quaternion_conjugate(parent_derived), d);
    } else if (relative_to == KILN_TS_LOCAL) {
        d = kiln_quaternion_rotate(self->orientation, d);
    }
    point_along(self, d);
    return KILN_OK;
}

KILN_API kiln_result kiln_scene_node_look_at(kiln_scene_node *self, const kiln_vector3 *target,
                                             kiln_transform_space relative_to) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(target);
    KILN__REQUIRE(valid_space(relative_to),
                  "kiln_scene_node_look_at: %d is not a kiln_transform_space value (0, 1 or 2)",
                  (int)relative_to);
    kiln_vector3 origin = {0, 0, 0};
    if (relative_to == KILN_TS_WORLD)
        origin = kiln_scene_node_get_derived_position(self);
    else if (relative_to == KILN_TS_PARENT)
        origin = self->position;
    kiln_vector3 d = {target->x - origin.x, target->y - origin.y, target->z - origin.z};
    if (!isfinite(target->x) || !isfinite(target->y) || !isfinite(target->z) || !(length(d) > 0.0f))
        return kiln__fail(KILN_ERROR_INVALID_ARGUMENT,
                          "kiln_scene_node_look_at: the target (%g, %g, %g) is the node's own "
                          "position (or not finite), so it gives no direction to look in",
                          (double)target->x, (double)target->y, (double)target->z);
    return set_direction(self, d, relative_to, "kiln_scene_node_look_at", "the target offset");
}

KILN_API kiln_result kiln_scene_node_set_direction(kiln_scene_node *self,
                                                   const kiln_vector3 *direction,
                                                   kiln_transform_space relative_to) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(direction);
    KILN__REQUIRE(valid_space(relative_to),
                  "kiln_scene_node_set_direction: %d is not a kiln_transform_space value (0, 1 "
                  "or 2)",
                  (int)relative_to);
    return set_direction(self, *direction, relative_to, "kiln_scene_node_set_direction",
                         "the direction");
}

KILN_API kiln_result kiln_scene_node_set_fixed_yaw_axis(kiln_scene_node *self, bool use_fixed,
                                                        const kiln_vector3 *axis) {
    KILN__REQUIRE_NOT_NULL(self);
    kiln_vector3 a = axis ? *axis : (kiln_vector3){0, 1, 0};
    float len = length(a);
    KILN__REQUIRE(len > 0.0f && isfinite(len),
                  "kiln_scene_node_set_fixed_yaw_axis: the axis (%g, %g, %g) has no direction",
                  (double)a.x, (double)a.y, (double)a.z);
    self->yaw_fixed = use_fixed;
    self->yaw_axis = scaled(a, 1.0f / len);
    return KILN_OK;
}

KILN_API bool kiln_scene_node_get_yaw_fixed(const kiln_scene_node *self) { return self->yaw_fixed; }

/* ---- world space ---- */

KILN_API kiln_vector3 kiln_scene_node_get_derived_position(const kiln_scene_node *self) {
    kiln_vector3 position, scale;
    kiln_quaternion orientation;
    kiln__scene_node_get_derived(self, &position, &orientation, &scale);
    return position;
}
KILN_API kiln_quaternion kiln_scene_node_get_derived_orientation(const kiln_scene_node *self) {
    return derived_orientation(self);
}
KILN_API kiln_vector3 kiln_scene_node_get_derived_scale(const kiln_scene_node *self) {
    kiln_vector3 position, scale;
    kiln_quaternion orientation;
    kiln__scene_node_get_derived(self, &position, &orientation, &scale);
    return scale;
}

/* ---- poses ---- */

/* OpenCV's camera axes are OGRE's with Y and Z turned around X: the same for both ways. */
static void flip_yz(float r[3][3]) {
    for (int i = 0; i < 3; i++) {
        r[i][1] = -r[i][1];
        r[i][2] = -r[i][2];
    }
}

KILN_API kiln_result kiln_scene_node_set_world_pose(kiln_scene_node *self, const kiln_matrix4 *pose,
                                                    kiln_axes axes) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(pose);
    KILN__REQUIRE(axes == KILN_AXES_OGRE || axes == KILN_AXES_OPENCV,
                  "kiln_scene_node_set_world_pose: %d is not a kiln_axes", (int)axes);
    const kiln_matrix4 *m = pose;
    KILN__REQUIRE(kiln__finite_floats(&m->m[0][0], 16),
                  "kiln_scene_node_set_world_pose: the pose is not finite");
    KILN__REQUIRE(m->m[3][0] == 0.0f && m->m[3][1] == 0.0f && m->m[3][2] == 0.0f &&
                      m->m[3][3] == 1.0f,
                  "kiln_scene_node_set_world_pose: the pose's last row is (%g, %g, %g, %g), not "
                  "(0, 0, 0, 1)",
                  (double)m->m[3][0], (double)m->m[3][1], (double)m->m[3][2], (double)m->m[3][3]);
    float r[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            r[i][j] = m->m[i][j];
    /* Rigid: the columns orthonormal, and right-handed (no mirror). */
    float worst = 0.0f;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            float dot = r[0][a] * r[0][b] + r[1][a] * r[1][b] + r[2][a] * r[2][b];
            float off = fabsf(dot - (a == b ? 1.0f : 0.0f));
            worst = off > worst ? off : worst;
        }
    float det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
                r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
                r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    KILN__REQUIRE(worst <= 1e-3f && det > 0.0f,
                  "kiln_scene_node_set_world_pose: the pose's rotation is not a rotation (its "
                  "columns are off orthonormal by %g, its determinant is %g); a pose has no "
                  "scale, shear or mirror",
                  (double)worst, (double)det);
    if (axes == KILN_AXES_OPENCV)
        flip_yz(r);
    kiln_quaternion q = quaternion_from_axes((kiln_vector3){r[0][0], r[1][0], r[2][0]},
                                             (kiln_vector3){r[0][1], r[1][1], r[2][1]},
                                             (kiln_vector3){r[0][2], r[1][2], r[2][2]});
    kiln_vector3 p = {m->m[0][3], m->m[1][3], m->m[2][3]};
    if (self->parent) {
        /* In the parent's space: its rotation undone, then its scale. */
        kiln_vector3 pp, ps;
        kiln_quaternion po;
        kiln__scene_node_get_derived(self->parent, &pp, &po, &ps);
        kiln_quaternion inverse = quaternion_conjugate(po);
        kiln_vector3 d =
            kiln_quaternion_rotate(inverse, (kiln_vector3){p.x - pp.x, p.y - pp.y, p.z - pp.z});
        KILN__REQUIRE(ps.x != 0.0f && ps.y != 0.0f && ps.z != 0.0f,
                      "kiln_scene_node_set_world_pose: the node's parent has a zero scale");
        p = (kiln_vector3){d.x / ps.x, d.y / ps.y, d.z / ps.z};
        q = kiln_quaternion_multiply(inverse, q);
    }
    self->position = p;
    self->orientation = kiln_quaternion_normalise(q);
    return KILN_OK;
}

KILN_API kiln_result kiln_scene_node_get_world_pose(const kiln_scene_node *self, kiln_axes axes,
                                                    kiln_matrix4 *out) {
    KILN__REQUIRE_NOT_NULL(self);
    KILN__REQUIRE_NOT_NULL(out);
    KILN__REQUIRE(axes == KILN_AXES_OGRE || axes == KILN_AXES_OPENCV,
                  "kiln_scene_node_get_world_pose: %d is not a kiln_axes", (int)axes);
    kiln_vector3 p, s;
    kiln_quaternion q;
    kiln__scene_node_get_derived(self, &p, &q, &s);
    kiln_matrix3 rot = kiln_quaternion_to_rotation_matrix(q);
    float r[3][3];
    memcpy(r, rot.m, sizeof r);
    if (axes == KILN_AXES_OPENCV)
        flip_yz(r);
    kiln_matrix4 m = kiln_matrix4_identity();
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            m.m[i][j] = r[i][j];
    m.m[0][3] = p.x;
    m.m[1][3] = p.y;
    m.m[2][3] = p.z;
    *out = m;
    return KILN_OK;
}
