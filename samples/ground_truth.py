"""Ground truth for vision: one small scene of several objects rendered with colour,
instance ids, class ids, normals, view distance and the point cloud of its depth.

Loads samples/media/torus_knot.obj twice (through assimp; once with the file's own
material, once with one of ours) and
adds a sphere and a floor made from NumPy arrays; gives each a class; places the camera
by a pinhole's intrinsics K and an OpenCV camera-to-world pose; renders 320x240 on the
CPU; and reads every buffer back into NumPy. Writes ground_truth.png (the six panels) to
the current directory or to the directory given as the first argument."""

import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot
import numpy as np

import kiln
import kiln.numpy

MEDIA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "media")
WIDTH, HEIGHT = 320, 240
K = np.array([[300.0, 0.0, 165.0], [0.0, 300.0, 118.0], [0.0, 0.0, 1.0]])


def sphere(n=48):
    t, p = np.meshgrid(np.linspace(0, np.pi, n), np.linspace(0, 2 * np.pi, n), indexing="ij")
    normals = np.stack([np.sin(t) * np.cos(p), np.cos(t), np.sin(t) * np.sin(p)], -1).reshape(-1, 3)
    i, j = np.meshgrid(np.arange(n - 1), np.arange(n - 1), indexing="ij")
    a = (i * n + j).ravel()
    tris = np.stack([np.stack([a, a + 1, a + n], 1), np.stack([a + 1, a + n + 1, a + n], 1)], 1)
    return normals.astype(np.float32), tris.reshape(-1).astype(np.uint32)


def build():
    root = kiln.Root()
    scene = root.create_scene_manager()
    scene.ambient_light = (0.25, 0.25, 0.3)
    sun = scene.create_light("sun")
    sun.type = kiln.LT_DIRECTIONAL
    sun.direction = (-0.4, -1.0, -0.6)
    scene.root_scene_node.create_child_scene_node().attach_object(sun)

    knot = root.mesh_manager.load("knot", "General", os.path.join(MEDIA, "torus_knot.obj"))
    positions, tris = sphere()
    ball = root.mesh_manager.create_from_arrays("ball", "General", positions, normals=positions, indices=tris)
    floor = root.mesh_manager.create_from_arrays(
        "floor", "General", np.array([[-4, 0, -4], [-4, 0, 4], [4, 0, 4], [4, 0, -4]], np.float32),
        normals=np.tile(np.array([0, 1, 0], np.float32), (4, 1)), indices=np.array([0, 1, 2, 0, 2, 3], np.uint32))
    materials = {}
    for name, colour in (("red", (0.9, 0.2, 0.15)), ("grey", (0.6, 0.6, 0.6)), ("gold", (0.9, 0.7, 0.2))):
        mat = root.material_manager.create(name, "General")
        rpass = mat.techniques[0].passes[0]
        rpass.lighting_enabled = True
        rpass.diffuse = colour + (1.0,)
        rpass.ambient = colour + (1.0,)
        materials[name] = mat

    # (mesh, material or None for the file's own, class, position, scale)
    objects = [(knot, "gold", 1, (-1.5, 0.9, -0.3), 0.5), (knot, None, 1, (1.6, 0.8, -1.2), 0.45),
               (ball, "red", 2, (0.1, 0.5, 1.0), 0.5), (floor, "grey", 3, (0.0, 0.0, 0.0), 1.0)]
    for i, (mesh, material, class_id, position, scale) in enumerate(objects):
        entity = scene.create_entity(f"object{i}", mesh)
        if material:
            entity.material = materials[material]
        entity.class_id = class_id
        node = scene.root_scene_node.create_child_scene_node()
        node.attach_object(entity)
        node.position = position
        node.scale = (scale, scale, scale)
        node.yaw(0.7 * i)

    camera = scene.create_camera("camera")
    camera.near_clip_distance = 0.1
    camera.far_clip_distance = 50.0
    camera.set_intrinsics(K, WIDTH, HEIGHT)
    cam_node = scene.root_scene_node.create_child_scene_node()
    cam_node.attach_object(camera)
    # OpenCV's axes: X right, Y down, Z forward; a camera 5 units back, 2 up, looking
    # down at the scene's centre.
    eye, centre = np.array([0.0, 2.2, 5.0]), np.array([0.0, 0.6, 0.0])
    forward = (centre - eye) / np.linalg.norm(centre - eye)
    right = np.cross(forward, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    pose = np.eye(4)
    pose[:3, 0], pose[:3, 1], pose[:3, 2], pose[:3, 3] = right, down, forward, eye
    cam_node.set_world_pose(pose, kiln.AXES_OPENCV)

    target = root.create_render_texture("frame", WIDTH, HEIGHT, kiln.PF_BYTE_RGB)
    target.add_viewport(camera).background_colour = (0.55, 0.65, 0.8)
    target.extra_buffers = kiln.BUFFER_INSTANCE_ID | kiln.BUFFER_CLASS_ID | kiln.BUFFER_NORMAL
    return root, target


def main(out_dir="."):
    root, target = build()
    target.update()
    colour = target.read()
    ids = target.read(buffer="instance_id")
    classes = target.read(buffer="class_id")
    normals = target.read(buffer="normal")
    distance = kiln.numpy.read_view_distance(target.viewports[0])
    points = kiln.numpy.depth_to_points(target, space="world")

    fig = pyplot.figure(figsize=(12, 6.6))
    panels = [("colour", colour, {}),
              ("instance id", np.ma.masked_equal(ids, 0) % 10, {"cmap": "tab10", "interpolation": "nearest"}),
              ("class id", np.ma.masked_equal(classes, 0), {"cmap": "viridis", "interpolation": "nearest"}),
              ("normal (camera space)", np.nan_to_num((normals + 1) / 2, nan=1.0), {}),
              ("view distance", np.where(np.isfinite(distance), distance, np.nan), {"cmap": "magma_r"})]
    for i, (title, image, options) in enumerate(panels):
        ax = fig.add_subplot(2, 3, i + 1)
        ax.imshow(image, **options)
        ax.set_title(title)
        ax.axis("off")
    ax = fig.add_subplot(2, 3, 6, projection="3d")
    p = points[::3, ::3].reshape(-1, 3)
    keep = ~np.isnan(p[:, 0])
    ax.scatter(p[keep, 0], p[keep, 2], p[keep, 1], c=colour[::3, ::3].reshape(-1, 3)[keep] / 255.0, s=1)
    ax.set_title("points from depth (world)")
    ax.set_xlabel("x")
    ax.set_ylabel("z")
    ax.set_zlabel("y")
    fig.tight_layout()
    path = os.path.join(out_dir, "ground_truth.png")
    fig.savefig(path, dpi=80)
    found = sorted(int(c) for c in np.unique(classes))
    print(f"wrote {path}: {len(np.unique(ids)) - 1} objects in view, classes {found}, "
          f"{int(keep.sum())} points")
    return colour, ids, classes, normals, distance, points


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
