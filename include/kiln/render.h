/* Root, render targets and viewports.
 *
 * The Root owns the render system (the CPU rasterizer by default: no display, no
 * GPU, no environment variables), the resource managers, the scene managers, the
 * render targets and the worker threads. Destroying it destroys all of them.
 * A Root may be used by one thread at a time. */
#ifndef KILN_RENDER_H
#define KILN_RENDER_H

#include "core.h"
#include "maths.h"
#include "pixel.h"
#include "resource.h"
#include "scene.h"
#include "geometry.h"

typedef struct kiln_root kiln_root;
typedef struct kiln_render_target kiln_render_target;
typedef struct kiln_viewport kiln_viewport;

typedef enum kiln_render_system_type {
    KILN_RENDER_SYSTEM_SOFTWARE = 0 /* the CPU rasterizer, the default */
} kiln_render_system_type;

/* The vector instructions the CPU rasterizer draws with. Every choice draws the same
 * bytes; a lower one is only slower. */
typedef enum kiln_simd {
    KILN_SIMD_AUTO = 0,   /* the best the processor has, or the KILN_SIMD environment
                             variable's choice (scalar, sse2 or avx2) */
    KILN_SIMD_SCALAR = 1, /* one pixel at a time */
    KILN_SIMD_SSE2 = 2,   /* four pixels at a time */
    KILN_SIMD_AVX2 = 3    /* eight pixels at a time, on processors that have AVX2 */
} kiln_simd;

/* Zero means default in every field. */
typedef struct kiln_root_desc {
    uint32_t num_threads;                  /* worker threads; 0: one per core */
    kiln_render_system_type render_system; /* KILN_RENDER_SYSTEM_SOFTWARE */
    kiln_simd simd;                        /* KILN_SIMD_AUTO; lowered to what the processor has */
} kiln_root_desc;

/* Zero means default in every field. */
typedef struct kiln_render_texture_desc {
    kiln_pixel_format format; /* KILN_PF_UNKNOWN: KILN_PF_BYTE_RGBA */
    /* Memory to render into (the target holds a reference): width x height pixels of
     * format, rows side by side from its first byte, where every frame lands with no
     * copy. It must be writable and large enough. NULL: memory of the engine's own. */
    kiln_stream *storage;
    /* Full-scene anti-aliasing, as the original engine's FSAA parameter: 0 or 1 for
     * none, or 2, 4 or 8 samples per pixel at the standard positions. Coverage and
     * depth are found at every sample and the colour, shaded once per pixel, is their
     * average; the depth read back and the extra buffers stay exact, the pixel
     * centre's. Each sample costs about a frame's rasterizing again. */
    uint32_t fsaa;
} kiln_render_texture_desc;

/* Buffers a render target can render besides its colour and depth (flags). */
typedef enum kiln_buffer_type {
    KILN_BUFFER_INSTANCE_ID = 1, /* each pixel's object's instance id */
    KILN_BUFFER_CLASS_ID = 2,    /* each pixel's object's class id */
    KILN_BUFFER_NORMAL = 4       /* each pixel's unit normal, in camera space */
} kiln_buffer_type;

/* Zero means default in every field; sizes are fractions of the target. */
typedef struct kiln_viewport_desc {
    int32_t z_order; /* viewports draw in increasing z-order */
    float left;
    float top;
    float width;  /* 0: 1 - left */
    float height; /* 0: 1 - top */
} kiln_viewport_desc;

/* desc may be NULL. The caller owns *out: destroy it with kiln_root_destroy. */
KILN_API kiln_result kiln_root_create(const kiln_root_desc *desc, kiln_root **out);

/* Destroys the root and everything it owns. Accepts NULL. */
KILN_API void kiln_root_destroy(kiln_root *self);

/* The threads that render: the calling thread plus the workers, as many as
 * kiln_root_desc.num_threads asked for (one per core when it was 0). */
KILN_API uint32_t kiln_root_get_num_threads(const kiln_root *self);

/* The vector instructions the CPU rasterizer uses: kiln_root_desc.simd, lowered to
 * what the processor has (KILN_SIMD_AUTO resolved). */
KILN_API kiln_simd kiln_root_get_simd(const kiln_root *self);

/* "Software Rasterizer" for the CPU render system. */
KILN_API const char *kiln_root_get_render_system_name(const kiln_root *self);

/* The managers (borrowed; they live as long as the root). */
KILN_API kiln_texture_manager *kiln_root_get_texture_manager(kiln_root *self);
KILN_API kiln_material_manager *kiln_root_get_material_manager(kiln_root *self);

/* A new scene manager owned by the root (borrowed). */
KILN_API kiln_result kiln_root_create_scene_manager(kiln_root *self, kiln_scene_manager **out);

/* An offscreen colour + depth target owned by the root (borrowed). desc may be
 * NULL. Fails on a zero or too large size, a taken name, or a format that cannot
 * be rendered to (depth formats). */
KILN_API kiln_result kiln_root_create_render_texture(kiln_root *self, const char *name,
                                                     uint32_t width, uint32_t height,
                                                     const kiln_render_texture_desc *desc,
                                                     kiln_render_target **out);

/* The render target named `name` (borrowed); KILN_ERROR_NOT_FOUND names an unknown
 * one. */
KILN_API kiln_result kiln_root_get_render_target(kiln_root *self, const char *name,
                                                 kiln_render_target **out);

/* Destroys a render target of the root and its viewports (which release their
 * cameras); the pointers to them are invalid afterwards, and the name is free again.
 * Memory of its colour buffer handed out before (a view of it, a caller's array it
 * rendered into) stays valid. KILN_ERROR_INVALID_ARGUMENT for a target of another
 * root. */
KILN_API kiln_result kiln_root_destroy_render_target(kiln_root *self, kiln_render_target *target);

/* Updates every render target. */
KILN_API kiln_result kiln_root_render_one_frame(kiln_root *self);

/* The name the target was created with; the string belongs to the target and lives
 * as long as the root. */
KILN_API const char *kiln_render_target_get_name(const kiln_render_target *self);

/* The size in pixels, as created. */
KILN_API uint32_t kiln_render_target_get_width(const kiln_render_target *self);
KILN_API uint32_t kiln_render_target_get_height(const kiln_render_target *self);

/* The format of the colour buffer (kiln_render_texture_desc.format; KILN_PF_BYTE_RGBA
 * by default). */
KILN_API kiln_pixel_format kiln_render_target_get_format(const kiln_render_target *self);

/* Samples per pixel (kiln_render_texture_desc.fsaa): 1 without anti-aliasing. */
KILN_API uint32_t kiln_render_target_get_fsaa(const kiln_render_target *self);

/* Frames rendered into this target so far. */
KILN_API uint64_t kiln_render_target_get_frame_count(const kiln_render_target *self);

/* A viewport of camera onto this target (borrowed; it lives as long as the
 * target). desc may be NULL. Sets the camera's auto aspect ratio from the
 * viewport's size. Fails if the z-order is taken on this target. */
KILN_API kiln_result kiln_render_target_add_viewport(kiln_render_target *self, kiln_camera *camera,
                                                     const kiln_viewport_desc *desc,
                                                     kiln_viewport **out);

/* The target's viewports, in the order they were added (borrowed). */
KILN_API uint32_t kiln_render_target_get_num_viewports(const kiln_render_target *self);
KILN_API kiln_result kiln_render_target_get_viewport(const kiln_render_target *self, uint32_t index,
                                                     kiln_viewport **out);

/* Renders every viewport of the target, in z-order. */
KILN_API kiln_result kiln_render_target_update(kiln_render_target *self);

/* The buffers the target renders with every update besides its colour and depth: a
 * combination of kiln_buffer_type (default 0, none). Each is a render of the scene of
 * its own (its cost is a frame's geometry again), with its own depth, so that what it
 * records is exact: ids are never blended, filtered or mixed, and materials that blend
 * are left out of them (a blending surface's pixels record what lies under it).
 * KILN_ERROR_INVALID_ARGUMENT for other bits. */
KILN_API uint32_t kiln_render_target_get_extra_buffers(const kiln_render_target *self);
KILN_API kiln_result kiln_render_target_set_extra_buffers(kiln_render_target *self,
                                                          uint32_t buffers);

/* An extra buffer of the last update, as a PixelBox over its memory (the caller owns
 * it; it keeps the memory alive): ids as PF_BYTE_RGBA pixels whose four bytes are the
 * id as a little-endian uint32 (0 where nothing was drawn); normals as PF_FLOAT32_RGBA
 * pixels (n + 1) / 2 with alpha 1 where something was drawn, 0 elsewhere (n is the
 * interpolated camera-space normal; normalise it). KILN_ERROR_INVALID_STATE when the
 * buffer is not enabled or no update has rendered it since it was. */
KILN_API kiln_result kiln_render_target_get_extra_buffer(kiln_render_target *self,
                                                         kiln_buffer_type buffer,
                                                         kiln_pixelbox **out);

/* Batches: count frames in one call, frame i read into slice i of frames (a PixelBox
 * of at least width x height x count pixels in any colour format, such as one over
 * an (N, H, W, C) array), as copy_contents_to_memory would. update_poses renders
 * frame i with the node of the first viewport's camera at positions[i] and
 * orientations[i] (in its parent's space; either array may be NULL to keep that part
 * of the pose), and gives the node its pose back afterwards; update_cameras renders
 * frame i through the first viewport with cameras[i], and gives the viewport its
 * camera back afterwards. Bad arguments fail before anything is rendered, naming
 * them (a pose that is not finite names its index). */
KILN_API kiln_result kiln_render_target_update_poses(kiln_render_target *self,
                                                     const kiln_vector3 *positions,
                                                     const kiln_quaternion *orientations,
                                                     uint32_t count, kiln_pixelbox *frames);
KILN_API kiln_result kiln_render_target_update_cameras(kiln_render_target *self,
                                                       kiln_camera *const *cameras, uint32_t count,
                                                       kiln_pixelbox *frames);

/* Copies the pixels of src (a box inside the target) into dst, converting to dst's
 * format and pitches. Fails if src leaves the target, if dst's extent is smaller
 * than src, or if dst's format is a depth format. */
KILN_API kiln_result kiln_render_target_copy_contents_to_memory(kiln_render_target *self,
                                                                const kiln_box *src,
                                                                kiln_pixelbox *dst);

/* The target's colour buffer itself, as a PixelBox over its memory in the target's
 * format (no copy): after each update it holds the frame. The caller owns the
 * reference in *out; it keeps the memory alive after the target is gone. */
KILN_API kiln_result kiln_render_target_get_pixel_box(kiln_render_target *self,
                                                      kiln_pixelbox **out);

/* Writes the target as a PNG file (8-bit RGB, or RGBA for formats with alpha). */
KILN_API kiln_result kiln_render_target_write_contents_to_file(kiln_render_target *self,
                                                               const char *path);

/* The colour the viewport clears to at the start of each frame (default opaque
 * black). Setting NULL changes nothing; a colour that is not finite is refused. */
KILN_API kiln_colour kiln_viewport_get_background_colour(const kiln_viewport *self);
KILN_API kiln_result kiln_viewport_set_background_colour(kiln_viewport *self,
                                                         const kiln_colour *colour);

/* Whether the viewport clears its clear buffers at the start of each frame (default
 * true); when false, each frame draws over the last. */
KILN_API bool kiln_viewport_get_clear_every_frame(const kiln_viewport *self);
KILN_API void kiln_viewport_set_clear_every_frame(kiln_viewport *self, bool clear);

/* The camera (the caller owns the reference in *out) and its replacement. */
KILN_API kiln_result kiln_viewport_get_camera(const kiln_viewport *self, kiln_camera **out);
KILN_API kiln_result kiln_viewport_set_camera(kiln_viewport *self, kiln_camera *camera);

/* The z-order the viewport was added with: viewports draw in increasing z-order. */
KILN_API int32_t kiln_viewport_get_z_order(const kiln_viewport *self);

/* The viewport's rectangle in pixels. */
KILN_API int32_t kiln_viewport_get_actual_left(const kiln_viewport *self);
KILN_API int32_t kiln_viewport_get_actual_top(const kiln_viewport *self);
KILN_API int32_t kiln_viewport_get_actual_width(const kiln_viewport *self);
KILN_API int32_t kiln_viewport_get_actual_height(const kiln_viewport *self);

typedef enum kiln_frame_buffer_type {
    KILN_FBT_COLOUR = 1,
    KILN_FBT_DEPTH = 2,
    KILN_FBT_STENCIL = 4
} kiln_frame_buffer_type;

/* The Root's mesh manager (borrowed). */
KILN_API kiln_mesh_manager *kiln_root_get_mesh_manager(kiln_root *self);

/* Copies the depth buffer's values (window depth in [0, 1], 1 where nothing was
 * drawn) of src into dst, which must have a one-channel float or depth format
 * (PF_FLOAT32_R, PF_DEPTH32F, PF_DEPTH16, PF_FLOAT16_R). */
KILN_API kiln_result kiln_render_target_copy_depth_to_memory(kiln_render_target *self,
                                                             const kiln_box *src,
                                                             kiln_pixelbox *dst);

/* Which buffers the viewport clears at the start of each frame (a combination of
 * kiln_frame_buffer_type; default colour and depth). */
KILN_API uint32_t kiln_viewport_get_clear_buffers(const kiln_viewport *self);
KILN_API kiln_result kiln_viewport_set_clear_buffers(kiln_viewport *self, uint32_t buffers);

/* Copies, for the pixels of src inside this viewport (target coordinates), the
 * distance from the camera plane to what was drawn along the camera's view axis
 * (positive, in world units; +inf where nothing was drawn), as float32, into dst
 * (PF_FLOAT32_R). Computed from the depth buffer and this viewport's camera. */
KILN_API kiln_result kiln_viewport_copy_view_distance_to_memory(kiln_viewport *self,
                                                                const kiln_box *src,
                                                                kiln_pixelbox *dst);

#endif
