"""Benchmarks of the NumPy bridge and the tutorial's frame.

Every figure is reported against a baseline measured in the same run:
- as_data_stream throughput as a ratio to NumPy's own copy of the same array
  (np.array(arr, copy=True)), both timed as the best of several repeats;
- the cost of kiln.numpy.view in microseconds, beside the cost of np.asarray on an
  existing array (the floor of any array construction);
- the tutorial scene's frame time at 1280x1024 (render_one_frame, median of the runs),
  for 1 thread and for all cores, beside a memcpy of the frame's bytes.

Run: make bench   (or PYTHONPATH=build/python python3 bench/bench_numpy.py)"""

import argparse
import statistics
import time
import timeit

import numpy as np

import kiln
import kiln.numpy


def best_time(fn, repeat, number):
    return min(timeit.repeat(fn, repeat=repeat, number=number)) / number


def bench_as_data_stream(shape, dtype=np.uint8):
    arr = (np.arange(int(np.prod(shape))) % 251).astype(dtype).reshape(shape)
    number = max(1, int(2e8 // max(arr.nbytes, 1)) // 10)
    t_kiln = best_time(lambda: kiln.numpy.as_data_stream(arr), repeat=7, number=number)
    t_numpy = best_time(lambda: np.array(arr, copy=True), repeat=7, number=number)
    return arr.nbytes, t_kiln, t_numpy


def bench_view():
    pb = kiln.PixelBox(1280, 1024, 1, kiln.PF_BYTE_RGB)
    arr = np.zeros((1024, 1280, 3), np.uint8)
    t_view = best_time(lambda: kiln.numpy.view(pb), repeat=7, number=2000)
    t_asarray = best_time(lambda: np.asarray(arr), repeat=7, number=20000)
    return t_view, t_asarray


def tutorial_scene(num_threads, width=1280, height=1024):
    root = kiln.Root(num_threads=num_threads)
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
    win = root.create_render_texture("window", width, height)
    vp = win.add_viewport(scene.create_camera("cam"))
    vp.background_colour = (0.3, 0.3, 0.3)
    return root, win


def bench_frame(num_threads, frames):
    root, _ = tutorial_scene(num_threads)
    root.render_one_frame()  # warm up: first-touch of the buffers
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        root.render_one_frame()
        times.append(time.perf_counter() - start)
    return statistics.median(times), root.num_threads


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=30)
    args = parser.parse_args()

    print("as_data_stream vs numpy copy (same array, same run; ratio > 1 means Kiln is faster)")
    print(f"{'array':>22} {'bytes':>10} {'kiln GB/s':>10} {'numpy GB/s':>11} {'ratio':>6}")
    for shape in ((256, 256, 3), (1024, 1024, 4), (4096, 4096, 3)):
        nbytes, t_kiln, t_numpy = bench_as_data_stream(shape)
        print(f"{str(shape):>22} {nbytes:>10} {nbytes / t_kiln / 1e9:>10.2f} "
              f"{nbytes / t_numpy / 1e9:>11.2f} {t_numpy / t_kiln:>6.2f}")

    t_view, t_asarray = bench_view()
    print(f"\nkiln.numpy.view(PixelBox 1280x1024 RGB): {t_view * 1e6:.2f} us "
          f"(np.asarray of an existing array: {t_asarray * 1e6:.3f} us)")

    frame_bytes = 1280 * 1024 * 4
    src = np.ones(frame_bytes, np.uint8)
    dst = np.empty_like(src)
    t_memcpy = best_time(lambda: np.copyto(dst, src), repeat=7, number=50)
    print(f"\ntutorial frame at 1280x1024 (median of {args.frames}); memcpy of the 5 MiB frame: "
          f"{t_memcpy * 1e3:.3f} ms")
    for threads in (1, 0):
        t, n = bench_frame(threads, args.frames)
        print(f"  {n} thread(s): {t * 1e3:.2f} ms  ({t / t_memcpy:.1f} memcpys)")


if __name__ == "__main__":
    main()
