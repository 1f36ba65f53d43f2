"""Benchmarks of the NumPy bridge and the tutorial's frame.

Every figure is reported against a baseline measured in the same run:
- as_data_stream throughput as a ratio to NumPy's own copy of the same array
  (np.array(arr, copy=True)), both timed as the best of several repeats;
- the cost of kiln.numpy.view in microseconds, beside the cost of np.asarray on an
  existing array (the floor of any array construction);
- the tutorial scene at 640x480, 1280x1024 and 1920x1080 through the tutorial's own
  path (update, copy_contents_to_memory into a PF_BYTE_RGB PixelBox, view) and the
  render alone (update), median of the runs, for 1 thread and for all cores, with each
  instruction set: the scalar path (the per-pixel code, the rasterizer before its span
  kernels) is the baseline of the SSE2 and AVX2 figures; a memcpy of the frame's bytes
  beside them.

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


def tutorial_scene(num_threads, width, height, simd=0):
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


def median_time(fn, frames):
    fn()  # warm up: first touch of the buffers
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_tutorial(num_threads, width, height, simd, frames):
    """(tutorial path, render alone) median seconds, and the threads and instruction set used."""
    root, win = tutorial_scene(num_threads, width, height, simd)
    mem = kiln.MemoryDataStream(width * height * 3)
    pb = kiln.PixelBox(width, height, 1, kiln.PF_BYTE_RGB, mem)

    def tutorial_path():
        win.update()
        win.copy_contents_to_memory(pb, pb)
        kiln.numpy.view(pb)

    return median_time(tutorial_path, frames), median_time(win.update, frames), root.num_threads, root.simd


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

    names = {kiln.SIMD_SCALAR: "scalar", kiln.SIMD_SSE2: "sse2", kiln.SIMD_AVX2: "avx2"}
    simds = sorted({kiln.Root(num_threads=1, simd=s).simd for s in names})
    print(f"\ntutorial scene (median of {args.frames} frames): the tutorial's path (update + "
          "copy_contents_to_memory + view) and the render alone (update)")
    print(f"{'size':>10} {'threads':>7} {'simd':>6} {'path fps':>9} {'render fps':>10} "
          f"{'path vs scalar':>14} {'render vs scalar':>16} {'memcpys':>8}")
    for width, height in ((640, 480), (1280, 1024), (1920, 1080)):
        src = np.ones(width * height * 3, np.uint8)
        dst = np.empty_like(src)
        t_memcpy = best_time(lambda: np.copyto(dst, src), repeat=7, number=50)
        for threads in (1, 0):
            base = None
            for simd in simds:
                t_path, t_render, n, used = bench_tutorial(threads, width, height, simd, args.frames)
                base = base or (t_path, t_render)
                print(f"{width}x{height:<5} {n:>7} {names[used]:>6} {1 / t_path:>9.0f} {1 / t_render:>10.0f} "
                      f"{base[0] / t_path:>13.2f}x {base[1] / t_render:>15.2f}x {t_path / t_memcpy:>8.1f}")


if __name__ == "__main__":
    main()
