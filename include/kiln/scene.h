/* The scene graph: SceneManager, SceneNode, and the movable objects attached to
 * nodes (Camera, Rectangle2D).
 *
 * A scene manager belongs to the Root that created it; its nodes belong to it.
 * Movable objects are reference counted: a node holds a reference to each object
 * attached to it, a scene manager to each camera it created, and every call that
 * hands a movable object out through an out-parameter gives the caller a
 * reference of its own. A scene may be changed by one thread at a time, and not
 * while it is being rendered. */
#ifndef KILN_SCENE_H
#define KILN_SCENE_H

#include "core.h"
#include "maths.h"
#include "resource.h"

typedef struct kiln_scene_manager kiln_scene_manager;
typedef struct kiln_scene_node kiln_scene_node;
typedef struct kiln_movable_object kiln_movable_object;
typedef struct kiln_camera kiln_camera;
typedef struct kiln_rectangle2d kiln_rectangle2d;

typedef enum kiln_projection_type {
    KILN_PT_ORTHOGRAPHIC = 0,
    KILN_PT_PERSPECTIVE = 1
} kiln_projection_type;

/* ---- scene manager ---- */

/* The root of the node tree (borrowed). */
KILN_API kiln_scene_node *kiln_scene_manager_get_root_scene_node(kiln_scene_manager *self);

/* Destroys a node of the scene with all the nodes below it, detaching (and releasing)
 * the objects attached to them; the pointers to those nodes are invalid afterwards.
 * KILN_ERROR_INVALID_ARGUMENT for the root node (destroyed with its scene manager) or a
 * node of another scene manager. */
KILN_API kiln_result kiln_scene_manager_destroy_scene_node(kiln_scene_manager *self,
                                                           kiln_scene_node *node);

/* A camera named `name`, registered with the scene and not yet attached to a node
 * (a detached camera sits at the origin looking down -Z). Fails if the name is
 * taken. The caller owns the reference in *out. */
KILN_API kiln_result kiln_scene_manager_create_camera(kiln_scene_manager *self, const char *name,
                                                      kiln_camera **out);

/* The camera named `name` (the caller owns the reference in *out); KILN_ERROR_NOT_FOUND
 * names an unknown one. */
KILN_API kiln_result kiln_scene_manager_get_camera(kiln_scene_manager *self, const char *name,
                                                   kiln_camera **out);

/* Whether the scene has a camera named `name`. */
KILN_API bool kiln_scene_manager_has_camera(const kiln_scene_manager *self, const char *name);

/* The scene's ambient light, which lit passes reflect by their ambient colour
 * (default black). Setting NULL changes nothing. */
KILN_API kiln_colour kiln_scene_manager_get_ambient_light(const kiln_scene_manager *self);
KILN_API void kiln_scene_manager_set_ambient_light(kiln_scene_manager *self,
                                                   const kiln_colour *colour);

/* The axes a pose is given in. A node's own (and so a camera's) are OGRE's: X right,
 * Y up, looking down -Z. OpenCV's (and most vision datasets') camera looks down +Z with
 * Y down. */
typedef enum kiln_axes {
    KILN_AXES_OGRE = 0,  /* X right, Y up, the camera looks down -Z */
    KILN_AXES_OPENCV = 1 /* X right, Y down, the camera looks down +Z */
} kiln_axes;

/* ---- scene nodes ---- */

/* A new child node at the parent's origin. The node belongs to the scene manager
 * (borrowed). */
KILN_API kiln_result kiln_scene_node_create_child_scene_node(kiln_scene_node *self,
                                                             kiln_scene_node **out);

/* Attaches a movable object (the node takes a reference). Fails if the object is
 * already attached to a node. */
KILN_API kiln_result kiln_scene_node_attach_object(kiln_scene_node *self,
                                                   kiln_movable_object *object);

/* Detaches an object attached to this node; fails if it is not attached here. */
KILN_API kiln_result kiln_scene_node_detach_object(kiln_scene_node *self,
                                                   kiln_movable_object *object);

/* How many movable objects are attached to the node. */
KILN_API uint32_t kiln_scene_node_get_num_attached_objects(const kiln_scene_node *self);

/* The caller owns the reference in *out. */
KILN_API kiln_result kiln_scene_node_get_attached_object(const kiln_scene_node *self,
                                                         uint32_t index, kiln_movable_object **out);

/* How many child nodes the node has. */
KILN_API uint32_t kiln_scene_node_get_num_children(const kiln_scene_node *self);

/* The child at index, in creation order (borrowed: it belongs to the scene
 * manager); KILN_ERROR_OUT_OF_RANGE past the last one. */
KILN_API kiln_result kiln_scene_node_get_child(const kiln_scene_node *self, uint32_t index,
                                               kiln_scene_node **out);

/* The parent (borrowed); NULL for the root node. */
KILN_API kiln_scene_node *kiln_scene_node_get_parent(const kiln_scene_node *self);

/* The position relative to the parent: along the parent's axes, stretched by the
 * parent's scale (default (0, 0, 0)). Setting NULL changes nothing; a position that is
 * not finite is KILN_ERROR_INVALID_ARGUMENT. */
KILN_API kiln_vector3 kiln_scene_node_get_position(const kiln_scene_node *self);
KILN_API kiln_result kiln_scene_node_set_position(kiln_scene_node *self,
                                                  const kiln_vector3 *position);

/* The orientation relative to the parent (default the identity). It is stored
 * normalised, so any non-zero quaternion is accepted; a zero one becomes the
 * identity; one that is not finite is refused. Setting NULL changes nothing. */
KILN_API kiln_quaternion kiln_scene_node_get_orientation(const kiln_scene_node *self);
KILN_API kiln_result kiln_scene_node_set_orientation(kiln_scene_node *self,
                                                     const kiln_quaternion *orientation);

/* The scale along the node's own axes (default (1, 1, 1)); it applies to the
 * attached objects and to the children, positions included, but not to a camera's
 * view. Setting NULL changes nothing; a scale that is not finite is refused. */
KILN_API kiln_vector3 kiln_scene_node_get_scale(const kiln_scene_node *self);
KILN_API kiln_result kiln_scene_node_set_scale(kiln_scene_node *self, const kiln_vector3 *scale);

/* The node's transform in world space (parent transforms applied). */
KILN_API kiln_matrix4 kiln_scene_node_get_full_transform(const kiln_scene_node *self);

/* Places the node so that its world transform is `pose`: a rigid transform (a rotation
 * and a translation, the translation in the last column, the last row 0 0 0 1), such
 * as a camera-to-world matrix, in the axes `axes`. With KILN_AXES_OPENCV a camera on the
 * node looks down the pose's +Z with +Y down the image. The node's parent's transform
 * is taken into account; its own scale is kept. KILN_ERROR_INVALID_ARGUMENT for a
 * matrix that is not finite, not rigid (a rotation part off orthonormal by more than
 * 1e-3, a mirror) or not affine, or an unknown kiln_axes. */
KILN_API kiln_result kiln_scene_node_set_world_pose(kiln_scene_node *self, const kiln_matrix4 *pose,
                                                    kiln_axes axes);
/* The node's world position and orientation as a rigid 4x4 transform in `axes` (its
 * scale left out). */
KILN_API kiln_result kiln_scene_node_get_world_pose(const kiln_scene_node *self, kiln_axes axes,
                                                    kiln_matrix4 *out);

/* ---- movable objects ---- */

/* Adds a reference, or drops one; the last release frees the object. Both accept
 * NULL and are thread-safe. */
KILN_API void kiln_movable_object_retain(kiln_movable_object *self);
KILN_API void kiln_movable_object_release(kiln_movable_object *self);

/* The name the object was created with ("" for a Rectangle2D, which has none); the
 * string belongs to the object and lives as long as it does. */
KILN_API const char *kiln_movable_object_get_name(const kiln_movable_object *self);

/* "Camera", "Rectangle2D", ... */
KILN_API const char *kiln_movable_object_get_movable_type(const kiln_movable_object *self);

/* Whether the object is drawn (default true); a hidden object draws nothing. */
KILN_API bool kiln_movable_object_get_visible(const kiln_movable_object *self);
KILN_API void kiln_movable_object_set_visible(kiln_movable_object *self, bool visible);

/* What a render target's id buffers (kiln_render_target_set_extra_buffers) record where
 * the object is drawn. The instance id is unique by default (1, 2, 3, ... in the order
 * objects are made); the class id is 0 by default. 0 is also what the buffers hold
 * where nothing was drawn. */
KILN_API uint32_t kiln_movable_object_get_instance_id(const kiln_movable_object *self);
KILN_API void kiln_movable_object_set_instance_id(kiln_movable_object *self, uint32_t id);
KILN_API uint32_t kiln_movable_object_get_class_id(const kiln_movable_object *self);
KILN_API void kiln_movable_object_set_class_id(kiln_movable_object *self, uint32_t id);

/* The node the object is attached to (borrowed); NULL when detached. */
KILN_API kiln_scene_node *
kiln_movable_object_get_parent_scene_node(const kiln_movable_object *self);

/* ---- cameras ---- */

/* The camera as a movable object, for calls that take any (the same object: no new
 * reference); NULL for NULL. */
KILN_API kiln_movable_object *kiln_camera_as_movable_object(kiln_camera *self);

/* Adds a reference, or drops one; the last release frees the camera. Both accept
 * NULL and are thread-safe. */
KILN_API void kiln_camera_retain(kiln_camera *self);
KILN_API void kiln_camera_release(kiln_camera *self);

/* Perspective (the default) or orthographic projection. KILN_ERROR_INVALID_ARGUMENT
 * for a value that is not a kiln_projection_type. */
KILN_API kiln_projection_type kiln_camera_get_projection_type(const kiln_camera *self);
KILN_API kiln_result kiln_camera_set_projection_type(kiln_camera *self, kiln_projection_type type);

/* Vertical field of view in radians (default pi/4); must lie in (0, pi). */
KILN_API float kiln_camera_get_fov_y(const kiln_camera *self);
KILN_API kiln_result kiln_camera_set_fov_y(kiln_camera *self, float radians);

/* Distance from the camera to the near clipping plane (default 100, as in the
 * original engine); must be positive and finite. */
KILN_API float kiln_camera_get_near_clip_distance(const kiln_camera *self);
KILN_API kiln_result kiln_camera_set_near_clip_distance(kiln_camera *self, float distance);

/* 0 means an infinite far plane. */
KILN_API float kiln_camera_get_far_clip_distance(const kiln_camera *self);
KILN_API kiln_result kiln_camera_set_far_clip_distance(kiln_camera *self, float distance);

/* Width / height; with auto_aspect_ratio (the default off, as in the original
 * engine, but set by a viewport on creation) the viewport keeps it up to date. */
KILN_API float kiln_camera_get_aspect_ratio(const kiln_camera *self);
KILN_API kiln_result kiln_camera_set_aspect_ratio(kiln_camera *self, float ratio);
KILN_API bool kiln_camera_get_auto_aspect_ratio(const kiln_camera *self);
KILN_API void kiln_camera_set_auto_aspect_ratio(kiln_camera *self, bool enabled);

/* Height of the orthographic view volume in world units; the width follows from
 * the aspect ratio. */
KILN_API float kiln_camera_get_ortho_window_height(const kiln_camera *self);
KILN_API kiln_result kiln_camera_set_ortho_window_height(kiln_camera *self, float height);

/* The view matrix (world to camera space) and the projection matrix (camera to
 * clip space, depth in [-1, 1] as in OpenGL). */
KILN_API kiln_matrix4 kiln_camera_get_view_matrix(const kiln_camera *self);
KILN_API kiln_matrix4 kiln_camera_get_projection_matrix(const kiln_camera *self);

/* The frustum's sides, set directly: for a perspective camera, where its left, right,
 * top and bottom planes cross the plane one unit in front of the camera (the tangents
 * of their angles to the view axis); for an orthographic one, their positions in view
 * space. They replace the field of view, the aspect ratio and the orthographic window
 * (auto_aspect_ratio is turned off, so that viewports leave them alone) and need not be
 * centred on the view axis: an off-centre principal point, a lens shift. As the
 * original engine's setFrustumExtents, but in units that do not depend on the near
 * plane. KILN_ERROR_INVALID_ARGUMENT unless finite with left < right, bottom < top. */
KILN_API kiln_result kiln_camera_set_frustum_extents(kiln_camera *self, float left, float right,
                                                     float top, float bottom);
/* The extents in effect: those set, or those the field of view and aspect ratio (or the
 * orthographic window) make. KILN_ERROR_INVALID_STATE under a custom projection. */
KILN_API kiln_result kiln_camera_get_frustum_extents(const kiln_camera *self, float *out_left,
                                                     float *out_right, float *out_top,
                                                     float *out_bottom);
/* Back to the field of view and aspect ratio. */
KILN_API void kiln_camera_reset_frustum_extents(kiln_camera *self);

/* A pinhole camera's intrinsics, as OpenCV and most vision datasets give them: focal
 * lengths fx, fy and principal point cx, cy in pixels of a width x height image, with
 * pixel centres at whole coordinates ((0, 0) is the centre of the top-left pixel). Sets
 * the frustum extents so that a point K projects to (u, v) is drawn in the pixel whose
 * centre is (u, v) of a width x height viewport. KILN_ERROR_INVALID_ARGUMENT for focal
 * lengths that are not positive and finite, a principal point that is not finite, or a
 * zero size. */
KILN_API kiln_result kiln_camera_set_intrinsics(kiln_camera *self, float fx, float fy, float cx,
                                                float cy, uint32_t width, uint32_t height);
/* The intrinsics of the camera's frustum for a width x height image (whatever set it:
 * a field of view, extents or intrinsics). KILN_ERROR_INVALID_STATE for an orthographic
 * camera or under a custom projection. */
KILN_API kiln_result kiln_camera_get_intrinsics(const kiln_camera *self, uint32_t width,
                                                uint32_t height, float *out_fx, float *out_fy,
                                                float *out_cx, float *out_cy);

/* A projection matrix of one's own, used as it is (camera space to clip space, depth in
 * [-1, 1]); its last two rows may not depend on x and y (m[2][0], m[2][1], m[3][0] and
 * m[3][1] are 0), so that depth and view distance stay per pixel. Near and far clip
 * distances then come from the matrix. KILN_ERROR_INVALID_ARGUMENT for a matrix that is
 * not finite, not invertible or does not have that form. */
KILN_API kiln_result kiln_camera_set_custom_projection_matrix(kiln_camera *self,
                                                              const kiln_matrix4 *projection);
/* Whether a custom projection is in use; reset goes back to the camera's own. */
KILN_API bool kiln_camera_get_custom_projection(const kiln_camera *self);
KILN_API void kiln_camera_reset_custom_projection_matrix(kiln_camera *self);

/* ---- rectangle2d ---- */

/* A screen-space rectangle, two triangles covering (-1, 1)-(1, -1) until
 * set_corners moves it; texture coordinates (0,0) top-left to (1,1) bottom-right
 * when include_texture_coords. Drawn with identity view and projection. The
 * caller owns the reference in *out. */
KILN_API kiln_result kiln_rectangle2d_create(bool include_texture_coords, kiln_rectangle2d **out);
KILN_API kiln_movable_object *kiln_rectangle2d_as_movable_object(kiln_rectangle2d *self);
KILN_API void kiln_rectangle2d_retain(kiln_rectangle2d *self);
KILN_API void kiln_rectangle2d_release(kiln_rectangle2d *self);

/* Corners in normalised device coordinates: x to the right, y up. */
KILN_API void kiln_rectangle2d_set_corners(kiln_rectangle2d *self, float left, float top,
                                           float right, float bottom);

/* The material the rectangle is drawn with (the rectangle takes a reference;
 * NULL draws nothing). The getter gives the caller a reference of its own in
 * *out, or NULL. */
KILN_API kiln_result kiln_rectangle2d_get_material(const kiln_rectangle2d *self,
                                                   kiln_material **out);
KILN_API void kiln_rectangle2d_set_material(kiln_rectangle2d *self, kiln_material *material);

typedef struct kiln_light kiln_light;

typedef enum kiln_transform_space {
    KILN_TS_LOCAL = 0,  /* the node's own axes */
    KILN_TS_PARENT = 1, /* the parent's axes */
    KILN_TS_WORLD = 2   /* the world's axes */
} kiln_transform_space;

typedef enum kiln_light_type {
    KILN_LT_POINT = 0,
    KILN_LT_DIRECTIONAL = 1,
    KILN_LT_SPOTLIGHT = 2
} kiln_light_type;

/* -- scene nodes -- */

/* Moves the node by offset, expressed in relative_to's axes. A non-finite offset or a
 * value that is not a kiln_transform_space is KILN_ERROR_INVALID_ARGUMENT, and the node
 * stays.
 * Default: relative_to = KILN_TS_PARENT */
KILN_API kiln_result kiln_scene_node_translate(kiln_scene_node *self, const kiln_vector3 *offset,
                                               kiln_transform_space relative_to);

/* Rotates the node by q, about axes of relative_to (refused, as for translate, when q
 * is not finite or relative_to not a space).
 * Default: relative_to = KILN_TS_LOCAL */
KILN_API kiln_result kiln_scene_node_rotate(kiln_scene_node *self, const kiln_quaternion *q,
                                            kiln_transform_space relative_to);

/* Rotations about the Y (yaw), X (pitch) and Z (roll) axes, angles in radians.
 * Default: relative_to = KILN_TS_LOCAL */
KILN_API kiln_result kiln_scene_node_yaw(kiln_scene_node *self, float angle,
                                         kiln_transform_space relative_to);
/* Turns the node about the X axis of relative_to by angle radians.
 * Default: relative_to = KILN_TS_LOCAL */
KILN_API kiln_result kiln_scene_node_pitch(kiln_scene_node *self, float angle,
                                           kiln_transform_space relative_to);
/* Turns the node about the Z axis of relative_to by angle radians.
 * Default: relative_to = KILN_TS_LOCAL */
KILN_API kiln_result kiln_scene_node_roll(kiln_scene_node *self, float angle,
                                          kiln_transform_space relative_to);

/* Turns the node so that its -Z axis points at target (a point in relative_to's
 * space), as the original engine's SceneNode::lookAt does: by the shortest rotation
 * from where -Z points now, or, with a fixed yaw axis (set_fixed_yaw_axis), so that
 * its X axis stays perpendicular to that axis (a level camera). Fails if target is
 * the node's own position.
 * Default: relative_to = KILN_TS_PARENT */
KILN_API kiln_result kiln_scene_node_look_at(kiln_scene_node *self, const kiln_vector3 *target,
                                             kiln_transform_space relative_to);

/* Turns the node so that its -Z axis points along direction (in relative_to's axes),
 * by the same rules as look_at. Fails on a zero direction.
 * Default: relative_to = KILN_TS_LOCAL */
KILN_API kiln_result kiln_scene_node_set_direction(kiln_scene_node *self,
                                                   const kiln_vector3 *direction,
                                                   kiln_transform_space relative_to);

/* Makes look_at and set_direction keep the node's X axis perpendicular to axis (in
 * the parent's space; NULL means +Y), or, with use_fixed false (the default, as in the
 * original engine), turn by the shortest rotation. Fails on a zero axis.
 * Default: axis = NULL */
KILN_API kiln_result kiln_scene_node_set_fixed_yaw_axis(kiln_scene_node *self, bool use_fixed,
                                                        const kiln_vector3 *axis);

/* Whether a fixed yaw axis is in use. */
KILN_API bool kiln_scene_node_get_yaw_fixed(const kiln_scene_node *self);

/* The node's position, orientation and scale in world space. */
KILN_API kiln_vector3 kiln_scene_node_get_derived_position(const kiln_scene_node *self);
KILN_API kiln_quaternion kiln_scene_node_get_derived_orientation(const kiln_scene_node *self);
KILN_API kiln_vector3 kiln_scene_node_get_derived_scale(const kiln_scene_node *self);

/* -- cameras -- */

/* Width of the orthographic view volume; setting it sets the height from the
 * aspect ratio. */
KILN_API float kiln_camera_get_ortho_window_width(const kiln_camera *self);
KILN_API kiln_result kiln_camera_set_ortho_window_width(kiln_camera *self, float width);

/* Width and height of the orthographic view volume at once; sets the aspect ratio to
 * width / height. */
KILN_API kiln_result kiln_camera_set_ortho_window(kiln_camera *self, float width, float height);

/* The camera's position and orientation in world space (from its node). */
KILN_API kiln_vector3 kiln_camera_get_derived_position(const kiln_camera *self);
KILN_API kiln_quaternion kiln_camera_get_derived_orientation(const kiln_camera *self);

/* -- lights -- */

/* A light named `name` (unique among the scene's lights): a white point light at its
 * node's origin, shining down its node's -Z when directional or a spotlight. The
 * caller owns the reference in *out. A light lights the scene once attached to a
 * node of it. */
KILN_API kiln_result kiln_scene_manager_create_light(kiln_scene_manager *self, const char *name,
                                                     kiln_light **out);

/* The light named `name` (the caller owns the reference in *out); KILN_ERROR_NOT_FOUND
 * names an unknown one. */
KILN_API kiln_result kiln_scene_manager_get_light(kiln_scene_manager *self, const char *name,
                                                  kiln_light **out);

/* The light as a movable object, for calls that take any (the same object: no new
 * reference); NULL for NULL. */
KILN_API kiln_movable_object *kiln_light_as_movable_object(kiln_light *self);

/* Adds a reference, or drops one; the last release frees the light. Both accept
 * NULL and are thread-safe. */
KILN_API void kiln_light_retain(kiln_light *self);
KILN_API void kiln_light_release(kiln_light *self);

/* A point light (the default), a directional light or a spotlight.
 * KILN_ERROR_INVALID_ARGUMENT for a value that is not a kiln_light_type. */
KILN_API kiln_light_type kiln_light_get_type(const kiln_light *self);
KILN_API kiln_result kiln_light_set_type(kiln_light *self, kiln_light_type type);

/* The diffuse light, which passes reflect by their diffuse colour (default white;
 * values above 1 are kept). Setting NULL changes nothing. */
KILN_API kiln_colour kiln_light_get_diffuse_colour(const kiln_light *self);
KILN_API void kiln_light_set_diffuse_colour(kiln_light *self, const kiln_colour *colour);

/* The specular light, which passes reflect by their specular colour (default black:
 * no highlights). Setting NULL changes nothing. */
KILN_API kiln_colour kiln_light_get_specular_colour(const kiln_light *self);
KILN_API void kiln_light_set_specular_colour(kiln_light *self, const kiln_colour *colour);

/* Position and direction relative to the light's node (defaults (0, 0, 0) and
 * (0, 0, -1)); the node's transform applies on top, as in the original engine. The
 * direction is kept as given: as in the original engine, a directional light's length
 * scales N.L (before it is clamped to 1); a spotlight's is normalised. */
KILN_API kiln_vector3 kiln_light_get_position(const kiln_light *self);
KILN_API void kiln_light_set_position(kiln_light *self, const kiln_vector3 *position);
KILN_API kiln_vector3 kiln_light_get_direction(const kiln_light *self);
KILN_API kiln_result kiln_light_set_direction(kiln_light *self, const kiln_vector3 *direction);

/* Point and spot attenuation: no light beyond range; within it the light is divided
 * by constant + linear * d + quadratic * d^2 (defaults 100000, 1, 0, 0). */
KILN_API kiln_result kiln_light_set_attenuation(kiln_light *self, float range, float constant,
                                                float linear, float quadratic);
KILN_API float kiln_light_get_attenuation_range(const kiln_light *self);
KILN_API float kiln_light_get_attenuation_constant(const kiln_light *self);
KILN_API float kiln_light_get_attenuation_linear(const kiln_light *self);
KILN_API float kiln_light_get_attenuation_quadratic(const kiln_light *self);

/* Spotlight cone: full light inside inner_angle, none outside outer_angle (both the
 * full cone angle in radians; defaults 30 and 40 degrees), falloff the exponent of
 * the transition (default 1).
 * Default: falloff = 1.0 */
KILN_API kiln_result kiln_light_set_spotlight_range(kiln_light *self, float inner_angle,
                                                    float outer_angle, float falloff);

/* The spotlight cone set by kiln_light_set_spotlight_range: the inner and outer full
 * cone angles in radians, and the falloff exponent. */
KILN_API float kiln_light_get_spotlight_inner_angle(const kiln_light *self);
KILN_API float kiln_light_get_spotlight_outer_angle(const kiln_light *self);
KILN_API float kiln_light_get_spotlight_falloff(const kiln_light *self);

/* Lights brighter than 1 are allowed; power scales diffuse and specular (default 1).
 * It must be finite and not negative. */
KILN_API float kiln_light_get_power_scale(const kiln_light *self);
KILN_API kiln_result kiln_light_set_power_scale(kiln_light *self, float power);

#endif
