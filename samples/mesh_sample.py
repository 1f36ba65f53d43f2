"""A lit, textured mesh loaded from a file, rendered with colour and depth into NumPy.

Loads samples/media/torus_knot.obj (through assimp) and checker.png, lights the knot
with a directional and a point light, renders it at 640x480 on the CPU and reads back
the colour and the view-space distance of every pixel as NumPy arrays, without copying
them out of engine memory. Writes mesh_colour_depth.png (the two side by side) to the
current directory or to the directory given as the first argument."""

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


def render(width=640, height=480):
    root = kiln.Root()
    scene = root.create_scene_manager()
    scene.ambient_light = (0.15, 0.15, 0.18)

    img = kiln.Image()
    img.load(os.path.join(MEDIA, "checker.png"))
    root.texture_manager.load_image("checker", "General", img)

    mat = root.material_manager.create("knot", "General")
    rpass = mat.techniques[0].passes[0]
    rpass.diffuse = (1, 1, 1)
    rpass.ambient = (1, 1, 1)
    rpass.specular = (0.6, 0.6, 0.6)
    rpass.shininess = 48
    tus = rpass.create_texture_unit_state("checker")
    tus.texture_filtering = kiln.TFO_TRILINEAR

    mesh = root.mesh_manager.load("knot", "General", os.path.join(MEDIA, "torus_knot.obj"))
    knot = scene.create_entity("knot", mesh)
    knot.material = mat
    knot_node = scene.root_scene_node.create_child_scene_node()
    knot_node.attach_object(knot)
    knot_node.pitch(math.radians(-30))

    sun = scene.create_light("sun")
    sun.type = kiln.LT_DIRECTIONAL
    sun.direction = (-0.4, -0.7, -0.6)
    sun.diffuse_colour = (0.9, 0.85, 0.8)
    sun.specular_colour = (1, 1, 1)
    scene.root_scene_node.create_child_scene_node().attach_object(sun)

    lamp = scene.create_light("lamp")
    lamp.diffuse_colour = (0.3, 0.4, 0.9)
    lamp.set_attenuation(20, 1, 0.1, 0)
    lamp_node = scene.root_scene_node.create_child_scene_node()
    lamp_node.position = (-3, -1, 2)
    lamp_node.attach_object(lamp)

    cam = scene.create_camera("cam")
    cam.near_clip_distance = 0.5
    cam.far_clip_distance = 50
    cam.fov_y = math.radians(40)
    cam_node = scene.root_scene_node.create_child_scene_node()
    cam_node.attach_object(cam)
    cam_node.position = (0, 1.2, 6.5)
    cam_node.look_at((0, 0, 0), kiln.TS_WORLD)

    win = root.create_render_texture("window", width, height)
    vp = win.add_viewport(cam)
    vp.background_colour = (0.08, 0.08, 0.1)
    root.render_one_frame()

    colour = kiln.numpy.read_pixels(win)          # (h, w, 3) uint8, engine memory
    distance = kiln.numpy.read_view_distance(vp)  # (h, w) float32, +inf on the background
    return colour, distance


def main(out_dir="."):
    colour, distance = render()
    fig, (left, right) = pyplot.subplots(1, 2, figsize=(12.8, 4.8), dpi=100)
    left.imshow(colour)
    left.set_title("colour")
    shown = np.where(np.isfinite(distance), distance, np.nan)
    im = right.imshow(shown, cmap="viridis")
    right.set_title("view-space distance")
    fig.colorbar(im, ax=right, fraction=0.046, pad=0.04, label="world units")
    for ax in (left, right):
        ax.set_axis_off()
    fig.tight_layout()
    os.makedirs(out_dir, exist_ok=True)
    fig.savefig(os.path.join(out_dir, "mesh_colour_depth.png"))


if __name__ == "__main__":
    main(*sys.argv[1:2])
