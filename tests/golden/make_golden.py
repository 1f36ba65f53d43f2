"""Render Kiln's golden images with the reference engine, OGRE 1.12.

Each scene is the seed tutorial's scene (a textured Rectangle2D drawn with
lighting off over a background colour, see docs/working-with-numpy.md)
with one thing changed: the target size, the rectangle's corners, the texture,
the background colour, the texture filtering or the texture addressing mode.
For every scene this writes, next to this file,

    <name>.png   the render, read back from the GPU as 8-bit RGB
    <name>.json  every parameter needed to draw the scene again

The texels come from textures.py, which tests/python/test_golden.py imports too.

Regenerate all goldens from the repository root with Debian's Python, which has
python3-ogre-1.12 (the packages python3-ogre-1.12, python3-numpy, xvfb and
libgl1-mesa-dri must be installed; nothing else needs to be set up):

    /usr/bin/python3 tests/golden/make_golden.py

or only some of them with ``... make_golden.py rect_tiny bg_white``; ``--list``
prints the scene names. The script starts its own Xvfb on a free display
(``-displayfd``), renders with OGRE's "OpenGL 3+ Rendering Subsystem" on Mesa's
llvmpipe into an offscreen render texture, stops Xvfb and exits non-zero if the
two seed scenes differ by a single byte from the original engine's renders the
project started from, in reference/ beside this file, which proves this script
draws the scene those were made from.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import pngio
import textures

GOLDEN_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = GOLDEN_DIR / "reference"

# The tutorial's scene: what every other scene starts from.
SEED = {
    "size": [640, 480],
    "corners": [-0.5, 0.5, 0.5, -0.5],
    "bg": [0.3, 0.3, 0.3],
    "texture": {"kind": "gradient", "width": 256, "height": 256, "seed": 0},
    "filtering": "bilinear",
    "addressing": "wrap",
}

NOISE_64x32 = {"kind": "noise", "width": 64, "height": 32, "seed": 1}
# Minification needs more texels than the rectangle has pixels.
NOISE_256 = {"kind": "noise", "width": 256, "height": 256, "seed": 2}
# Texels 20x15 pixels wide make the band where the edge texels blend with their
# neighbour across the border (which is what the addressing mode decides) cover
# about 3% of the image.
NOISE_16 = {"kind": "noise", "width": 16, "height": 16, "seed": 3}


def _ndc(x0, y0, x1, y1, width, height):
    """Corners (l, t, r, b) in normalised screen space of a pixel-space rectangle."""
    # Rounded so the JSON reads 0.6425, not 0.6425000000000001; the shift is far below a pixel.
    corners = [2.0 * x0 / width - 1.0, 1.0 - 2.0 * y0 / height, 2.0 * x1 / width - 1.0, 1.0 - 2.0 * y1 / height]
    return [round(c, 12) for c in corners]


def _scene(name, **changes):
    scene = json.loads(json.dumps(SEED))
    scene.update(changes)
    scene["name"] = name
    return scene


SCENES = [
    _scene("seed_1280x1024", size=[1280, 1024]),
    _scene("seed_640x480"),
    # Target sizes; 333x257 puts the rectangle's edges a quarter pixel off the grid.
    _scene("size_320x240", size=[320, 240]),
    _scene("size_200x150", size=[200, 150]),
    _scene("size_800x600", size=[800, 600]),
    _scene("size_333x257", size=[333, 257]),
    # Rectangles: the whole target, off-centre, reaching the top-right, and about
    # 10x7 pixels (which also minifies the texture 25 times: mip level 5).
    _scene("rect_full", corners=[-1.0, 1.0, 1.0, -1.0]),
    _scene("rect_offcentre", corners=[-0.9, 0.3, 0.1, -0.7]),
    _scene("rect_topright", corners=[0.2, 0.9, 0.95, -0.2]),
    _scene("rect_tiny", corners=[0.1, 0.1, 0.13, 0.07]),
    # Textures, magnified 2.5x (256x256) or 5x by 7.5x (64x32) with bilinear filtering.
    _scene("tex_checker", texture={"kind": "checker", "width": 256, "height": 256, "seed": 0}),
    _scene("tex_noise", texture=NOISE_64x32),
    _scene("tex_rgb", texture={"kind": "rgb", "width": 256, "height": 256, "seed": 0}),
    # Background colours; 0.1 and 0.9 land on half-way 8-bit values (25.5, 229.5).
    _scene("bg_black", bg=[0.0, 0.0, 0.0]),
    _scene("bg_white", bg=[1.0, 1.0, 1.0]),
    _scene("bg_blue", bg=[0.1, 0.5, 0.9]),
    # Nearest filtering magnified exactly 5x: texel edges fall on pixel edges, so
    # no pixel centre sits on a texel boundary where rounding could go either way.
    _scene("filter_none_magnified", filtering="none", texture=NOISE_64x32, corners=_ndc(160, 160, 480, 320, 640, 480)),
    # Nearest filtering minified exactly 2x with the rectangle a quarter pixel off
    # the grid, so every sample lands half-way inside a texel.
    _scene(
        "filter_none_minified",
        filtering="none",
        texture=NOISE_256,
        size=[200, 150],
        corners=_ndc(36.25, 11.25, 164.25, 139.25, 200, 150),
    ),
    # Minified 2.56x: level of detail log2(2.56) = 1.36, so the default filter
    # (linear within a level, nearest level) reads mip level 1 and trilinear
    # blends levels 1 and 2 with weight 0.36.
    _scene(
        "filter_bilinear_minified",
        texture=NOISE_256,
        size=[200, 150],
        corners=_ndc(50, 25, 150, 125, 200, 150),
    ),
    _scene(
        "filter_trilinear_minified",
        filtering="trilinear",
        texture=NOISE_256,
        size=[200, 150],
        corners=_ndc(50, 25, 150, 125, 200, 150),
    ),
    # Addressing only matters in the half texel along the rectangle's border, where
    # bilinear filtering reaches across the texture's edge (clamp and mirror agree
    # there; wrap blends with the opposite edge).
    _scene("addr_wrap", texture=NOISE_16),
    _scene("addr_clamp", texture=NOISE_16, addressing="clamp"),
    _scene("addr_mirror", texture=NOISE_16, addressing="mirror"),
]

SCENE_KEYS = ("name", "size", "corners", "bg", "texture", "filtering", "addressing")

RESOURCES_CFG = """\
[OgreInternal]
FileSystem=/usr/share/OGRE/Media/ShadowVolume
FileSystem=/usr/share/OGRE/Media/RTShaderLib/materials
FileSystem=/usr/share/OGRE/Media/RTShaderLib/GLSL
[General]
FileSystem=/usr/share/OGRE/Media
"""


@contextlib.contextmanager
def xvfb():
    """Run Xvfb on a display it picks itself and point DISPLAY at it."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            display = pipe.readline().strip()
        if not display:
            raise RuntimeError(f"Xvfb exited with status {proc.wait()} before reporting a display")
        old = os.environ.get("DISPLAY")
        os.environ["DISPLAY"] = ":" + display
        try:
            yield os.environ["DISPLAY"]
        finally:
            if old is None:
                del os.environ["DISPLAY"]
            else:
                os.environ["DISPLAY"] = old
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Renderer:
    """OGRE set up as in the seed tutorial, drawing into offscreen render textures."""

    def __init__(self, workdir):
        import Ogre
        import Ogre.Bites
        import Ogre.Numpy
        import Ogre.RTShader

        self.Ogre = Ogre
        self.Numpy = Ogre.Numpy
        # Claim the log before Root does so it goes to a file, not to stdout.
        self.log_manager = Ogre.LogManager()
        self.log_manager.createLog(str(Path(workdir) / "ogre.log"), True, False, False)

        class App(Ogre.Bites.ApplicationContext):
            def oneTimeConfig(self):
                # Choosing the render system here skips OGRE's interactive config dialog.
                root = self.getRoot()
                rs = root.getRenderSystemByName("OpenGL 3+ Rendering Subsystem")
                if rs is None:
                    raise RuntimeError("OGRE has no 'OpenGL 3+ Rendering Subsystem' plugin")
                rs.setConfigOption("Full Screen", "No")
                root.setRenderSystem(rs)
                return True

        self.app = App("KilnGolden")
        self.app.initApp()
        self.root = self.app.getRoot()
        self.shadergen = Ogre.RTShader.ShaderGenerator.getSingleton()
        self.device = self.root.getRenderSystem().getCapabilities().getDeviceName()
        self.count = 0

    def close(self):
        self.app.closeApp()

    def render(self, scene):
        """Draw one scene; return the render and the texels it used."""
        Ogre = self.Ogre
        self.count += 1
        tag = f"{scene['name']}_{self.count}"
        texmgr = Ogre.TextureManager.getSingleton()
        matmgr = Ogre.MaterialManager.getSingleton()
        scn = self.root.createSceneManager()
        self.shadergen.addSceneManager(scn)
        try:
            return self._draw(scene, scn, tag)
        finally:
            # The shader generator keeps the scene manager's address, and OGRE hangs
            # on shutdown if it outlives the scene manager, so drop it first.
            self.shadergen.removeSceneManager(scn)
            self.root.destroySceneManager(scn)
            for manager, prefix in ((texmgr, "rt_"), (matmgr, "mat_"), (texmgr, "tex_")):
                if manager.resourceExists(prefix + tag, "General"):
                    manager.remove(prefix + tag, "General")

    def _draw(self, scene, scn, tag):
        Ogre = self.Ogre
        width, height = scene["size"]
        texmgr = Ogre.TextureManager.getSingleton()

        # The tutorial's steps, from "numpy_image" to "zero_copy_view".
        spec = scene["texture"]
        arr = textures.make_texture(spec)
        mem = self.Numpy.AsDataStream(arr)
        img = Ogre.Image()
        img.loadDynamicImage(mem.getPtr(), spec["width"], spec["height"], Ogre.PF_BYTE_RGB)
        texmgr.loadImage("tex_" + tag, "General", img)

        mat = Ogre.MaterialManager.getSingleton().create("mat_" + tag, "General")
        rpass = mat.getTechniques()[0].getPasses()[0]
        rpass.setLightingEnabled(False)
        tus = rpass.createTextureUnitState("tex_" + tag)
        tus.setTextureFiltering(
            {"bilinear": Ogre.TFO_BILINEAR, "none": Ogre.TFO_NONE, "trilinear": Ogre.TFO_TRILINEAR}[scene["filtering"]]
        )
        tus.setTextureAddressingMode(
            {"wrap": Ogre.TAM_WRAP, "clamp": Ogre.TAM_CLAMP, "mirror": Ogre.TAM_MIRROR}[scene["addressing"]]
        )

        rect = Ogre.Rectangle2D(True)
        rect.setCorners(*scene["corners"])
        rect.setMaterial(mat)
        # As in the tutorial's sample: never cull the rectangle.
        rect.setBoundingBox(Ogre.AxisAlignedBox.BOX_INFINITE)
        node = scn.getRootSceneNode().createChildSceneNode()
        node.attachObject(rect)
        cam = scn.createCamera("cam")

        # Offscreen instead of the tutorial's window, so the size is exact.
        rtt = texmgr.createManual(
            "rt_" + tag, "General", Ogre.TEX_TYPE_2D, width, height, 1, 0, Ogre.PF_BYTE_RGB, Ogre.TU_RENDERTARGET
        )
        target = rtt.getBuffer().getRenderTarget()
        vp = target.addViewport(cam)
        vp.setBackgroundColour(Ogre.ColourValue(*scene["bg"]))
        target.update()

        out_mem = Ogre.MemoryDataStream(width * height * 3)
        pb = Ogre.PixelBox(width, height, 1, Ogre.PF_BYTE_RGB, out_mem.getPtr())
        target.copyContentsToMemory(pb, pb)
        out = self.Numpy.view(pb).copy()

        target.removeAllViewports()
        # Python owns the rectangle; detach it before the scene manager goes.
        node.detachObject(rect)
        return out, arr


def to_json(record):
    """One key per line, each value on one line: easy to read and to diff."""
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in record.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def check_against_reference(scene, out):
    """Return an error message if a seed render is not byte-identical to the reference."""
    ref_path = REFERENCE_DIR / (scene["name"] + ".png")
    if not ref_path.exists():
        return f"{scene['name']}: reference {ref_path} is missing, so the scene could not be checked"
    ref = pngio.read_png(ref_path)
    if ref.shape != out.shape:
        return f"{scene['name']}: render is {out.shape}, reference {ref_path} is {ref.shape}"
    diff = np.abs(ref.astype(np.int16) - out.astype(np.int16))
    if diff.any():
        return (
            f"{scene['name']}: render differs from {ref_path} in {int((diff.max(axis=2) > 0).sum())} pixels "
            f"(largest difference {int(diff.max())})"
        )
    return None


def parse_arguments(argv, description, scenes, default_out):
    """The command line both golden generators share: which scenes (all by default) and
    the output folder. Returns (parser, scenes, out_dir); scenes is None after --list."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("names", nargs="*", help="scenes to render (default: all)")
    parser.add_argument("--list", action="store_true", help="print the scene names and exit")
    parser.add_argument("--out", type=Path, default=default_out, help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(s["name"] for s in scenes))
        return parser, None, None
    known = {s["name"]: s for s in scenes}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown scene(s) {', '.join(unknown)}; --list shows the names")
    return parser, ([known[n] for n in args.names] if args.names else scenes), args.out.resolve()


@contextlib.contextmanager
def ogre_session(prefix, renderer_class, errors):
    """A headless OGRE on Mesa llvmpipe: a temporary working folder with our
    resources.cfg, its own Xvfb, and a renderer of renderer_class, closed on the way out.
    Appends to errors when the device is not llvmpipe."""
    with tempfile.TemporaryDirectory(prefix=prefix) as workdir:
        (Path(workdir) / "resources.cfg").write_text(RESOURCES_CFG)
        # Debian's stock resources.cfg names media it does not ship; ours lists only what exists.
        os.environ["OGRE_CONFIG_DIR"] = workdir
        # The reference renders come from Mesa's CPU rasterizer; keep its shader cache out of $HOME.
        os.environ["GALLIUM_DRIVER"] = "llvmpipe"
        os.environ["MESA_SHADER_CACHE_DISABLE"] = "true"
        cwd = os.getcwd()
        # OGRE writes ogre.cfg into the working directory.
        os.chdir(workdir)
        try:
            with xvfb() as display:
                renderer = renderer_class(workdir)
                try:
                    print(f"OGRE on {renderer.device} (Xvfb {display})")
                    if "llvmpipe" not in renderer.device:
                        errors.append(f"render device is {renderer.device!r}, the goldens are defined by llvmpipe")
                    yield renderer
                finally:
                    renderer.close()
        finally:
            os.chdir(cwd)


def main(argv=None):
    _, scenes, out_dir = parse_arguments(argv, __doc__.split("\n\n")[0], SCENES, GOLDEN_DIR)
    if scenes is None:
        return 0
    out_dir.mkdir(parents=True, exist_ok=True)

    errors = []
    with ogre_session("kiln-golden-ogre-", Renderer, errors) as renderer:
        for scene in scenes:
            out, texels = renderer.render(scene)
            record = {key: scene[key] for key in SCENE_KEYS}
            record["texture"] = dict(scene["texture"], sha256=textures.texels_sha256(texels))
            pngio.write_png(out_dir / (scene["name"] + ".png"), out)
            (out_dir / (scene["name"] + ".json")).write_text(to_json(record))
            note = ""
            if scene["name"].startswith("seed_"):
                problem = check_against_reference(scene, out)
                if problem:
                    errors.append(problem)
                note = "  (matches the reference)" if problem is None else "  MISMATCH"
            print(f"{scene['name']:28s} {scene['size'][0]}x{scene['size'][1]}{note}", flush=True)

    for problem in errors:
        print("error: " + problem, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
