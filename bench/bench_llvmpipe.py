"""Frame time of bench_mesh.py's scene on the original engine, OGRE 1.12 on Mesa llvmpipe,
beside Kiln's figures from the same run.

The scene is bench_mesh.py's: a UV sphere of 500 x 250 quads (250,000 triangles), radius
1, seen from (0, 0, 2.6) down -Z (fov_y 45 degrees, near 0.1, far 100), lit per vertex by
a white directional light (-0.5, -0.6, -0.6) with scene ambient 0.2, textured with a
256x256 checker of 32-pixel squares (trilinear), over a 0.1 grey background, drawn into a
1280x720 render texture by OGRE's "OpenGL 3+ Rendering Subsystem" (the run-time shader
system's FFP_Lighting stage lights it per vertex) on llvmpipe.

llvmpipe reads its thread count (LP_NUM_THREADS) when it starts, so each thread count is
measured in a subprocess of its own. When RenderTarget.update() returns, llvmpipe has
queued the drawing but not finished it; glFinish is not reachable from Python, so reading
back one pixel (copyContentsToMemory), which waits for the drawing, ends each frame. A frame
is update() plus that readback. The readback's own cost is timed on the same target with
the sphere hidden (update(), then the readback, which therefore also waits for the clear;
a second readback with nothing left to draw is shown beside it) and is subtracted in the
"minus readback" column.

For Kiln's figures the script runs bench_mesh.py with the project's Python (Kiln's module
is built for it, not for Debian's), and it renders one Kiln frame of the same scene the
same way to compare the two pictures (mean absolute difference over all pixels and
channels, held to the 3D goldens' "shaded" tolerance), which shows both engines draw the
same thing. The PNGs and each OGRE run's frame times (JSON, seconds) stay in the output
folder, which the last line names.

Run from the repository root with Debian's Python, which has python3-ogre-1.12 (packages
python3-ogre-1.12, python3-numpy, xvfb, libgl1-mesa-dri), Kiln built into build/:

    /usr/bin/python3 bench/bench_llvmpipe.py                      # 15 frames per figure
    /usr/bin/python3 bench/bench_llvmpipe.py --frames 31 --warmup 5
    /usr/bin/python3 bench/bench_llvmpipe.py --no-kiln            # OGRE only

--kiln-python (default: python3 on PATH) and --kiln-pythonpath (default: build/python)
say where Kiln is. The script starts its own Xvfb and stops it when done.
"""

import argparse
import glob
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from paths import BENCH_DIR, REPO_ROOT  # noqa: E402  (also puts tests/golden on the path)

SCRIPT = Path(__file__).resolve()

import pngio  # noqa: E402  (tests/golden is on the path from here on)

WIDTH, HEIGHT = 1280, 720
BACKGROUND = (0.1, 0.1, 0.1)
THREADS = (1, 2)
# The 3D goldens' tolerance for lit, textured scenes (tests/python/kiln_scenes_3d.py).
SHADED_MEAN, SHADED_WITHIN, SHADED_FRACTION = 4.0, 16, 0.95


def uv_sphere(segments=500, rings=250):
    """bench_mesh.uv_sphere, repeated here because bench_mesh imports Kiln, which Debian's
    Python cannot; the picture comparison catches any drift between the two."""
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


def checker_texels():
    """bench_mesh.scene's texture: 32-pixel squares of orange and blue."""
    y, x = np.mgrid[0:256, 0:256]
    tex = np.zeros((256, 256, 3), np.uint8)
    tex[...] = np.where((((x // 32) + (y // 32)) % 2)[..., None] == 1, (230, 140, 40), (50, 110, 210))
    return tex


# ---------------------------------------------------------------- OGRE side (a subprocess per thread count)


def ogre_mesh(Ogre, numpy_bridge, name, material, positions, normals, uvs, indices):
    """An OGRE mesh of one submesh drawn with material, from float32 arrays: one interleaved
    static vertex buffer (position, normal, uv) and 32-bit indices; bounds of the unit sphere."""
    verts = np.ascontiguousarray(np.concatenate([positions, normals, uvs], axis=1), np.float32)
    indices = np.ascontiguousarray(indices.ravel(), np.uint32)
    mesh = Ogre.MeshManager.getSingleton().createManual(name, "General")
    vertex_data = Ogre.VertexData()
    vertex_data.disown()  # the mesh deletes its shared vertex data
    mesh.sharedVertexData = vertex_data
    vertex_data.vertexCount = len(verts)
    decl = vertex_data.vertexDeclaration
    offset = 0
    offset += decl.addElement(0, offset, Ogre.VET_FLOAT3, Ogre.VES_POSITION).getSize()
    offset += decl.addElement(0, offset, Ogre.VET_FLOAT3, Ogre.VES_NORMAL).getSize()
    offset += decl.addElement(0, offset, Ogre.VET_FLOAT2, Ogre.VES_TEXTURE_COORDINATES, 0).getSize()
    buffers = Ogre.HardwareBufferManager.getSingleton()
    vbuf = buffers.createVertexBuffer(offset, len(verts), Ogre.HardwareBuffer.HBU_STATIC_WRITE_ONLY)
    vmem = numpy_bridge.AsDataStream(verts)
    vbuf.writeData(0, verts.nbytes, vmem.getPtr())
    vertex_data.vertexBufferBinding.setBinding(0, vbuf)
    sub = mesh.createSubMesh()
    sub.useSharedVertices = True
    ibuf = buffers.createIndexBuffer(
        Ogre.HardwareIndexBuffer.IT_32BIT, len(indices), Ogre.HardwareBuffer.HBU_STATIC_WRITE_ONLY
    )
    imem = numpy_bridge.AsDataStream(indices)
    ibuf.writeData(0, indices.nbytes, imem.getPtr())
    sub.indexData.indexBuffer = ibuf
    sub.indexData.indexCount = len(indices)
    sub.indexData.indexStart = 0
    sub.setMaterialName(material, "General")
    mesh._setBounds(Ogre.AxisAlignedBox(-1.0, -1.0, -1.0, 1.0, 1.0, 1.0))
    mesh._setBoundingSphereRadius(1.0)
    mesh.load()
    return mesh


class OgreScene:
    """The benchmark scene built with the 3D golden generator's OGRE set-up."""

    def __init__(self, workdir):
        import make_golden_3d

        self.renderer = make_golden_3d.Renderer3D(workdir)
        self.Ogre = Ogre = self.renderer.Ogre
        self.numpy = self.renderer.Numpy
        self.scn = self.renderer.root.createSceneManager()
        self.renderer.shadergen.addSceneManager(self.scn)
        self.scn.setAmbientLight(Ogre.ColourValue(0.2, 0.2, 0.2))

        # Ogre.Numpy.AsDataStream copies into a stream that owns the bytes, so each stream
        # must stay referenced until OGRE has read it.
        tex_mem = self.numpy.AsDataStream(checker_texels())
        img = Ogre.Image()
        img.loadDynamicImage(tex_mem.getPtr(), 256, 256, Ogre.PF_BYTE_RGB)
        Ogre.TextureManager.getSingleton().loadImage("bench_checker", "General", img)
        # _material adds the per-vertex lighting stage, as for the golden scenes.
        spec = {"texture_units": [{"texture": "checker", "filtering": "trilinear"}]}
        self.renderer._material("bench_lit", spec, {"checker": "bench_checker"})

        positions, normals, uvs, indices = uv_sphere()
        if indices.size // 3 != 250_000:
            raise RuntimeError(f"the sphere has {indices.size // 3} triangles, bench_mesh.py's has 250,000")
        self.mesh = ogre_mesh(Ogre, self.numpy, "bench_sphere", "bench_lit", positions, normals, uvs, indices)
        self.entity = self.scn.createEntity("sphere", self.mesh)
        root_node = self.scn.getRootSceneNode()
        root_node.createChildSceneNode().attachObject(self.entity)

        sun = self.scn.createLight("sun")
        sun.setType(Ogre.Light.LT_DIRECTIONAL)
        sun.setDirection(Ogre.Vector3(-0.5, -0.6, -0.6))
        root_node.createChildSceneNode().attachObject(sun)

        cam = self.scn.createCamera("cam")
        cam.setNearClipDistance(0.1)
        cam.setFarClipDistance(100.0)
        cam.setFOVy(Ogre.Radian(math.radians(45.0)))
        cam.setAutoAspectRatio(True)
        cam_node = root_node.createChildSceneNode()
        cam_node.attachObject(cam)
        cam_node.setPosition(0.0, 0.0, 2.6)

        self.rtt = Ogre.TextureManager.getSingleton().createManual(
            "bench_rt", "General", Ogre.TEX_TYPE_2D, WIDTH, HEIGHT, 1, 0, Ogre.PF_BYTE_RGB, Ogre.TU_RENDERTARGET
        )
        self.target = self.rtt.getBuffer().getRenderTarget()
        self.target.setAutoUpdated(False)
        self.target.addViewport(cam).setBackgroundColour(Ogre.ColourValue(*BACKGROUND))

        self._pixel_mem = Ogre.MemoryDataStream(4)
        self._pixel = Ogre.PixelBox(1, 1, 1, Ogre.PF_BYTE_RGB, self._pixel_mem.getPtr())
        self._pixel_box = Ogre.Box(0, 0, 1, 1)

    def frame(self):
        """Draw one frame and wait for it; return (update seconds, readback seconds)."""
        start = time.perf_counter()
        self.target.update()
        mid = time.perf_counter()
        self.target.copyContentsToMemory(self._pixel_box, self._pixel)
        return mid - start, time.perf_counter() - mid

    def readback_only(self):
        """One more single-pixel readback with nothing left to draw."""
        start = time.perf_counter()
        self.target.copyContentsToMemory(self._pixel_box, self._pixel)
        return time.perf_counter() - start

    def picture(self):
        mem = self.Ogre.MemoryDataStream(WIDTH * HEIGHT * 3)
        pb = self.Ogre.PixelBox(WIDTH, HEIGHT, 1, self.Ogre.PF_BYTE_RGB, mem.getPtr())
        self.target.copyContentsToMemory(pb, pb)
        return self.numpy.view(pb).copy()

    def close(self):
        # Everything that holds OGRE buffers goes before the render system does.
        r = self.renderer
        self.target.removeAllViewports()
        self.scn.destroyEntity(self.entity)
        r.shadergen.removeSceneManager(self.scn)
        r.root.destroySceneManager(self.scn)
        self.Ogre.MeshManager.getSingleton().remove("bench_sphere", "General")
        r.shadergen.removeAllShaderBasedTechniques("bench_lit", "General")
        self.Ogre.MaterialManager.getSingleton().remove("bench_lit", "General")
        texmgr = self.Ogre.TextureManager.getSingleton()
        texmgr.remove("bench_rt", "General")
        texmgr.remove("bench_checker", "General")
        del self.mesh, self.entity, self.rtt, self.target
        r.close()


def llvmpipe_threads():
    """The rasterizer threads llvmpipe started in this process (it names them llvmpipe-N)."""
    names = []
    for path in glob.glob("/proc/self/task/*/comm"):
        try:
            names.append(Path(path).read_text().strip())
        except OSError:
            pass  # a thread that ended meanwhile
    return sum(1 for n in names if n.startswith("llvmpipe-"))


def worker(args):
    """Measure one thread count (LP_NUM_THREADS set by the parent) and write the result JSON."""
    import make_golden

    with tempfile.TemporaryDirectory(prefix="kiln-bench-ogre-") as workdir:
        (Path(workdir) / "resources.cfg").write_text(make_golden.RESOURCES_CFG)
        os.environ["OGRE_CONFIG_DIR"] = workdir
        os.chdir(workdir)  # OGRE writes ogre.cfg into the working directory
        scene = OgreScene(workdir)
        try:
            device = scene.renderer.device
            # The empty scene: the same target and viewport with the sphere hidden.
            scene.entity.setVisible(False)
            for _ in range(args.warmup):
                scene.frame()
            empty = []
            for _ in range(args.frames):
                update, readback = scene.frame()
                empty.append((update, readback, scene.readback_only()))
            scene.entity.setVisible(True)
            for _ in range(args.warmup):
                scene.frame()
            frames = [scene.frame() for _ in range(args.frames)]
            threads = llvmpipe_threads()
            picture = scene.picture()
        finally:
            scene.close()
    pngio.write_png(args.png, picture)
    background = np.round(np.float32(BACKGROUND[0]) * 255)
    covered = float((picture != background).any(axis=2).mean())
    result = {"device": device, "llvmpipe_threads": threads, "frames": frames, "empty": empty, "covered": covered}
    Path(args.result).write_text(json.dumps(result))
    return 0


def run_worker(threads, args, out_dir):
    """Run worker() in a subprocess with LP_NUM_THREADS=threads; return its result."""
    result_path = out_dir / f"llvmpipe_{threads}.json"
    png_path = out_dir / f"ogre_llvmpipe_{threads}t.png"
    env = dict(os.environ, LP_NUM_THREADS=str(threads), GALLIUM_DRIVER="llvmpipe", MESA_SHADER_CACHE_DISABLE="true")
    cmd = [sys.executable, str(SCRIPT), "--frames", str(args.frames), "--warmup", str(args.warmup)]
    cmd += ["--worker", str(result_path), "--worker-png", str(png_path)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0 or not result_path.exists():
        tail = last_lines(proc.stderr or proc.stdout, 15)
        raise RuntimeError(
            f"the OGRE run with LP_NUM_THREADS={threads} failed (exit status {proc.returncode}):\n{tail}"
        )
    result = json.loads(result_path.read_text())
    result["png"] = png_path
    if "llvmpipe" not in result["device"]:
        raise RuntimeError(f"OGRE rendered on {result['device']!r}, not on llvmpipe")
    if result["llvmpipe_threads"] != threads:
        raise RuntimeError(
            f"llvmpipe started {result['llvmpipe_threads']} rasterizer threads with LP_NUM_THREADS={threads}"
        )
    return result


# ---------------------------------------------------------------- Kiln side (the project's Python)


def kiln_frame(path):
    """Render bench_mesh.py's scene once with Kiln and write it as a PNG (runs under the
    project's Python with Kiln on PYTHONPATH)."""
    sys.path.insert(0, str(BENCH_DIR))
    import bench_mesh
    import kiln.numpy

    root, win = bench_mesh.scene(1, WIDTH, HEIGHT)
    root.render_one_frame()
    pngio.write_png(path, np.array(kiln.numpy.read_pixels(win)))
    return 0


def last_lines(text, count=5):
    return "\n".join(text.strip().splitlines()[-count:]) or "no message"


def kiln_env(args):
    return dict(os.environ, PYTHONPATH=str(args.kiln_pythonpath))


def kiln_problem(args):
    """Why Kiln cannot be run, or None when it can."""
    if shutil.which(args.kiln_python) is None:
        return f"{args.kiln_python!r} is not on PATH"
    proc = subprocess.run(
        [args.kiln_python, "-c", "import kiln, kiln.numpy"], env=kiln_env(args), capture_output=True, text=True
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        return f"`{args.kiln_python} -c 'import kiln'` with PYTHONPATH={args.kiln_pythonpath} failed: {last}"
    return None


def run_kiln_bench(args):
    """bench_mesh.py's median frame time in seconds for each thread count."""
    cmd = [args.kiln_python, str(BENCH_DIR / "bench_mesh.py"), "--frames", str(args.frames)]
    proc = subprocess.run(cmd, env=kiln_env(args), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"bench_mesh.py failed (exit status {proc.returncode}):\n{last_lines(proc.stderr)}")
    lines = re.finditer(r"^\s*(\d+) thread\(s\): ([\d.]+) ms", proc.stdout, re.M)
    times = {int(m[1]): float(m[2]) / 1e3 for m in lines}
    if set(times) != set(THREADS):
        raise RuntimeError(f"could not read the frame times for {THREADS} threads from bench_mesh.py's output:\n"
                           f"{proc.stdout.strip()}")
    return times


def run_kiln_frame(args, path):
    cmd = [args.kiln_python, str(SCRIPT), "--kiln-frame", str(path)]
    proc = subprocess.run(cmd, env=kiln_env(args), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"Kiln's frame for the comparison failed (exit status {proc.returncode}):\n"
                           f"{last_lines(proc.stderr)}")


def compare(a, b):
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16))
    worst = diff.max(axis=2)
    return {
        "mean": float(diff.mean()),
        "within3": float((worst <= 3).mean()),
        "within16": float((worst <= SHADED_WITHIN).mean()),
        "max": int(diff.max()),
    }


# ---------------------------------------------------------------- the report


def missing_prerequisites():
    problems = []
    try:
        import Ogre  # noqa: F401
        import Ogre.Bites  # noqa: F401
        import Ogre.RTShader  # noqa: F401
    except ImportError as exc:
        problems.append(
            f"OGRE's Python bindings are missing ({exc}); run this with Debian's /usr/bin/python3 "
            "and install python3-ogre-1.12"
        )
    if shutil.which("Xvfb") is None:
        problems.append("Xvfb is not on PATH; install the xvfb package")
    return problems


def ms(seconds):
    return f"{seconds * 1e3:.1f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--frames", type=int, default=15, help="timed frames per figure (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed frames first (default: %(default)s)")
    parser.add_argument("--no-kiln", action="store_true", help="measure OGRE only")
    parser.add_argument("--kiln-python", default="python3", help="the Python Kiln is built for (default: %(default)s)")
    parser.add_argument(
        "--kiln-pythonpath", type=Path, default=REPO_ROOT / "build" / "python", help="where Kiln's module is"
    )
    parser.add_argument("--out", type=Path, help="folder for the PNGs (default: a new temporary folder)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker-png", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--kiln-frame", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.frames < 1 or args.warmup < 0:
        parser.error(f"--frames must be at least 1 and --warmup at least 0, got {args.frames} and {args.warmup}")

    if args.kiln_frame:
        return kiln_frame(args.kiln_frame)
    if args.worker:
        return worker(argparse.Namespace(frames=args.frames, warmup=args.warmup, result=args.worker,
                                         png=args.worker_png))

    problems = missing_prerequisites()
    if problems:
        for p in problems:
            print("error: " + p, file=sys.stderr)
        return 2
    import make_golden

    out_dir = (args.out or Path(tempfile.mkdtemp(prefix="kiln-bench-llvmpipe-"))).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    print(f"250,000-triangle lit, textured sphere at {WIDTH}x{HEIGHT}: median of {args.frames} frames "
          f"after {args.warmup} warm-up frames; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}",
          flush=True)

    ogre = {}
    try:
        with make_golden.xvfb():
            for threads in THREADS:
                ogre[threads] = run_worker(threads, args, out_dir)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    same = all(np.array_equal(pngio.read_png(ogre[t]["png"]), pngio.read_png(ogre[THREADS[0]]["png"])) for t in THREADS)
    print(f"OGRE 1.12 GL3+ on {ogre[THREADS[0]]['device']}; {ogre[THREADS[0]]['covered']:.0%} of pixels covered; "
          f"frames with {' and '.join(map(str, THREADS))} threads {'identical' if same else 'DIFFER'}", flush=True)

    # Kiln that cannot be imported only leaves its rows out; Kiln that fails once imported is an error.
    kiln_times, comparison, kiln_skipped, kiln_errors = {}, None, None, []
    if args.no_kiln:
        kiln_skipped = "--no-kiln"
    else:
        kiln_skipped = kiln_problem(args)
    if kiln_skipped is None:
        try:
            kiln_times = run_kiln_bench(args)
        except RuntimeError as exc:
            kiln_errors.append(str(exc))
        try:
            kiln_png = out_dir / "kiln.png"
            run_kiln_frame(args, kiln_png)
            comparison = compare(pngio.read_png(kiln_png), pngio.read_png(ogre[THREADS[-1]]["png"]))
        except RuntimeError as exc:
            kiln_errors.append(str(exc))

    rows = []
    for threads in THREADS:
        r = ogre[threads]
        raw = statistics.median(u + b for u, b in r["frames"])
        readback = statistics.median(e[1] for e in r["empty"])
        r.update(raw=raw, readback=readback, net=raw - readback)
        rows.append(
            f"{'OGRE llvmpipe':14s} {threads:7d} {ms(raw):>9s} {ms(raw - readback):>15s}   "
            f"update {ms(statistics.median(u for u, _ in r['frames']))}, "
            f"readback after it {ms(statistics.median(b for _, b in r['frames']))}"
        )
    for threads, t in sorted(kiln_times.items()):
        r = ogre[threads]
        rows.append(
            f"{'Kiln':14s} {threads:7d} {ms(t):>9s} {'':15s}   "
            f"Kiln/llvmpipe {t / r['raw']:.2f}x raw, {t / r['net']:.2f}x minus readback"
        )
    print()
    print(f"{'engine':14s} {'threads':>7s} {'median ms':>9s} {'minus readback':>15s}")
    print("\n".join(rows))
    print()
    for threads in THREADS:
        r = ogre[threads]
        print(f"llvmpipe {threads} thread(s): one-pixel readback on the empty scene "
              f"{ms(statistics.median(e[1] for e in r['empty']))} ms after update() "
              f"(update {ms(statistics.median(e[0] for e in r['empty']))} ms), "
              f"{ms(statistics.median(e[2] for e in r['empty']))} ms with nothing left to draw")
    if len(THREADS) == 2:
        a, b = THREADS
        line = f"speed-up {b} vs {a} thread(s): llvmpipe {ogre[a]['raw'] / ogre[b]['raw']:.2f}x"
        if kiln_times:
            line += f", Kiln {kiln_times[a] / kiln_times[b]:.2f}x"
        print(line)

    status = 0
    if comparison is not None:
        ok = comparison["mean"] <= SHADED_MEAN and comparison["within16"] >= SHADED_FRACTION
        print(f"picture: Kiln vs OGRE mean |diff| {comparison['mean']:.2f}, {comparison['within3']:.2%} of pixels "
              f"within 3, {comparison['within16']:.2%} within {SHADED_WITHIN}, largest {comparison['max']}: "
              f"{'the same picture' if ok else 'DIFFERENT pictures'} (shaded tolerance: mean <= {SHADED_MEAN:g}, "
              f">= {SHADED_FRACTION:.0%} within {SHADED_WITHIN})")
        status = 0 if ok else 1
    if kiln_skipped is not None:
        print(f"Kiln not measured: {kiln_skipped}")
    for problem in kiln_errors:
        print(f"error: {problem}", file=sys.stderr)
        status = 1
    print(f"frames: {out_dir}")
    return status


if __name__ == "__main__":
    sys.exit(main())
