"""Process start to the first frame in an array, beside process start to NumPy imported.

Both are the wall time of a `python3 -c` subprocess, from starting it to its exit:
- the tutorial's first frame: import kiln and kiln.numpy, build the tutorial scene at
  640x480 (texture from a NumPy array, material, Rectangle2D, camera, PF_BYTE_RGB
  render texture), render it, copy it into a PixelBox and view it with kiln.numpy.view;
- the baseline: `python3 -c "import numpy"`.
The two alternate, and each reports the best of its runs (start-up time only has noise
on top of it, never below). Python may cache the modules' bytecode, as it does after
`pip install .`.

Run: PYTHONPATH=build/python python3 bench/bench_startup.py [--runs 9] [--json out.json]"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

FIRST_FRAME = """\
import numpy as np
import kiln, kiln.numpy
root = kiln.Root()
scene = root.create_scene_manager()
arr = np.zeros((256, 256, 3), np.uint8); arr[:, :, 1] = np.arange(256)
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
win = root.create_render_texture("window", 640, 480, kiln.PF_BYTE_RGB)
win.add_viewport(scene.create_camera("cam")).background_colour = (0.3, 0.3, 0.3)
win.update()
pb = kiln.PixelBox(640, 480, 1, kiln.PF_BYTE_RGB, kiln.MemoryDataStream(640 * 480 * 3))
win.copy_contents_to_memory(pb, pb)
frame = kiln.numpy.view(pb)
assert frame.shape == (480, 640, 3) and frame[240, 320, 1] > 0
"""
IMPORT_NUMPY = "import numpy"


# As after `pip install .`, which compiles the modules: bytecode may be cached, and the
# warm-up run below caches it.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall_time(code):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=ENV)
    return time.perf_counter() - start


def measure(runs, log=print):
    wall_time(FIRST_FRAME)  # the first run after a build also fills the file cache
    first, numpy = [], []
    for _ in range(runs):
        first.append(wall_time(FIRST_FRAME))
        numpy.append(wall_time(IMPORT_NUMPY))
    out = {"runs": runs, "first_frame": min(first), "import_numpy": min(numpy),
           "first_frame_all": first, "import_numpy_all": numpy}
    log(f"  start to the first frame in an array: {out['first_frame'] * 1e3:.0f} ms; "
        f"python3 -c 'import numpy': {out['import_numpy'] * 1e3:.0f} ms (best of {runs})")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    out = measure(args.runs, log=lambda s: print(s, flush=True))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
