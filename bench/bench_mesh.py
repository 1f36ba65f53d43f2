"""Frame time of a 250,000-triangle lit, textured mesh at 1280x720, with 1 and with 2
threads, beside a memcpy of the frame's bytes measured in the same run.

The mesh is a UV sphere of 500 x 250 quads (250,000 triangles, 125,751 vertices)
filling the whole view (the camera is 1.6 units from its surface), lit per vertex by a directional light, textured with a
256x256 checker (trilinear). Run: PYTHONPATH=build/python python3 bench/bench_mesh.py"""

import argparse
import math
import statistics
import time
import timeit

import numpy as np

import kiln
import kiln.numpy


def uv_sphere(segments=500, rings=250):
    theta = np.linspace(0, np.pi, rings + 1)
    phi = np.linspace(0, 2 * np.pi, segments + 1)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    normals = np.stack([np.sin(t) * np.cos(p), np.cos(t), -np.sin(t) * np.sin(p)], axis=-1).reshape(-1, 3)
    uvs = np.stack([p / (2 * np.pi) * 8, t / np.pi * 4], axis=-1).reshape(-1, 2)
    w = segments + 1
    i, j = np.meshgrid(np.arange(rings), np.arange(segments), indexing="ij")
    a = (i * w + j).ravel()
    quads = np.stack([a, a + w, a + 1, a + 1, a + w, a + w + 1], axis=-1)
    return normals.astype(np.float32), normals.astype(np.float32), uvs.astype(np.float32), quads.astype(np.uint32)


def scene(num_threads, width=1280, height=720):
    root = kiln.Root(num_threads=num_threads)
    sm = root.create_scene_manager()
    sm.ambient_light = (0.2, 0.2, 0.2)
    y, x = np.mgrid[0:256, 0:256]
    tex = np.zeros((256, 256, 3), np.uint8)
    tex[...] = np.where((((x // 32) + (y // 32)) % 2)[..., None] == 1, (230, 140, 40), (50, 110, 210))
    img = kiln.Image()
    img.load_dynamic_image(kiln.numpy.as_data_stream(tex), 256, 256, kiln.PF_BYTE_RGB)
    root.texture_manager.load_image("checker", "General", img)
    mat = root.material_manager.create("lit", "General")
    rpass = mat.techniques[0].passes[0]
    rpass.create_texture_unit_state("checker").texture_filtering = kiln.TFO_TRILINEAR
    positions, normals, uvs, indices = uv_sphere()
    mesh = root.mesh_manager.create_from_arrays("sphere", "General", positions, normals=normals,
                                                texture_coords=[uvs], indices=indices)
    assert mesh.triangle_count == 250_000
    entity = sm.create_entity("sphere", mesh)
    entity.material = mat
    sm.root_scene_node.create_child_scene_node().attach_object(entity)
    sun = sm.create_light("sun")
    sun.type = kiln.LT_DIRECTIONAL
    sun.direction = (-0.5, -0.6, -0.6)
    sm.root_scene_node.create_child_scene_node().attach_object(sun)
    cam = sm.create_camera("cam")
    cam.near_clip_distance = 0.1
    cam.far_clip_distance = 100
    cam.fov_y = math.radians(45)
    node = sm.root_scene_node.create_child_scene_node()
    node.attach_object(cam)
    node.position = (0, 0, 2.6)
    win = root.create_render_texture("win", width, height)
    win.add_viewport(cam).background_colour = (0.1, 0.1, 0.1)
    return root, win


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=15)
    args = parser.parse_args()
    src = np.ones(1280 * 720 * 4, np.uint8)
    dst = np.empty_like(src)
    t_memcpy = min(timeit.repeat(lambda: np.copyto(dst, src), repeat=7, number=50)) / 50
    print(f"250,000-triangle lit, textured sphere at 1280x720 (median of {args.frames} frames)")
    print(f"memcpy of the 3.5 MiB frame: {t_memcpy * 1e3:.3f} ms")
    results = {}
    for threads in (1, 2):
        root, win = scene(threads)
        root.render_one_frame()
        times = []
        for _ in range(args.frames):
            start = time.perf_counter()
            root.render_one_frame()
            times.append(time.perf_counter() - start)
        results[threads] = statistics.median(times)
        covered = np.isfinite(kiln.numpy.read_view_distance(win.viewports[0])).mean()
        print(f"  {threads} thread(s): {results[threads] * 1e3:.1f} ms  ({results[threads] / t_memcpy:.0f} memcpys; "
              f"{covered:.0%} of pixels covered)")
    print(f"  speed-up 2 vs 1 thread: {results[1] / results[2]:.2f}x")


if __name__ == "__main__":
    main()
