"""The NumPy tutorial (docs/working-with-numpy.md) as a program.

Builds a green gradient in NumPy, renders it on a screen-centred rectangle with Kiln's
CPU rasterizer and writes three pictures to the current directory (or the directory
given as the first argument): numpy_arr.png (the input), numpy_final.png (the render,
read back into engine memory and viewed as an array without copying) and final.png
(the render target written straight to a file)."""

import os
import sys

import matplotlib

matplotlib.use("Agg")  # headless: no display needed
from matplotlib import pyplot
import numpy as np

import kiln
import kiln.numpy


def main(out_dir="."):
    os.makedirs(out_dir, exist_ok=True)
    root = kiln.Root()
    scene = root.create_scene_manager()

    # [numpy_image]
    arr = np.zeros((256, 256, 3), dtype=np.uint8)
    arr[:, :, 1] = np.mgrid[0:256, 0:256][1]
    # [numpy_image]
    pyplot.imsave(os.path.join(out_dir, "numpy_arr.png"), arr)

    # [np_to_kiln]
    mem = kiln.numpy.as_data_stream(arr)
    img = kiln.Image()
    img.load_dynamic_image(mem, 256, 256, kiln.PF_BYTE_RGB)
    root.texture_manager.load_image("gradient", "General", img)
    # [np_to_kiln]

    # [apply_to_rect]
    mat = root.material_manager.create("gradient_mat", "General")
    rpass = mat.techniques[0].passes[0]
    rpass.lighting_enabled = False
    rpass.create_texture_unit_state("gradient")

    rect = kiln.Rectangle2D(True)
    rect.set_corners(-0.5, 0.5, 0.5, -0.5)
    rect.material = mat
    scene.root_scene_node.create_child_scene_node().attach_object(rect)
    # [apply_to_rect]

    cam = scene.create_camera("cam")
    win = root.create_render_texture("window", 1280, 1024)
    vp = win.add_viewport(cam)

    # [py_to_primitive]
    vp.background_colour = (0.3, 0.3, 0.3)
    # [py_to_primitive]

    root.render_one_frame()

    # [allocate_with_kiln]
    mem = kiln.MemoryDataStream(win.width * win.height * 3)
    pb = kiln.PixelBox(win.width, win.height, 1, kiln.PF_BYTE_RGB, mem)
    win.copy_contents_to_memory(pb, pb)
    # [allocate_with_kiln]

    # [zero_copy_view]
    pyplot.imsave(os.path.join(out_dir, "numpy_final.png"), kiln.numpy.view(pb))
    # [zero_copy_view]

    # [write_to_file]
    win.write_contents_to_file(os.path.join(out_dir, "final.png"))
    # [write_to_file]


if __name__ == "__main__":
    main(*sys.argv[1:2])
