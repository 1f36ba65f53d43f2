"""The heavy scene (heavy_scene.py: a lit, textured 249,218-triangle sphere at 1280x720)
drawn by Kiln, by the original engine (OGRE 1.12 on Mesa llvmpipe) and by bare llvmpipe
through moderngl, every engine configuration in a process of its own.

Each process builds the scene, then draws frames: the camera's node yaws by 0.01 rad,
the target is rendered and read back into a NumPy array (Kiln: update(),
copy_contents_to_memory into a PF_BYTE_RGB PixelBox, kiln.numpy.view; OGRE: update(),
copyContentsToMemory into a PF_BYTE_RGB PixelBox, Ogre.Numpy.view; moderngl: the draw,
then fbo.read_into a NumPy array). Every engine draws the same frames (2 untimed, then
28 timed: the sphere stays in view for all of them) and reports their median, the
picture of its first frame, its thread count and its peak resident memory (ru_maxrss).
A process that only imports NumPy gives the memory floor.

- Kiln runs with 1 thread and with 2 (kiln.Root(num_threads=...)), each in processes of
  its own like the others, and once a round with both in one process, two Roots drawing
  in turn a few frames at a time (kiln_paired_worker): the speed-up from 1 to 2 threads
  is measured there, where both thread counts meet the same moments of a shared machine.
- OGRE runs under Debian's /usr/bin/python3 (python3-ogre-1.12) in its own Xvfb, GL3+
  render system, lit per vertex by the run-time shader system's FFP_Lighting stage as
  tests/golden/make_golden_3d.py sets it up.
- moderngl runs on a standalone EGL context (Mesa llvmpipe, no X); its GLSL program
  computes the fixed-function lighting per vertex: scene ambient, then per light its
  attenuated diffuse N.L and Blinn-Phong specular, the sums clamped after each light as
  the original engine's shaders do; the texture (mipmapped, linear within the nearest
  level) modulates the diffuse sum and the specular is added after texturing.
- llvmpipe reads LP_NUM_THREADS when it starts, so each thread count is its own
  process; the worker checks how many llvmpipe threads really started.

The pictures are compared: the mean absolute difference over all pixels and channels
between Kiln's and each peer's first frame is printed (a report, never a failure).

Run from the repository root (Kiln built into build/; make bench installs the rest):

    PYTHONPATH=build/python python3 bench/bench_heavy.py [--json out.json] [--pictures DIR]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from paths import DEBIAN_PYTHON  # noqa: E402  (also puts bench/ and tests/golden on the path)

SCRIPT = Path(__file__).resolve()

import heavy_scene as hs  # noqa: E402

WARMUP, FRAMES = 2, 28
ROUNDS = 5  # each configuration runs in 5 processes, one after the other engines' each time
ENGINES = ("kiln", "ogre", "moderngl")
THREADS = tuple(sorted({1, 2, os.cpu_count() or 1}))  # 1 -> 2 threads, and all cores


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def run_frames(frame, warmup=WARMUP, frames=FRAMES):
    """Call frame() warmup + frames times; return (median seconds of the timed calls,
    a copy of the first frame's picture). frame() returns the frame's array."""
    first = np.array(frame())
    for _ in range(warmup - 1):
        frame()
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        frame()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, first


# ---------------------------------------------------------------- Kiln


def kiln_worker(threads):
    import kiln
    import kiln.numpy

    root, win, cam_node = hs.kiln_scene(threads)
    mem = kiln.MemoryDataStream(hs.WIDTH * hs.HEIGHT * 3)
    pb = kiln.PixelBox(hs.WIDTH, hs.HEIGHT, 1, kiln.PF_BYTE_RGB, mem)

    def frame():
        cam_node.yaw(hs.YAW_PER_FRAME)
        win.update()
        win.copy_contents_to_memory(pb, pb)
        return kiln.numpy.view(pb)

    median, times, picture = run_frames(frame)
    return {"device": f"Kiln, {root.num_threads} thread(s)", "threads": root.num_threads,
            "median": median, "times": times}, picture


PAIRED_BLOCK, PAIRED_BLOCKS = 4, 14  # frames per block, blocks per thread count
PAIRED_THREADS = 2  # beside 1: the speed-up from 1 to 2 threads


def kiln_paired_worker(threads):
    """Kiln with 1 thread and with `threads` in one process, two Roots drawing the scene
    in turn, PAIRED_BLOCK frames each, the first of each pair swapped every time: both
    see the same moments of a shared machine, which separate processes seconds apart do
    not. Each Root draws the frames of kiln_worker, its camera yawed back every FRAMES."""
    import kiln
    import kiln.numpy

    scenes = {}
    for t in (1, threads):
        root, win, cam_node = hs.kiln_scene(t)
        mem = kiln.MemoryDataStream(hs.WIDTH * hs.HEIGHT * 3)
        pb = kiln.PixelBox(hs.WIDTH, hs.HEIGHT, 1, kiln.PF_BYTE_RGB, mem)
        scenes[t] = {"root": root, "win": win, "cam": cam_node, "mem": mem, "pb": pb, "drawn": 0}

    def frame(s):
        if s["drawn"] == WARMUP + FRAMES:
            s["cam"].yaw(-FRAMES * hs.YAW_PER_FRAME)
            s["drawn"] = WARMUP
        s["drawn"] += 1
        s["cam"].yaw(hs.YAW_PER_FRAME)
        s["win"].update()
        s["win"].copy_contents_to_memory(s["pb"], s["pb"])
        return kiln.numpy.view(s["pb"])

    for s in scenes.values():
        for _ in range(WARMUP):
            frame(s)
    times = {str(t): [] for t in scenes}
    order = list(scenes)
    for block in range(2 * PAIRED_BLOCKS):
        for t in order if block % 2 == 0 else order[::-1]:
            for _ in range(PAIRED_BLOCK):
                start = time.perf_counter()
                frame(scenes[t])
                times[str(t)].append(time.perf_counter() - start)
    return {"device": f"Kiln, 1 and {threads} threads in turn", "threads": threads, "median": None,
            "times": times}, None


# ---------------------------------------------------------------- OGRE 1.12 on llvmpipe


class OgreHeavyScene:
    """The heavy scene in the original engine, on a renderer of tests/golden/make_golden_3d.py."""

    def __init__(self, renderer):
        import bench_llvmpipe

        self.renderer = r = renderer
        self.Ogre = Ogre = r.Ogre
        self.scn = r.root.createSceneManager()
        r.shadergen.addSceneManager(self.scn)
        self.scn.setAmbientLight(Ogre.ColourValue(*hs.AMBIENT))
        # Ogre.Numpy.AsDataStream's stream owns its bytes: keep it until OGRE has read it.
        self._tex_mem = r.Numpy.AsDataStream(hs.checker())
        img = Ogre.Image()
        img.loadDynamicImage(self._tex_mem.getPtr(), hs.CHECKER_SIZE, hs.CHECKER_SIZE, Ogre.PF_BYTE_RGB)
        Ogre.TextureManager.getSingleton().loadImage("heavy_checker", "General", img)  # mipmapped
        # _material adds the per-vertex lighting stage, as for the golden scenes.
        spec = {"lighting": True, "diffuse": list(hs.DIFFUSE) + [1.0], "specular": list(hs.SPECULAR) + [1.0],
                "shininess": hs.SHININESS, "texture_units": [{"texture": "checker"}]}
        r._material("heavy_lit", spec, {"checker": "heavy_checker"})
        positions, normals, uvs, indices = hs.sphere()
        self.mesh = bench_llvmpipe.ogre_mesh(Ogre, r.Numpy, "heavy_sphere", "heavy_lit",
                                             positions, normals, uvs, indices)
        self.entity = self.scn.createEntity("sphere", self.mesh)
        root_node = self.scn.getRootSceneNode()
        root_node.createChildSceneNode().attachObject(self.entity)
        sun = self.scn.createLight("sun")
        sun.setType(Ogre.Light.LT_DIRECTIONAL)
        sun.setDirection(Ogre.Vector3(*hs.SUN_DIRECTION))
        root_node.createChildSceneNode().attachObject(sun)
        lamp = self.scn.createLight("lamp")
        lamp.setType(Ogre.Light.LT_POINT)
        lamp.setDiffuseColour(Ogre.ColourValue(*hs.LAMP_DIFFUSE))
        lamp_node = root_node.createChildSceneNode()
        lamp_node.attachObject(lamp)
        lamp_node.setPosition(*hs.LAMP_POSITION)
        cam = self.scn.createCamera("cam")
        cam.setNearClipDistance(hs.NEAR)
        cam.setFarClipDistance(hs.FAR)
        cam.setAutoAspectRatio(True)
        self.cam_node = root_node.createChildSceneNode()
        self.cam_node.attachObject(cam)
        self.cam_node.setPosition(*hs.CAMERA_POSITION)
        self.rtt = Ogre.TextureManager.getSingleton().createManual(
            "heavy_rt", "General", Ogre.TEX_TYPE_2D, hs.WIDTH, hs.HEIGHT, 1, 0, Ogre.PF_BYTE_RGB,
            Ogre.TU_RENDERTARGET)
        self.target = self.rtt.getBuffer().getRenderTarget()
        self.target.setAutoUpdated(False)
        self.target.addViewport(cam).setBackgroundColour(Ogre.ColourValue(*hs.BACKGROUND))
        self._out_mem = Ogre.MemoryDataStream(hs.WIDTH * hs.HEIGHT * 3)
        self._out = Ogre.PixelBox(hs.WIDTH, hs.HEIGHT, 1, Ogre.PF_BYTE_RGB, self._out_mem.getPtr())
        self._yaw = Ogre.Radian(hs.YAW_PER_FRAME)

    def frame(self):
        self.cam_node.yaw(self._yaw)
        self.target.update()
        self.target.copyContentsToMemory(self._out, self._out)
        return self.renderer.Numpy.view(self._out)

    def close(self):
        # Everything holding OGRE buffers goes before the render system does.
        r, Ogre = self.renderer, self.Ogre
        self.target.removeAllViewports()
        self.scn.destroyEntity(self.entity)
        r.shadergen.removeSceneManager(self.scn)
        r.root.destroySceneManager(self.scn)
        Ogre.MeshManager.getSingleton().remove("heavy_sphere", "General")
        r.shadergen.removeAllShaderBasedTechniques("heavy_lit", "General")
        Ogre.MaterialManager.getSingleton().remove("heavy_lit", "General")
        texmgr = Ogre.TextureManager.getSingleton()
        texmgr.remove("heavy_rt", "General")
        texmgr.remove("heavy_checker", "General")
        del self.mesh, self.entity, self.rtt, self.target


def ogre_worker(threads):
    import bench_llvmpipe
    import make_golden
    import make_golden_3d

    errors = []
    with make_golden.ogre_session("kiln-bench-ogre-", make_golden_3d.Renderer3D, errors) as renderer:
        scene = OgreHeavyScene(renderer)
        try:
            median, times, picture = run_frames(scene.frame)
            started = bench_llvmpipe.llvmpipe_threads()
        finally:
            scene.close()
        device = renderer.device
    result = {"device": f"OGRE 1.12 GL3+ on {device}", "threads": started, "median": median, "times": times}
    if errors:
        result["problems"] = errors
    return result, picture


# ---------------------------------------------------------------- bare llvmpipe through moderngl

VERTEX_SHADER = """
#version 330
uniform mat4 view;
uniform mat4 projection;
uniform vec3 ambient;            // scene ambient x material ambient (1) + emissive (0)
uniform vec3 sun_to_light;       // minus the light's direction in view space, as given (not normalised)
uniform vec3 sun_diffuse;        // light diffuse x material diffuse
uniform vec3 sun_specular;       // light specular x material specular
uniform vec3 lamp_position;      // in view space
uniform vec4 lamp_attenuation;   // range, constant, linear, quadratic
uniform vec3 lamp_diffuse;
uniform vec3 lamp_specular;
uniform float shininess;
in vec3 in_position;
in vec3 in_normal;
in vec2 in_uv;
out vec3 v_diffuse;
out vec3 v_specular;
out vec2 v_uv;

void main() {
    vec4 position = view * vec4(in_position, 1.0);
    gl_Position = projection * position;
    vec3 n = normalize(mat3(view) * in_normal);
    vec3 to_eye = normalize(-position.xyz);
    vec3 diffuse = ambient;
    vec3 specular = vec3(0.0);

    float n_dot_l = dot(n, sun_to_light);
    if (n_dot_l > 0.0) {
        vec3 half_way = normalize(to_eye + sun_to_light);
        diffuse = clamp(diffuse + sun_diffuse * n_dot_l, 0.0, 1.0);
        specular = clamp(specular + sun_specular * pow(clamp(dot(n, half_way), 0.0, 1.0), shininess), 0.0, 1.0);
    }

    vec3 to_lamp = lamp_position - position.xyz;
    float distance = length(to_lamp);
    to_lamp = normalize(to_lamp);
    n_dot_l = dot(n, to_lamp);
    if (n_dot_l > 0.0 && distance <= lamp_attenuation.x) {
        float attenuation = 1.0 / (lamp_attenuation.y + lamp_attenuation.z * distance
                                   + lamp_attenuation.w * distance * distance);
        vec3 half_way = normalize(to_eye + to_lamp);
        diffuse = clamp(diffuse + lamp_diffuse * n_dot_l * attenuation, 0.0, 1.0);
        specular = clamp(specular + lamp_specular * pow(clamp(dot(n, half_way), 0.0, 1.0), shininess)
                         * attenuation, 0.0, 1.0);
    }
    v_diffuse = diffuse;
    v_specular = specular;
    v_uv = in_uv;
}
"""

FRAGMENT_SHADER = """
#version 330
uniform sampler2D checker;
in vec3 v_diffuse;
in vec3 v_specular;
in vec2 v_uv;
out vec4 colour;

void main() {
    colour = vec4(v_diffuse * texture(checker, v_uv).rgb + v_specular, 1.0);
}
"""


def yaw_matrix(angle):
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, 0, s, 0], [0, 1, 0, 0], [-s, 0, c, 0], [0, 0, 0, 1]])


def view_matrix(yaw):
    """The inverse of the camera node's transform: translate to its position, then yaw."""
    translate = np.eye(4)
    translate[:3, 3] = hs.CAMERA_POSITION
    return np.linalg.inv(translate @ yaw_matrix(yaw))


def projection_matrix():
    f = 1.0 / np.tan(hs.FOV_Y / 2)
    n, fa, aspect = hs.NEAR, hs.FAR, hs.WIDTH / hs.HEIGHT
    return np.array([[f / aspect, 0, 0, 0], [0, f, 0, 0],
                     [0, 0, (fa + n) / (n - fa), 2 * fa * n / (n - fa)], [0, 0, -1, 0]])


def gl_matrix(m):
    return np.ascontiguousarray(m.T, dtype="f4").tobytes()  # GL reads column-major


def moderngl_worker(threads):
    import moderngl

    import bench_llvmpipe

    ctx = moderngl.create_standalone_context(backend="egl")
    prog = ctx.program(vertex_shader=VERTEX_SHADER, fragment_shader=FRAGMENT_SHADER)
    positions, normals, uvs, indices = hs.sphere()
    verts = np.ascontiguousarray(np.concatenate([positions, normals, uvs], axis=1), np.float32)
    vbo = ctx.buffer(verts.tobytes())
    ibo = ctx.buffer(np.ascontiguousarray(indices, np.uint32).tobytes())
    vao = ctx.vertex_array(prog, [(vbo, "3f 3f 2f", "in_position", "in_normal", "in_uv")],
                           index_buffer=ibo, index_element_size=4)
    tex = ctx.texture((hs.CHECKER_SIZE, hs.CHECKER_SIZE), 3, hs.checker().tobytes(), alignment=1)
    tex.build_mipmaps()
    # The original engine's default filtering: linear within the nearest mipmap level.
    tex.filter = (moderngl.LINEAR_MIPMAP_NEAREST, moderngl.LINEAR)
    tex.repeat_x = tex.repeat_y = True
    tex.use(0)
    prog["checker"].value = 0
    fbo = ctx.framebuffer(color_attachments=[ctx.renderbuffer((hs.WIDTH, hs.HEIGHT), 3)],
                          depth_attachment=ctx.depth_renderbuffer((hs.WIDTH, hs.HEIGHT)))
    ctx.enable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
    ctx.front_face, ctx.cull_face = "ccw", "back"

    prog["projection"].write(gl_matrix(projection_matrix()))
    prog["ambient"].value = hs.AMBIENT
    prog["sun_diffuse"].value = hs.DIFFUSE  # white light x white material
    prog["sun_specular"].value = tuple(a * b for a, b in zip(hs.LIGHT_SPECULAR, hs.SPECULAR))
    prog["lamp_attenuation"].value = hs.LAMP_ATTENUATION
    prog["lamp_diffuse"].value = tuple(a * b for a, b in zip(hs.LAMP_DIFFUSE, hs.DIFFUSE))
    prog["lamp_specular"].value = tuple(a * b for a, b in zip(hs.LIGHT_SPECULAR, hs.SPECULAR))
    prog["shininess"].value = hs.SHININESS
    out = np.empty((hs.HEIGHT, hs.WIDTH, 3), np.uint8)
    state = {"yaw": 0.0}

    def frame():
        state["yaw"] += hs.YAW_PER_FRAME
        view = view_matrix(state["yaw"])
        prog["view"].write(gl_matrix(view))
        prog["sun_to_light"].value = tuple(-(view[:3, :3] @ np.array(hs.SUN_DIRECTION)))
        prog["lamp_position"].value = tuple((view @ np.array(hs.LAMP_POSITION + (1.0,)))[:3])
        fbo.use()
        fbo.clear(*hs.BACKGROUND, 1.0, depth=1.0)
        vao.render(moderngl.TRIANGLES)
        fbo.read_into(out, components=3, alignment=1)  # waits for the frame
        return out[::-1]  # GL's rows run bottom up

    median, times, picture = run_frames(frame)
    device = ctx.info["GL_RENDERER"]
    started = bench_llvmpipe.llvmpipe_threads()
    ctx.release()
    return {"device": f"moderngl {moderngl.__version__} on {device} (EGL)", "threads": started,
            "median": median, "times": times}, picture


def numpy_worker(threads):
    return {"device": "python3 -c 'import numpy'", "threads": 0, "median": None, "times": []}, None


WORKERS = {"kiln": kiln_worker, "kilnpaired": kiln_paired_worker, "ogre": ogre_worker, "moderngl": moderngl_worker, "numpy": numpy_worker}


def worker(engine, threads, result_path, picture_path):
    result, picture = WORKERS[engine](threads)
    result["peak_rss_mb"] = peak_rss_mb()
    if picture is not None:
        np.save(picture_path, picture)
    Path(result_path).write_text(json.dumps(result))
    return 0


# ---------------------------------------------------------------- the parent


def last_lines(text, count=8):
    return "\n".join(text.strip().splitlines()[-count:]) or "no message"


def run_worker(engine, threads, workdir, debian_python):
    """Measure one engine configuration in a subprocess; its result, or {"error": ...}."""
    Path(workdir).mkdir(parents=True, exist_ok=True)
    result_path = Path(workdir) / f"{engine}_{threads}.json"
    picture_path = Path(workdir) / f"{engine}_{threads}.npy"
    python = debian_python if engine == "ogre" else sys.executable
    env = dict(os.environ, LP_NUM_THREADS=str(threads), GALLIUM_DRIVER="llvmpipe", MESA_SHADER_CACHE_DISABLE="true")
    if engine == "ogre":
        env.pop("PYTHONPATH", None)  # Kiln's module is built for the project's Python, not Debian's
    cmd = [python, str(SCRIPT), "--worker", engine, str(threads), str(result_path), str(picture_path)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not result_path.exists():
        return {"error": f"exit status {proc.returncode}: {last_lines(proc.stderr or proc.stdout)}"}
    result = json.loads(result_path.read_text())
    if picture_path.exists():
        result["picture"] = str(picture_path)
    return result


def mean_difference(a, b):
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def measure(rounds=ROUNDS, debian_python=DEBIAN_PYTHON, pictures=None, log=print):
    """Every configuration, rounds times over (each time a new process), then the comparisons.
    Returns a JSON-ready dictionary."""
    out = {"warmup": WARMUP, "frames": FRAMES, "rounds": rounds, "triangles": hs.TRIANGLES,
           "size": [hs.WIDTH, hs.HEIGHT], "runs": {}, "differences": {}}
    with tempfile.TemporaryDirectory(prefix="kiln-bench-heavy-") as workdir:
        configs = [("numpy", 0)] + [(e, t) for e in ENGINES for t in THREADS]
        for round_ in range(rounds):
            for engine, threads in configs:
                key = f"{engine}_{threads}"
                r = run_worker(engine, threads, Path(workdir) / f"round{round_}", debian_python)
                first = out["runs"].get(key)
                if first is None or ("error" in first and "error" not in r):
                    out["runs"][key] = r
                elif "error" in r:
                    first.setdefault("problems", []).append(f"round {round_ + 1}: {r['error']}")
                elif "error" not in first:
                    # Later rounds add frames; the picture stays the first round's.
                    first["times"] += r["times"]
                    first["peak_rss_mb"] = max(first["peak_rss_mb"], r["peak_rss_mb"])
            # Kiln's thread counts side by side in one process (kiln_paired_worker).
            r = run_worker("kilnpaired", PAIRED_THREADS, Path(workdir) / f"round{round_}", debian_python)
            paired = out.setdefault("paired", {"block": PAIRED_BLOCK, "times": {}, "problems": []})
            if "error" in r:
                paired["problems"].append(f"round {round_ + 1}: {r['error']}")
            else:
                for t, times in r["times"].items():
                    paired["times"].setdefault(t, []).extend(times)
        for key, r in out["runs"].items():
            engine, threads = key.split("_")
            if r.get("times"):
                r["median"] = statistics.median(r["times"])
            if "error" in r:
                log(f"  {engine} ({threads} threads): FAILED {r['error']}")
            elif r["median"] is None:
                log(f"  {r['device']}: peak RSS {r['peak_rss_mb']:.0f} MB")
            else:
                log(f"  {r['device']} [{r['threads']} threads]: {r['median'] * 1e3:.1f} ms median of {len(r['times'])} "
                    f"({1 / r['median']:.1f} fps), peak RSS {r['peak_rss_mb']:.0f} MB")
        paired = out.get("paired", {})
        if paired.get("times"):
            paired["medians"] = {t: statistics.median(v) for t, v in paired["times"].items()}
            m = paired["medians"]
            log(f"  Kiln, 1 and {PAIRED_THREADS} threads in turn in one process: "
                + ", ".join(f"{t} thread(s) {v * 1e3:.1f} ms" for t, v in m.items())
                + f" ({m['1'] / m[str(PAIRED_THREADS)]:.2f}x)")
        for problem in paired.get("problems", []):
            log(f"  Kiln, thread counts in turn: FAILED {problem}")
        images = {}
        for key, r in out["runs"].items():
            if "picture" in r:
                images[key] = np.load(r["picture"])
                if pictures is not None:
                    Path(pictures).mkdir(parents=True, exist_ok=True)
                    np.save(Path(pictures) / f"heavy_{key}.npy", images[key])
                del r["picture"]
    kiln_keys = [k for k in images if k.startswith("kiln_")]
    if kiln_keys:
        ref = images[kiln_keys[-1]]
        for key, img in images.items():
            if key != kiln_keys[-1]:
                out["differences"][key] = mean_difference(ref, img)
                log(f"  picture: mean |Kiln {kiln_keys[-1].split('_')[1]} threads - {key}| = "
                    f"{out['differences'][key]:.3f} (of 255, over all pixels and channels)")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--pictures", type=Path, help="keep each engine's first frame here (.npy)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="processes per configuration (default: %(default)s)")
    parser.add_argument("--debian-python", default=DEBIAN_PYTHON, help="the Python with python3-ogre-1.12")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        engine, threads, result_path, picture_path = args.worker
        return worker(engine, int(threads), result_path, picture_path)
    print(f"heavy scene: {hs.TRIANGLES:,} triangles at {hs.WIDTH}x{hs.HEIGHT}, median of {args.rounds} x {FRAMES} "
          f"frames, each process after {WARMUP}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}",
          flush=True)
    out = measure(args.rounds, args.debian_python, args.pictures, log=lambda s: print(s, flush=True))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
