"""The tutorial scene (docs/working-with-numpy.md) at 640x480, 1280x1024 and 1920x1080,
drawn by Kiln and by the original engine (OGRE 1.12 on Mesa llvmpipe) in the same run.

The scene: a Rectangle2D with corners (-0.5, 0.5, 0.5, -0.5), textured with a 256x256
RGB texture whose green channel is the column index, lighting off, over a (0.3, 0.3,
0.3) background, drawn into a PF_BYTE_RGB render texture. A frame is the tutorial's
own path: update() of the target, copy_contents_to_memory into a PF_BYTE_RGB PixelBox
over a MemoryDataStream, and kiln.numpy.view of it (OGRE: update(),
copyContentsToMemory into a PF_BYTE_RGB PixelBox, Ogre.Numpy.view). Kiln's render
alone (update() only) is measured too, and the frame rendered into a caller's array (a
second target of the same scene created over a NumPy array with
create_render_texture(array=...): update() and the frame is in the array), their frames
in turn with the path's. Kiln and OGRE
are measured in turn, in rounds (3 by default), and every figure is the median of all
its frames, each round after a warm-up frame.

Kiln runs with 1 thread and with all cores (kiln.Root(num_threads=...)). OGRE runs
under Debian's /usr/bin/python3 (python3-ogre-1.12) in its own Xvfb with the GL3+
render system, set up as tests/golden/make_golden.py does; llvmpipe reads its thread
count (LP_NUM_THREADS) when it starts, so each thread count is a process of its own.
The first frame of each engine at each size is compared (mean absolute difference over
all pixels and channels; reported, never a failure).

Run from the repository root (Kiln built into build/; make bench installs the rest):

    PYTHONPATH=build/python python3 bench/bench_tutorial.py [--frames 200] [--json out.json]
    PYTHONPATH=build/python python3 bench/bench_tutorial.py --instruction-sets   # Kiln only,
        # each instruction set (scalar, SSE2, AVX2) beside the scalar one
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from paths import DEBIAN_PYTHON  # noqa: E402  (also puts bench/ and tests/golden on the path)

SCRIPT = Path(__file__).resolve()

SIZES = ((640, 480), (1280, 1024), (1920, 1080))
OGRE_THREADS = (1, os.cpu_count() or 1)


def frame_times(fn, frames):
    """Seconds of each of frames calls of fn, after one untimed call."""
    fn()
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def interleaved_times(fns, frames):
    """Seconds of each call of every function of fns, called in turn frames times (after
    one untimed call of each), so that a slow patch of the machine falls on all of them."""
    for fn in fns:
        fn()
    times = [[] for _ in fns]
    for _ in range(frames):
        for fn, out in zip(fns, times):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return times


# ---------------------------------------------------------------- Kiln


class KilnTutorial:
    """Kiln's tutorial scenes at every size with 1 thread and all cores, kept for rounds of
    measurement."""

    def __init__(self, simd=0):
        import kiln
        import kiln.numpy

        import bench_numpy

        self.scenes, self.pictures = {}, {}
        for width, height in SIZES:
            key = f"{width}x{height}"
            for threads in (1, 0):
                root, win = bench_numpy.tutorial_scene(threads, width, height, simd)
                mem = kiln.MemoryDataStream(width * height * 3)
                pb = kiln.PixelBox(width, height, 1, kiln.PF_BYTE_RGB, mem)

                def path(win=win, pb=pb):
                    win.update()
                    win.copy_contents_to_memory(pb, pb)
                    return kiln.numpy.view(pb)

                # The same frame into an array of the caller's: it lands there.
                frame = np.zeros((height, width, 3), np.uint8)
                into = root.create_render_texture("into_array", array=frame)
                into.add_viewport(win.viewports[0].camera).background_colour = (0.3, 0.3, 0.3)
                into.update()
                assert (frame == path()).all(), "the frame in the caller's array differs from the path's"
                self.pictures[key] = np.array(path())
                self.scenes[(key, root.num_threads)] = (root, win, path, into,
                                                        {"path": [], "render": [], "array": []})

    def measure(self, frames):
        """Appends frames times of the path and of the render alone, in turn, at every size."""
        for root, win, path, into, times in self.scenes.values():
            p, r, a = interleaved_times((path, win.update, into.update), frames)
            times["path"] += p
            times["render"] += r
            times["array"] += a

    def figures(self):
        """{size: {threads: {path, render, array, simd}}}: the median seconds of every frame
        measured."""
        out = {}
        for (key, threads), (root, win, path, into, times) in self.scenes.items():
            out.setdefault(key, {})[threads] = {"path": statistics.median(times["path"]),
                                                "render": statistics.median(times["render"]),
                                                "array": statistics.median(times["array"]),
                                                "simd": root.simd}
        return out


def kiln_figures(frames, simd=0):
    """{size: {threads: {path, render}}} median seconds, and the first frame at each size."""
    scenes = KilnTutorial(simd)
    scenes.measure(frames)
    return scenes.figures(), scenes.pictures


# ---------------------------------------------------------------- OGRE 1.12 on llvmpipe


class OgreTutorial:
    """The tutorial's scene in the original engine, on a renderer of tests/golden/make_golden.py."""

    def __init__(self, renderer, width, height, tag):
        import make_golden
        import textures

        self.renderer = r = renderer
        self.Ogre = Ogre = r.Ogre
        self.tag = tag
        self.scn = r.root.createSceneManager()
        r.shadergen.addSceneManager(self.scn)
        texmgr = Ogre.TextureManager.getSingleton()
        arr = textures.make_texture(make_golden.SEED["texture"])  # green = column index
        self._tex_mem = r.Numpy.AsDataStream(arr)  # owns the bytes: kept until OGRE has read them
        img = Ogre.Image()
        img.loadDynamicImage(self._tex_mem.getPtr(), arr.shape[1], arr.shape[0], Ogre.PF_BYTE_RGB)
        texmgr.loadImage("tex_" + tag, "General", img)
        mat = Ogre.MaterialManager.getSingleton().create("mat_" + tag, "General")
        rpass = mat.getTechniques()[0].getPasses()[0]
        rpass.setLightingEnabled(False)
        rpass.createTextureUnitState("tex_" + tag)
        self.rect = Ogre.Rectangle2D(True)
        self.rect.setCorners(*make_golden.SEED["corners"])
        self.rect.setMaterial(mat)
        self.rect.setBoundingBox(Ogre.AxisAlignedBox.BOX_INFINITE)  # as in the tutorial: never culled
        self.node = self.scn.getRootSceneNode().createChildSceneNode()
        self.node.attachObject(self.rect)
        cam = self.scn.createCamera("cam")
        rtt = texmgr.createManual("rt_" + tag, "General", Ogre.TEX_TYPE_2D, width, height, 1, 0,
                                  Ogre.PF_BYTE_RGB, Ogre.TU_RENDERTARGET)
        self.target = rtt.getBuffer().getRenderTarget()
        self.target.setAutoUpdated(False)
        self.target.addViewport(cam).setBackgroundColour(Ogre.ColourValue(*make_golden.SEED["bg"]))
        self._mem = Ogre.MemoryDataStream(width * height * 3)
        self._pb = Ogre.PixelBox(width, height, 1, Ogre.PF_BYTE_RGB, self._mem.getPtr())

    def path(self):
        self.target.update()
        self.target.copyContentsToMemory(self._pb, self._pb)
        return self.renderer.Numpy.view(self._pb)

    def close(self):
        r, Ogre = self.renderer, self.Ogre
        self.target.removeAllViewports()
        self.node.detachObject(self.rect)  # Python owns the rectangle
        r.shadergen.removeSceneManager(self.scn)
        r.root.destroySceneManager(self.scn)
        texmgr = Ogre.TextureManager.getSingleton()
        for manager, prefix in ((texmgr, "rt_"), (Ogre.MaterialManager.getSingleton(), "mat_"), (texmgr, "tex_")):
            if manager.resourceExists(prefix + self.tag, "General"):
                manager.remove(prefix + self.tag, "General")
        del self.target, self.rect, self.node


def ogre_worker(frames, result_path, pictures_path):
    """Runs under Debian's Python with LP_NUM_THREADS set by the parent."""
    import bench_llvmpipe
    import make_golden

    errors, out, pictures = [], {}, {}
    with make_golden.ogre_session("kiln-bench-ogre-", make_golden.Renderer, errors) as renderer:
        for width, height in SIZES:
            key = f"{width}x{height}"
            scene = OgreTutorial(renderer, width, height, f"bench_{key}")
            try:
                pictures[key] = np.array(scene.path())
                out[key] = frame_times(scene.path, frames)
            finally:
                scene.close()
        device = renderer.device
        threads = bench_llvmpipe.llvmpipe_threads()
    np.savez(pictures_path, **pictures)
    result = {"device": f"OGRE 1.12 GL3+ on {device}", "threads": threads, "path": out, "problems": errors}
    Path(result_path).write_text(json.dumps(result))
    return 0


def run_ogre(threads, frames, workdir, debian_python):
    result_path = Path(workdir) / f"ogre_{threads}.json"
    pictures_path = Path(workdir) / f"ogre_{threads}.npz"
    env = dict(os.environ, LP_NUM_THREADS=str(threads))
    env.pop("PYTHONPATH", None)  # Kiln's module is built for the project's Python, not Debian's
    cmd = [debian_python, str(SCRIPT), "--frames", str(frames), "--ogre-worker", str(result_path), str(pictures_path)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not result_path.exists():
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        return {"error": f"exit status {proc.returncode}: {tail}"}, {}
    with np.load(pictures_path) as npz:
        pictures = {k: npz[k] for k in npz.files}
    return json.loads(result_path.read_text()), pictures


# ---------------------------------------------------------------- the parent


def measure(frames, ogre_frames, debian_python=DEBIAN_PYTHON, log=print, rounds=3):
    """Kiln and OGRE in turn, rounds times (each round a share of the frames), so that the
    machine's slow and fast moments fall on both engines; every figure is the median of
    all its frames."""
    out = {"frames": frames, "ogre_frames": ogre_frames, "rounds": rounds, "kiln": {}, "ogre": {},
           "differences": {}}
    scenes = KilnTutorial()
    ogre_times = {threads: {} for threads in OGRE_THREADS}
    with tempfile.TemporaryDirectory(prefix="kiln-bench-tutorial-") as workdir:
        for round_ in range(rounds):
            scenes.measure(-(-frames // rounds))
            for threads in OGRE_THREADS:
                if "error" in out["ogre"].get(threads, {}):
                    continue
                result, pictures = run_ogre(threads, -(-ogre_frames // rounds), workdir, debian_python)
                if "error" in result:
                    out["ogre"][threads] = result
                    log(f"  OGRE LP_NUM_THREADS={threads}: FAILED {result['error']}")
                    continue
                out["ogre"][threads] = result
                for key, times in result["path"].items():
                    ogre_times[threads].setdefault(key, []).extend(times)
                if round_ == 0:
                    for key, picture in pictures.items():
                        diff = float(np.abs(picture.astype(np.int16) - scenes.pictures[key].astype(np.int16)).mean())
                        out["differences"].setdefault(key, {})[threads] = diff
                        log(f"  picture {key}: mean |Kiln - OGRE ({threads} threads)| = {diff:.3f}")
    out["kiln"] = scenes.figures()
    for key, per_threads in out["kiln"].items():
        for threads, r in per_threads.items():
            log(f"  Kiln {key} {threads} thread(s): path {1 / r['path']:.0f} fps, render {1 / r['render']:.0f} fps, "
                f"into an array {1 / r['array']:.0f} fps")
    for threads, result in out["ogre"].items():
        if "error" in result:
            continue
        result["path"] = {key: statistics.median(times) for key, times in ogre_times[threads].items()}
        for key, t in result["path"].items():
            log(f"  {result['device']} [{result['threads']} threads] {key}: path {1 / t:.0f} fps")
    return out


def instruction_sets(frames):
    """The former table of this benchmark: Kiln with each instruction set, the scalar per-pixel
    code as the baseline of the others."""
    import kiln

    names = {kiln.SIMD_SCALAR: "scalar", kiln.SIMD_SSE2: "sse2", kiln.SIMD_AVX2: "avx2"}
    simds = sorted({kiln.Root(num_threads=1, simd=s).simd for s in names})
    print(f"{'size':>10} {'threads':>7} {'simd':>6} {'path fps':>9} {'render fps':>10} "
          f"{'path vs scalar':>14} {'render vs scalar':>16}")
    results = {s: kiln_figures(frames, s)[0] for s in simds}
    for key in results[simds[0]]:
        for threads in results[simds[0]][key]:
            base = results[simds[0]][key][threads]
            for s in simds:
                r = results[s][key][threads]
                print(f"{key:>10} {threads:>7} {names[r['simd']]:>6} {1 / r['path']:>9.0f} {1 / r['render']:>10.0f} "
                      f"{base['path'] / r['path']:>13.2f}x {base['render'] / r['render']:>15.2f}x")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--frames", type=int, default=200, help="timed frames per Kiln figure (default: %(default)s)")
    parser.add_argument("--ogre-frames", type=int, default=60,
                        help="timed frames per OGRE figure (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="Kiln and OGRE measured in turn this many times (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--debian-python", default=DEBIAN_PYTHON, help="the Python with python3-ogre-1.12")
    parser.add_argument("--instruction-sets", action="store_true", help="Kiln only, with each instruction set")
    parser.add_argument("--ogre-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ogre_worker:
        return ogre_worker(args.frames, *args.ogre_worker)
    if args.instruction_sets:
        instruction_sets(args.frames)
        return 0
    print(f"tutorial scene: median of {args.frames} Kiln and {args.ogre_frames} OGRE frames; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)
    out = measure(args.frames, args.ogre_frames, args.debian_python, log=lambda s: print(s, flush=True),
                  rounds=args.rounds)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
