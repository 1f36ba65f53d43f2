"""The heavy scene of the benchmark suite, defined once for every engine that draws it.

A UV sphere of radius 1 from a 354 x 354 grid of vertices (theta in [0, pi] down the
rows, phi in [0, 2 pi] along them; position = normal = (sin t cos p, cos t, sin t sin p);
uv = (8 p / 2 pi, 4 t / pi)), two triangles per grid cell, (a, c, b) and (b, c, d) with
a = i * 354 + j, b = a + 1, c = a + 354, d = c + 1: 249,218 triangles. Lit (diffuse
(1, 1, 1), specular (0.5, 0.5, 0.5), shininess 32) and textured with a mipmapped 256x256
checker of 16-pixel squares, (40, 235, 93) at the top-left and (240, 135, 160), default
filtering. Scene ambient 0.2, a directional light along (-1, -1, -1) and a point light
of diffuse (1, 0.8, 0.6) at (2, 2, 3); the lights keep the engines' default specular
colour. A camera at (0, 0, 3.2) looking down -Z (near 0.1, far 100, the engines' default
vertical field of view of 45 degrees, automatic aspect ratio) over a (0.1, 0.1, 0.15)
background, drawn into a 1280x720 PF_BYTE_RGB render texture. Every frame yaws the
camera's node by 0.01 rad, renders, and reads the picture back into NumPy.

This module needs only NumPy, so both the project's Python (Kiln, moderngl) and Debian's
/usr/bin/python3 (the original engine) import it; kiln_scene() imports Kiln when called.
Run bench/bench_heavy.py to measure it."""

import math

import numpy as np

GRID = 354
TRIANGLES = 2 * (GRID - 1) * (GRID - 1)  # 249,218
WIDTH, HEIGHT = 1280, 720
AMBIENT = (0.2, 0.2, 0.2)
DIFFUSE = (1.0, 1.0, 1.0)
SPECULAR = (0.5, 0.5, 0.5)
SHININESS = 32.0
SUN_DIRECTION = (-1.0, -1.0, -1.0)
LAMP_DIFFUSE = (1.0, 0.8, 0.6)
LAMP_POSITION = (2.0, 2.0, 3.0)
# Both engines' defaults for what the scene leaves unsaid: lights give white diffuse and
# black specular light, a point light is not attenuated within 100000 units.
LIGHT_SPECULAR = (0.0, 0.0, 0.0)
LAMP_ATTENUATION = (100000.0, 1.0, 0.0, 0.0)
CAMERA_POSITION = (0.0, 0.0, 3.2)
FOV_Y = math.pi / 4
NEAR, FAR = 0.1, 100.0
BACKGROUND = (0.1, 0.1, 0.15)
YAW_PER_FRAME = 0.01
CHECKER = ((40, 235, 93), (240, 135, 160))
CHECKER_SIZE, CHECKER_SQUARE = 256, 16


def sphere():
    """(positions, normals, uvs, indices): float32 (354*354, 3), (n, 3), (n, 2) and
    uint32 (249218, 3)."""
    theta = np.linspace(0.0, np.pi, GRID)
    phi = np.linspace(0.0, 2.0 * np.pi, GRID)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    positions = np.stack([np.sin(t) * np.cos(p), np.cos(t), np.sin(t) * np.sin(p)], axis=-1).reshape(-1, 3)
    uvs = np.stack([8.0 * p / (2.0 * np.pi), 4.0 * t / np.pi], axis=-1).reshape(-1, 2)
    i, j = np.meshgrid(np.arange(GRID - 1), np.arange(GRID - 1), indexing="ij")
    a = (i * GRID + j).ravel()
    b, c = a + 1, a + GRID
    d = c + 1
    indices = np.stack([a, c, b, b, c, d], axis=-1).reshape(-1, 3)
    positions = positions.astype(np.float32)
    return positions, positions.copy(), uvs.astype(np.float32), indices.astype(np.uint32)


def checker():
    """The 256x256 RGB texture, row 0 at the top (v = 0)."""
    y, x = np.mgrid[0:CHECKER_SIZE, 0:CHECKER_SIZE]
    odd = ((x // CHECKER_SQUARE + y // CHECKER_SQUARE) % 2).astype(bool)
    return np.where(odd[..., None], np.uint8(CHECKER[1]), np.uint8(CHECKER[0])).astype(np.uint8)


def kiln_scene(num_threads, fsaa=0):
    """The scene in Kiln: (root, target, camera node)."""
    import kiln
    import kiln.numpy

    root = kiln.Root(num_threads=num_threads)
    sm = root.create_scene_manager()
    sm.ambient_light = AMBIENT
    tex = checker()
    img = kiln.Image()
    img.load_dynamic_image(kiln.numpy.as_data_stream(tex), CHECKER_SIZE, CHECKER_SIZE, kiln.PF_BYTE_RGB)
    root.texture_manager.load_image("checker", "General", img)  # with its full mipmap chain
    mat = root.material_manager.create("lit", "General")
    rpass = mat.techniques[0].passes[0]
    rpass.lighting_enabled = True
    rpass.diffuse = DIFFUSE
    rpass.specular = SPECULAR
    rpass.shininess = SHININESS
    rpass.create_texture_unit_state("checker")
    positions, normals, uvs, indices = sphere()
    mesh = root.mesh_manager.create_from_arrays("sphere", "General", positions, normals=normals,
                                                texture_coords=[uvs], indices=indices)
    if mesh.triangle_count != TRIANGLES:
        raise RuntimeError(f"the sphere has {mesh.triangle_count} triangles, not {TRIANGLES}")
    entity = sm.create_entity("sphere", mesh)
    entity.material = mat
    sm.root_scene_node.create_child_scene_node().attach_object(entity)
    sun = sm.create_light("sun")
    sun.type = kiln.LT_DIRECTIONAL
    sun.direction = SUN_DIRECTION
    sm.root_scene_node.create_child_scene_node().attach_object(sun)
    lamp = sm.create_light("lamp")
    lamp.type = kiln.LT_POINT
    lamp.diffuse_colour = LAMP_DIFFUSE
    lamp_node = sm.root_scene_node.create_child_scene_node()
    lamp_node.attach_object(lamp)
    lamp_node.position = LAMP_POSITION
    cam = sm.create_camera("cam")
    cam.near_clip_distance = NEAR
    cam.far_clip_distance = FAR
    cam.auto_aspect_ratio = True
    cam_node = sm.root_scene_node.create_child_scene_node()
    cam_node.attach_object(cam)
    cam_node.position = CAMERA_POSITION
    win = root.create_render_texture("win", WIDTH, HEIGHT, kiln.PF_BYTE_RGB, fsaa=fsaa)
    win.add_viewport(cam).background_colour = BACKGROUND
    return root, win, cam_node
