/* The scene graph's structures, shared by the scene module and the renderer that
 * walks it. */
#ifndef KILN_SCENE_INTERNAL_H
#define KILN_SCENE_INTERNAL_H

#include "material.h"

typedef enum kiln__movable_type {
    KILN__MOVABLE_CAMERA = 0,
    KILN__MOVABLE_RECTANGLE2D = 1,
    KILN__MOVABLE_MANUAL_OBJECT = 2,
    KILN__MOVABLE_ENTITY = 3,
    KILN__MOVABLE_LIGHT = 4
} kiln__movable_type;

/* The common head of every movable object; the concrete object embeds it first. */
struct kiln_movable_object {
    kiln__refcount ref;
    kiln__movable_type type;
    char *name;
    bool visible;
    uint32_t instance_id, class_id; /* what the id buffers record where it is drawn */
    kiln_scene_node *parent;        /* NULL when detached */
    void (*destroy)(kiln_movable_object *self);
};

/* How far the projection of an infinite far plane stays inside the clip volume, as
 * in the original engine, so that points at infinity are not clipped. */
#define KILN__INFINITE_FAR_PLANE_ADJUST 0.00001f

/* Whether the camera's projection has no far plane (a far clip distance of 0, or a
 * custom matrix whose z and w rows agree in z). */
bool kiln__camera_has_infinite_far(const kiln_camera *self);

struct kiln_camera {
    kiln_movable_object base;
    kiln_scene_manager *scene; /* NULL once the scene is gone */
    kiln_projection_type projection;
    float fov_y;
    float near_distance;
    float far_distance;
    float aspect;
    bool auto_aspect;
    float ortho_height;
    /* kiln_camera_set_frustum_extents: used instead of fov_y and aspect when set. */
    bool has_extents;
    float extent_left, extent_right, extent_top, extent_bottom;
    /* kiln_camera_set_custom_projection_matrix: used instead of all of the above. */
    bool has_custom_projection;
    kiln_matrix4 custom_projection;
};

struct kiln_rectangle2d {
    kiln_movable_object base;
    bool has_uvs;
    float left, top, right, bottom;
    kiln_material *material; /* a reference, or NULL */
};

struct kiln_scene_node {
    kiln_scene_manager *scene;
    kiln_scene_node *parent;
    uint32_t index_in_parent; /* this node is parent->children[index_in_parent] */
    kiln_scene_node **children;
    uint32_t num_children;
    kiln_movable_object **objects; /* references */
    uint32_t num_objects;
    kiln_vector3 position;
    kiln_quaternion orientation;
    kiln_vector3 scale;
    bool yaw_fixed;        /* look_at keeps X perpendicular to yaw_axis */
    kiln_vector3 yaw_axis; /* in the parent's space, unit length */
};

/* The node after `node` in a walk of the tree under `root` that visits each node
 * before its children, in order (NULL after the last): the walk needs no recursion, so
 * a chain of any depth is walked on a bounded stack. */
static inline const kiln_scene_node *kiln__scene_node_next(const kiln_scene_node *node,
                                                           const kiln_scene_node *root) {
    if (node->num_children > 0)
        return node->children[0];
    while (node != root) {
        const kiln_scene_node *parent = node->parent;
        if (node->index_in_parent + 1 < parent->num_children)
            return parent->children[node->index_in_parent + 1];
        node = parent;
    }
    return NULL;
}

struct kiln_scene_manager {
    void *owner; /* the Root, to refuse cameras of another root's scene */
    kiln_scene_node *root_node;
    kiln_camera **cameras; /* references */
    uint32_t num_cameras;
    kiln_colour ambient;
    kiln_material_manager *materials; /* the Root's, borrowed; NULL without one */
    kiln__registry manual_objects;    /* references, by name */
    kiln__registry entities;          /* references, by name */
    kiln__registry lights;            /* references, by name */
};

/* A light: colours and shape in the original engine's terms; position and
 * direction are relative to its node. */
struct kiln_light {
    kiln_movable_object base;
    kiln_light_type type;
    kiln_colour diffuse;
    kiln_colour specular;
    kiln_vector3 position;
    kiln_vector3 direction; /* unit length */
    float range, constant, linear, quadratic;
    float spot_inner, spot_outer, spot_falloff; /* full cone angles in radians */
    float power;
};

/* The light's position and direction in world space, from its node (or as given
 * when detached). */
void kiln__light_get_world(const kiln_light *self, kiln_vector3 *position, kiln_vector3 *direction);

/* Drops the scene's lights (they may outlive it). */
void kiln__scene_manager_drop_lights(kiln_scene_manager *self);

kiln_result kiln__scene_manager_create(void *owner, kiln_scene_manager **out);

/* Destroys the nodes (releasing their objects) and drops the cameras. */
void kiln__scene_manager_destroy(kiln_scene_manager *self);

/* Drops the scene's manual objects and entities (they may outlive it). */
void kiln__scene_manager_drop_geometry(kiln_scene_manager *self);

/* The root node of a scene, and the destruction of a subtree (its objects are
 * detached and released). */
kiln_result kiln__scene_node_create_root(kiln_scene_manager *scene, kiln_scene_node **out);
void kiln__scene_node_destroy(kiln_scene_node *self);

/* The node's position, orientation and scale in world space. */
void kiln__scene_node_get_derived(const kiln_scene_node *self, kiln_vector3 *position,
                                  kiln_quaternion *orientation, kiln_vector3 *scale);

/* A camera registered with scene (which keeps the reference in *out). */
kiln_result kiln__camera_create(kiln_scene_manager *scene, const char *name, kiln_camera **out);

void kiln__movable_object_init(kiln_movable_object *self, kiln__movable_type type,
                               void (*destroy)(kiln_movable_object *));

#endif
