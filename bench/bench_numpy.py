"""Benchmarks of the NumPy bridge and of moving pixels, each beside NumPy doing the same
in the same run.

- The memory-bandwidth floor of the 1280x1024 tutorial frame: a NumPy fill of a
  1280x1024x4 uint8 array (the frame's working colour) plus a copy of a 1280x1024x3
  uint8 array (its read back), in ms and fps.
- kiln.numpy.as_data_stream of a 256x256x3 (192 KiB) and a 4096x4096x4 (64 MiB) uint8
  array, beside NumPy's copy of the same array (np.array(arr, copy=True)).
- copy_contents_to_memory of a 1280x1024 PF_BYTE_RGB target (the tutorial scene) into a
  PF_BYTE_RGB PixelBox, and format conversions of 1280x1024 pixels with
  kiln.pixel_convert_pixels (BYTE_RGBA -> BYTE_RGB, BYTE_RGB -> FLOAT32_RGB), beside
  np.copyto of as many bytes as they write (and, for the conversions, NumPy converting
  the same pixels itself).
- kiln.numpy.view of a 4x4 PF_BYTE_RGB PixelBox and of a 4096x4096 PF_BYTE_RGBA one
  (64 MiB), in microseconds, beside np.asarray of an existing array.

Throughputs are in GiB/s (2^30 bytes) of the bytes written; every figure is the median
of 21 repeats of a batch of calls (the machines are shared and noisy); `as_data_stream` and
NumPy's copy of the same array take their batches in turn.

Run: PYTHONPATH=build/python python3 bench/bench_numpy.py [--json out.json]
(bench/bench_tutorial.py measures the tutorial's frame, which tutorial_scene() builds.)"""

import argparse
import json
import statistics
import sys
import timeit
from pathlib import Path

import numpy as np

import kiln
import kiln.numpy

GIB = float(1 << 30)
REPEAT = 21


def median_call(fn, min_seconds=0.02):
    """Median seconds of one call of fn, over REPEAT batches of calls lasting about min_seconds."""
    fn()
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(1, int(number * min_seconds / 0.2))
    return statistics.median(timer.repeat(repeat=REPEAT, number=number)) / number


def paired_median_calls(fn_a, fn_b, min_seconds=0.02):
    """median_call of fn_a and of fn_b, their batches in turn, so that a slow moment of
    the machine falls on both."""
    timers, numbers = [], []
    for fn in (fn_a, fn_b):
        fn()
        timer = timeit.Timer(fn)
        number, _ = timer.autorange()
        timers.append(timer)
        numbers.append(max(1, int(number * min_seconds / 0.2)))
    times = ([], [])
    for _ in range(REPEAT):
        for timer, number, out in zip(timers, numbers, times):
            out.append(timer.timeit(number=number) / number)
    return statistics.median(times[0]), statistics.median(times[1])


def tutorial_scene(num_threads, width, height, simd=0):
    """The tutorial's scene: (root, PF_BYTE_RGB render texture of width x height)."""
    root = kiln.Root(num_threads=num_threads, simd=simd)
    scene = root.create_scene_manager()
    arr = np.zeros((256, 256, 3), dtype=np.uint8)
    arr[:, :, 1] = np.mgrid[0:256, 0:256][1]
    img = kiln.Image()
    img.load_dynamic_image(kiln.numpy.as_data_stream(arr), 256, 256, kiln.PF_BYTE_RGB)
    root.texture_manager.load_image("gradient", "General", img)
    mat = root.material_manager.create("gradient_mat", "General")
    rpass = mat.techniques[0].passes[0]
    rpass.lighting_enabled = False
    rpass.create_texture_unit_state("gradient")
    rect = kiln.Rectangle2D(True)
    rect.set_corners(-0.5, 0.5, 0.5, -0.5)
    rect.material = mat
    scene.root_scene_node.create_child_scene_node().attach_object(rect)
    win = root.create_render_texture("window", width, height, kiln.PF_BYTE_RGB)
    vp = win.add_viewport(scene.create_camera("cam"))
    vp.background_colour = (0.3, 0.3, 0.3)
    return root, win


def numpy_copy(nbytes):
    """Seconds of np.copyto between two existing arrays of nbytes."""
    src = np.ones(nbytes, np.uint8)
    dst = np.empty_like(src)
    return median_call(lambda: np.copyto(dst, src))


def bench_floor():
    colour = np.empty((1024, 1280, 4), np.uint8)
    src = np.ones((1024, 1280, 3), np.uint8)
    dst = np.empty_like(src)

    def frame():
        colour.fill(77)
        np.copyto(dst, src)

    return {"seconds": median_call(frame), "bytes": colour.nbytes + dst.nbytes}


def bench_as_data_stream(shape):
    arr = (np.arange(int(np.prod(shape))) % 251).astype(np.uint8).reshape(shape)
    t_kiln, t_numpy = paired_median_calls(lambda: kiln.numpy.as_data_stream(arr),
                                          lambda: np.array(arr, copy=True))
    return {"shape": list(shape), "bytes": arr.nbytes, "kiln": t_kiln, "numpy": t_numpy}


def bench_copy_contents():
    root, win = tutorial_scene(0, 1280, 1024)
    win.update()
    pb = kiln.PixelBox(1280, 1024, 1, kiln.PF_BYTE_RGB, kiln.MemoryDataStream(1280 * 1024 * 3))
    nbytes = 1280 * 1024 * 3
    return {"bytes": nbytes, "kiln": median_call(lambda: win.copy_contents_to_memory(pb, pb)),
            "numpy": numpy_copy(nbytes)}


def bench_conversions():
    n = 1280 * 1024
    rgba = (np.arange(n * 4) % 251).astype(np.uint8).reshape(1024, 1280, 4)
    rgb = np.ascontiguousarray(rgba[..., :3])
    rgb_out = np.empty_like(rgb)
    float_out = np.empty((1024, 1280, 3), np.float32)
    scale = np.float32(1.0 / 255.0)
    out = {}
    cases = (
        ("BYTE_RGBA -> BYTE_RGB", rgba, kiln.PF_BYTE_RGBA, rgb_out, kiln.PF_BYTE_RGB,
         lambda: np.copyto(rgb_out, rgba[..., :3])),
        ("BYTE_RGB -> FLOAT32_RGB", rgb, kiln.PF_BYTE_RGB, float_out, kiln.PF_FLOAT32_RGB,
         lambda: np.multiply(rgb, scale, out=float_out)),
    )
    for name, src, src_fmt, dst, dst_fmt, numpy_convert in cases:
        t_kiln = median_call(lambda: kiln.pixel_convert_pixels(src, src_fmt, dst, dst_fmt, n))
        out[name] = {"bytes": dst.nbytes, "source_bytes": src.nbytes, "kiln": t_kiln,
                     "numpy": numpy_copy(dst.nbytes), "numpy_convert": median_call(numpy_convert)}
    return out


def bench_view():
    small = kiln.PixelBox(4, 4, 1, kiln.PF_BYTE_RGB)
    large = kiln.PixelBox(4096, 4096, 1, kiln.PF_BYTE_RGBA)
    arr = np.zeros((4, 4, 3), np.uint8)
    return {"small": {"what": "4x4 PF_BYTE_RGB (48 B)", "seconds": median_call(lambda: kiln.numpy.view(small))},
            "large": {"what": "4096x4096 PF_BYTE_RGBA (64 MiB)",
                      "seconds": median_call(lambda: kiln.numpy.view(large))},
            "asarray": median_call(lambda: np.asarray(arr))}


BATCH_FRAMES, BATCH_SIZE = 32, (320, 240)


def cube_scene(width, height):
    """A cube of vertex colours seen from a camera on a node: (root, target, node)."""
    root = kiln.Root()
    scene = root.create_scene_manager()
    corners = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], np.float32)
    faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    indices = np.array([[a, b, c, a, c, d] for a, b, c, d in faces], np.uint32)
    mesh = root.mesh_manager.create_from_arrays("cube", "General", corners, colours=corners * 0.5 + 0.5,
                                                indices=indices)
    mat = root.material_manager.create("flat", "General")
    rpass = mat.techniques[0].passes[0]
    rpass.lighting_enabled = False
    rpass.vertex_colour_tracking = kiln.TVC_DIFFUSE
    rpass.culling_mode = kiln.CULL_NONE
    entity = scene.create_entity("cube", mesh)
    entity.material = mat
    scene.root_scene_node.create_child_scene_node().attach_object(entity)
    cam = scene.create_camera("cam")
    cam.near_clip_distance = 0.1
    node = scene.root_scene_node.create_child_scene_node()
    node.attach_object(cam)
    target = root.create_render_texture("t", width, height, kiln.PF_BYTE_RGB)
    target.add_viewport(cam).background_colour = (0.3, 0.3, 0.3)
    return root, target, node


def bench_batch():
    """BATCH_FRAMES poses of a camera rendered into one (N, h, w, 3) array by one
    update_poses call, beside as many frames rendered one by one from Python (move the
    node, update, read into the array's slice), their batches in turn."""
    width, height = BATCH_SIZE
    root, target, node = cube_scene(width, height)
    angles = np.linspace(0, 2 * np.pi, BATCH_FRAMES, endpoint=False)
    positions = np.stack([4 * np.sin(angles), np.full_like(angles, 1.5), 4 * np.cos(angles)], 1).astype(np.float32)
    orientations = np.stack([np.cos(angles / 2), np.zeros_like(angles), np.sin(angles / 2),
                             np.zeros_like(angles)], 1).astype(np.float32)
    out = np.zeros((BATCH_FRAMES, height, width, 3), np.uint8)

    def batch():
        target.update_poses(positions, orientations, out=out)

    def one_by_one():
        for i in range(BATCH_FRAMES):
            node.position = tuple(positions[i])
            node.orientation = kiln.Quaternion(*orientations[i])
            target.update()
            target.read(out=out[i])

    t_batch, t_each = paired_median_calls(batch, one_by_one)
    return {"frames": BATCH_FRAMES, "size": [width, height], "batch": t_batch / BATCH_FRAMES,
            "one_by_one": t_each / BATCH_FRAMES}


def bench_extra_buffers():
    """The heavy scene's frame (bench/heavy_scene.py, all cores) with each extra buffer
    (instance id, class id, normal) and all three, beside the frame alone, the frames in
    turn: what each ground-truth buffer costs per frame."""
    import heavy_scene as hs

    root, target, node = hs.kiln_scene(0)
    cases = (("colour alone", 0), ("+ instance id", kiln.BUFFER_INSTANCE_ID), ("+ normal", kiln.BUFFER_NORMAL),
             ("+ instance id, class id and normal",
              kiln.BUFFER_INSTANCE_ID | kiln.BUFFER_CLASS_ID | kiln.BUFFER_NORMAL))
    times = {name: [] for name, _ in cases}
    for name, flags in cases:  # warm
        target.extra_buffers = flags
        target.update()
    for _ in range(REPEAT):
        for name, flags in cases:
            target.extra_buffers = flags
            target.update()  # the buffers' first frame: not timed
            start = timeit.default_timer()
            for _ in range(3):
                target.update()
            times[name].append((timeit.default_timer() - start) / 3)
    return {"size": [hs.WIDTH, hs.HEIGHT], "triangles": hs.TRIANGLES, "threads": root.num_threads,
            "cases": {name: statistics.median(t) for name, t in times.items()}}


def bench_fsaa():
    """The heavy scene's frame (all cores) into targets with FSAA 0, 2, 4 and 8, the
    frames in turn: what anti-aliasing costs per frame."""
    import heavy_scene as hs

    scenes = {n: hs.kiln_scene(0, fsaa=n) for n in (0, 2, 4, 8)}
    times = {n: [] for n in scenes}
    for root, target, node in scenes.values():  # warm
        target.update()
    for _ in range(REPEAT):
        for n, (root, target, node) in scenes.items():
            start = timeit.default_timer()
            for _ in range(3):
                target.update()
            times[n].append((timeit.default_timer() - start) / 3)
    root = scenes[0][0]
    return {"size": [hs.WIDTH, hs.HEIGHT], "triangles": hs.TRIANGLES, "threads": root.num_threads,
            "cases": {str(n): statistics.median(t) for n, t in times.items()}}


def measure(log=print):
    out = {"repeat": REPEAT}
    out["floor"] = floor = bench_floor()
    log(f"  bandwidth floor of the 1280x1024 frame (fill 5 MiB + copy 3.75 MiB): {floor['seconds'] * 1e3:.3f} ms "
        f"({1 / floor['seconds']:.0f} fps)")
    out["as_data_stream"] = {}
    for label, shape in (("192 KiB", (256, 256, 3)), ("64 MiB", (4096, 4096, 4))):
        r = out["as_data_stream"][label] = bench_as_data_stream(shape)
        log(f"  as_data_stream {label}: {r['bytes'] / r['kiln'] / GIB:.2f} GiB/s, NumPy's copy "
            f"{r['bytes'] / r['numpy'] / GIB:.2f} GiB/s, ratio {r['numpy'] / r['kiln']:.2f}")
    r = out["copy_contents_to_memory"] = bench_copy_contents()
    log(f"  copy_contents_to_memory 1280x1024 RGB: {r['bytes'] / r['kiln'] / GIB:.2f} GiB/s, NumPy's copy "
        f"{r['bytes'] / r['numpy'] / GIB:.2f} GiB/s, ratio {r['numpy'] / r['kiln']:.2f}")
    out["conversions"] = bench_conversions()
    for name, r in out["conversions"].items():
        log(f"  pixel_convert_pixels {name}: {r['bytes'] / r['kiln'] / GIB:.2f} GiB/s, NumPy's copy "
            f"{r['bytes'] / r['numpy'] / GIB:.2f} GiB/s (ratio {r['numpy'] / r['kiln']:.2f}), NumPy converting "
            f"{r['bytes'] / r['numpy_convert'] / GIB:.2f} GiB/s")
    out["batch"] = b = bench_batch()
    log(f"  batch of {b['frames']} poses at {b['size'][0]}x{b['size'][1]}: {b['batch'] * 1e3:.3f} ms per frame; "
        f"one by one from Python {b['one_by_one'] * 1e3:.3f} ms per frame")
    out["extra_buffers"] = e = bench_extra_buffers()
    alone = e["cases"]["colour alone"]
    log("  extra buffers, heavy scene: " + ", ".join(f"{k} {t * 1e3:.1f} ms ({t / alone:.2f}x)"
                                                    for k, t in e["cases"].items()))
    out["fsaa"] = f = bench_fsaa()
    alone = f["cases"]["0"]
    log("  FSAA, heavy scene: " + ", ".join(f"fsaa {k} {t * 1e3:.1f} ms ({t / alone:.2f}x)"
                                           for k, t in f["cases"].items()))
    out["view"] = v = bench_view()
    log(f"  view: {v['small']['what']} {v['small']['seconds'] * 1e6:.2f} us, {v['large']['what']} "
        f"{v['large']['seconds'] * 1e6:.2f} us (np.asarray of an existing array {v['asarray'] * 1e6:.3f} us)")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    print(f"NumPy bridge (median of {REPEAT} batches)", flush=True)
    out = measure(log=lambda s: print(s, flush=True))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
