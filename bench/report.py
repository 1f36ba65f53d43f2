"""Writes docs/benchmarks.md and its plots from the results bench/run_all.py collected.

The results are one JSON file with a section per benchmark script (bench_tutorial.py,
bench_heavy.py, bench_numpy.py, bench_startup.py) and a description of the machine.
The page has a table of every figure beside its baseline from the same run, the team's
targets with pass or short for each, and the plots docs/images/bench_fps.png (frames per
second of each engine) and docs/images/bench_heavy.png (each engine's picture of the
heavy scene).

Run: python3 bench/report.py build/bench/results.json   (make bench does it)"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DOC = REPO_ROOT / "docs" / "benchmarks.md"
IMAGES = REPO_ROOT / "docs" / "images"
FPS_PLOT = IMAGES / "bench_fps.png"
HEAVY_PLOT = IMAGES / "bench_heavy.png"
# The heavy scene's pictures are shown whole and as this part at full size.
PICTURE_CROP = (slice(110, 350), slice(620, 940))
PICTURE_CROP_LABEL = "(620, 110) to (940, 350)"
GIB = float(1 << 30)
SIZES = ("640x480", "1280x1024", "1920x1080")

# The team's targets (the page shows pass or short for each).
TUTORIAL_PATH_X = 5.0
TUTORIAL_RENDER_X = 10.0
TUTORIAL_ARRAY_X = 10.0
HEAVY_X = 2.5
HEAVY_SCALING = 1.8
HEAVY_RSS_MB = 120.0
AS_DATA_STREAM_X = 0.9
VIEW_US = 2.0
STARTUP_MS = 50.0


def fps(seconds):
    return f"{1 / seconds:.0f}" if seconds >= 0.01 else f"{1 / seconds:,.0f}"


def fps1(seconds):
    return f"{1 / seconds:.1f}"


def verdict(ok):
    return "**pass**" if ok else "**short**"


def section_error(name, results):
    part = results.get(name)
    if part is None:
        return f"not measured: {name} did not run"
    if "error" in part:
        return f"not measured: {part['error']}"
    return None


class Page:
    def __init__(self):
        self.lines = []
        self.targets = []  # (target, measured, ok or None)

    def add(self, *lines):
        self.lines.extend(lines)

    def target(self, what, measured, ok):
        self.targets.append((what, measured, ok))


# ---------------------------------------------------------------- sections


def tutorial_section(page, results):
    page.add("## 1. The tutorial scene", "")
    problem = section_error("tutorial", results)
    if problem:
        page.add(problem, "")
        return None
    t = results["tutorial"]
    kiln, ogre = t["kiln"], t["ogre"]
    ogre_ok = {k: v for k, v in ogre.items() if "error" not in v}
    threads = sorted(int(k) for k in kiln[SIZES[0]])
    all_cores = str(max(threads))
    page.add(
        "A textured Rectangle2D (corners (-0.5, 0.5, 0.5, -0.5), a 256x256 RGB texture whose green "
        "channel is the column index, lighting off) over a (0.3, 0.3, 0.3) background in a "
        "PF_BYTE_RGB render texture, through the tutorial's own path: `update()` of the target, "
        "`copy_contents_to_memory` into a PF_BYTE_RGB PixelBox over a MemoryDataStream, and "
        "`kiln.numpy.view` of it. The original engine does the same (`update()`, "
        "`copyContentsToMemory` into a PF_BYTE_RGB PixelBox, `Ogre.Numpy.view`) on llvmpipe with "
        "as many llvmpipe threads as Kiln has. *Render alone* is Kiln's `update()` only, set "
        "against OGRE's full path, its frames in turn with the path's. *Into an array* is the same "
        "frame rendered into a NumPy array of the caller's (a target made with "
        "`create_render_texture(name, array=frame)`: after `update()` the frame is in `frame`, with "
        "no copy and no read back), also in turn with the path's. "
        f"Kiln and OGRE are measured in turn, {t.get('rounds', 1)} rounds of each, and every "
        f"figure is the median of all its frames: {t['frames']} (Kiln) and {t['ogre_frames']} "
        "(OGRE), each round after one warm-up frame; `bench/bench_tutorial.py`.",
        "",
        "| size | threads | Kiln path fps | OGRE path fps | Kiln / OGRE | Kiln render alone fps "
        "| render alone / OGRE path | Kiln into an array fps | into an array / OGRE path |",
        "|---|---|---|---|---|---|---|---|---|",
    )
    for size in SIZES:
        for th in threads:
            k = kiln[size][str(th)]
            o = ogre_ok.get(str(th), {}).get("path", {}).get(size)
            array = k.get("array")
            if o is None:
                page.add(f"| {size} | {th} | {fps(k['path'])} | not measured | | {fps(k['render'])} | | "
                         f"{fps(array) if array else ''} | |")
                continue
            page.add(f"| {size} | {th} | {fps(k['path'])} | {fps(o)} | {o / k['path']:.2f}x | "
                     f"{fps(k['render'])} | {o / k['render']:.2f}x | "
                     + (f"{fps(array)} | {o / array:.2f}x |" if array else "| |"))
    page.add("")
    for th, r in sorted(ogre.items()):
        if "error" in r:
            page.add(f"OGRE with LP_NUM_THREADS={th} did not run: `{r['error']}`", "")
    diffs = t.get("differences", {})
    if diffs:
        worst = max(v for per in diffs.values() for v in per.values())
        page.add(f"The pictures agree: the mean absolute difference between Kiln's and OGRE's first frame, over "
                 f"all pixels and channels, is at most {worst:.3f} (of 255) at every size and thread count.", "")
    if all_cores in ogre_ok:
        for size in SIZES:
            ratio = ogre_ok[all_cores]["path"][size] / kiln[size][all_cores]["path"]
            page.target(f"tutorial path, {size}, all cores: >= {TUTORIAL_PATH_X:g}x OGRE's fps", f"{ratio:.2f}x",
                        ratio >= TUTORIAL_PATH_X)
        ratio = ogre_ok[all_cores]["path"]["1280x1024"] / kiln["1280x1024"][all_cores]["render"]
        page.target(f"tutorial render alone, 1280x1024, all cores: >= {TUTORIAL_RENDER_X:g}x OGRE's path fps",
                    f"{ratio:.2f}x", ratio >= TUTORIAL_RENDER_X)
        array = kiln["1280x1024"][all_cores].get("array")
        if array:
            ratio = ogre_ok[all_cores]["path"]["1280x1024"] / array
            page.target(f"tutorial rendered into a caller's array, 1280x1024, all cores: >= {TUTORIAL_ARRAY_X:g}x "
                        "OGRE's path fps", f"{ratio:.2f}x", ratio >= TUTORIAL_ARRAY_X)
    else:
        page.target("tutorial against OGRE", "not measured", None)
    return {"kiln": kiln, "ogre": ogre_ok, "threads": threads}


ENGINE_NAMES = {"kiln": "Kiln", "ogre": "OGRE 1.12 on llvmpipe", "moderngl": "moderngl on llvmpipe (EGL)"}


def heavy_section(page, results):
    page.add("## 2. The heavy scene", "")
    problem = section_error("heavy", results)
    if problem:
        page.add(problem, "")
        return None
    h = results["heavy"]
    runs = h["runs"]
    page.add(
        f"`bench/heavy_scene.py`: a UV sphere of radius 1 from a 354 x 354 grid of vertices, "
        f"{h['triangles']:,} triangles, lit per vertex (diffuse (1, 1, 1), specular (0.5, 0.5, 0.5), "
        "shininess 32; scene ambient 0.2, a directional light along (-1, -1, -1) (kept as given, so its "
        "length, sqrt(3), scales N.L before the clamp, as in the original engine), a point light of "
        "diffuse (1, 0.8, 0.6) at (2, 2, 3), both with the engines' default black specular light, so "
        "the highlight term is computed and adds nothing) and textured with a mipmapped 256x256 checker "
        "(default filtering), seen from (0, 0, 3.2) at "
        f"{h['size'][0]}x{h['size'][1]} (PF_BYTE_RGB). Every frame yaws the camera's node by 0.01 rad, "
        "renders and reads the picture back into a NumPy array (Kiln: `copy_contents_to_memory` and "
        "`kiln.numpy.view`; OGRE: `copyContentsToMemory` and `Ogre.Numpy.view`; moderngl: "
        "`fbo.read_into` an array). moderngl draws with a GLSL program computing the same "
        "fixed-function lighting per vertex (the original engine's clamps after each light, texture "
        "modulate, specular added after texturing). The triangles' winding, (a, c, b) and (b, c, d), "
        "faces the sphere's inside, so with the default culling every engine draws the inner face of "
        "the far half. "
        f"Each engine configuration runs in a process of its own (llvmpipe reads LP_NUM_THREADS at "
        f"start), {h.get('rounds', 1)} times in turn with the others, and each process draws the same "
        f"{h['warmup']} untimed and {h['frames']} timed frames (the sphere stays in view for all of "
        f"them); the figure is the median of all {h.get('rounds', 1) * h['frames']} timed frames. "
        "Peak RSS is the largest ru_maxrss of the configuration's processes; `bench/bench_heavy.py`.",
        "",
        "| engine | threads | frame | fps | Kiln's fps / engine's, same threads | peak RSS |",
        "|---|---|---|---|---|---|",
    )
    kiln = {int(k.split("_")[1]): r for k, r in runs.items() if k.startswith("kiln_") and "error" not in r}
    peers = {}
    for key, r in runs.items():
        engine, th = key.split("_")
        if engine == "numpy":
            continue
        name = ENGINE_NAMES[engine]
        if "error" in r:
            page.add(f"| {name} | {th} | not measured | | | |")
            continue
        if engine != "kiln":
            peers.setdefault(int(th), {})[engine] = r
        k = kiln.get(int(th))
        ratio = f"{r['median'] / k['median']:.2f}x" if k and engine != "kiln" else ""
        page.add(f"| {name} | {r['threads']} | {r['median'] * 1e3:.1f} ms | {fps1(r['median'])} | {ratio} | "
                 f"{r['peak_rss_mb']:.0f} MB |")
    floor = runs.get("numpy_0", {})
    if "peak_rss_mb" in floor:
        page.add(f"| `python3 -c 'import numpy'` (the floor) | | | | | {floor['peak_rss_mb']:.0f} MB |")
    page.add("")
    for key, r in runs.items():
        if "error" in r:
            page.add(f"{key.replace('_', ' with ')} thread(s) did not run: `{r['error']}`", "")
    scaling = {}
    for engine in ENGINE_NAMES:
        one, two = runs.get(f"{engine}_1", {}), runs.get(f"{engine}_2", {})
        if "median" in one and "median" in two:
            scaling[engine] = one["median"] / two["median"]
    if scaling:
        page.add("Speed-up from 1 to 2 threads, each in processes of its own: " + ", ".join(
            f"{ENGINE_NAMES[e]} {s:.2f}x" for e, s in scaling.items()) + ".", "")
    paired = h.get("paired", {})
    medians = paired.get("medians", {})
    if "1" in medians and "2" in medians:
        scaling["kiln"] = medians["1"] / medians["2"]
        n = len(paired["times"]["1"])
        page.add(f"Kiln's speed-up from 1 to 2 threads, both in one process: {scaling['kiln']:.2f}x "
                 f"({medians['1'] * 1e3:.1f} ms and {medians['2'] * 1e3:.1f} ms, medians of {n} frames each). "
                 f"Two Roots draw the scene in turn, {paired['block']} frames at a time, the first of each "
                 "pair swapped every time, so that both thread counts meet the same moments of this shared "
                 "machine; processes of their own run seconds apart, and a 2-thread process, which needs both "
                 "cores, is the one that a busy neighbour slows. The target is read here.", "")
    for problem in paired.get("problems", []):
        page.add(f"Kiln's thread counts in one process did not run: `{problem}`", "")
    diffs = h.get("differences", {})
    if diffs:
        ref = max(kiln) if kiln else None
        parts = [f"{ENGINE_NAMES[k.split('_')[0]]} ({k.split('_')[1]} thread(s)) {v:.3f}" for k, v in diffs.items()]
        page.add(f"The pictures agree: mean absolute difference between Kiln's first frame ({ref} threads) and "
                 "each other's, over all pixels and channels (of 255): " + ", ".join(parts) + ". "
                 "The first frames are in the plot below.", "")
    all_cores = max(kiln) if kiln else None
    if all_cores and all_cores in peers and peers[all_cores]:
        best_name, best = min(peers[all_cores].items(), key=lambda kv: kv[1]["median"])
        ratio = best["median"] / kiln[all_cores]["median"]
        page.add(f"Kiln's fps over the faster peer's with all cores ({all_cores} threads, "
                 f"{ENGINE_NAMES[best_name]}): {ratio:.2f}x.", "")
        page.target(f"heavy scene, all cores: >= {HEAVY_X:g}x the faster of OGRE and moderngl",
                    f"{ratio:.2f}x ({ENGINE_NAMES[best_name]} is the faster peer)", ratio >= HEAVY_X)
    else:
        page.target("heavy scene against its peers", "not measured", None)
    if "kiln" in scaling:
        page.target(f"heavy scene, Kiln 1 -> 2 threads: >= {HEAVY_SCALING:g}x", f"{scaling['kiln']:.2f}x",
                    scaling["kiln"] >= HEAVY_SCALING)
    if all_cores:
        rss = kiln[all_cores]["peak_rss_mb"]
        page.target(f"heavy scene, Kiln's peak RSS (all cores): <= {HEAVY_RSS_MB:g} MB",
                    f"{rss:.0f} MB (NumPy alone: {floor.get('peak_rss_mb', float('nan')):.0f} MB)",
                    rss <= HEAVY_RSS_MB)
    return {"runs": runs}


def bridge_section(page, results, tutorial):
    problem = section_error("numpy", results)
    if problem:
        page.add("## 3. The memory-bandwidth floor of the 1280x1024 frame", "", problem, "")
        return None
    n = results["numpy"]
    fl = n["floor"]
    page.add(
        "## 3. The memory-bandwidth floor of the 1280x1024 frame",
        "",
        "A NumPy fill of a 1280x1024x4 uint8 array (the frame's working colour) plus a copy of a "
        "1280x1024x3 uint8 array (its read back): what any engine writing that frame and handing it "
        f"over must spend on memory. Median of {n['repeat']} batches; `bench/bench_numpy.py`.",
        "",
        "| what | time | fps |",
        "|---|---|---|",
        f"| fill 1280x1024x4 + copy 1280x1024x3 uint8 (NumPy) | {fl['seconds'] * 1e3:.3f} ms | {fps(fl['seconds'])} |",
    )
    if tutorial:
        for th in tutorial["threads"]:
            k = tutorial["kiln"]["1280x1024"][str(th)]
            page.add(f"| Kiln's tutorial path, 1280x1024, {th} thread(s) | {k['path'] * 1e3:.3f} ms | {fps(k['path'])} "
                     f"({k['path'] / fl['seconds']:.1f}x the floor's time) |")
    page.add("")

    page.add(
        "## 4. Moving bytes: the NumPy bridge, read back and conversions",
        "",
        "GiB/s (2^30 bytes) of the bytes each call writes, beside `np.copyto` of as many bytes "
        "(`as_data_stream`: beside `np.array(arr, copy=True)` of the same array, which allocates too); "
        "the ratio is Kiln's throughput over NumPy's. For the conversions NumPy doing the conversion "
        "itself (`np.copyto(rgb, rgba[..., :3])`, `np.multiply(rgb, 1/255, out=f32)`) is shown too. "
        f"Median of {n['repeat']} batches of calls; `bench/bench_numpy.py`.",
        "",
        "| what | bytes written | Kiln | NumPy's copy | Kiln / NumPy | NumPy converting |",
        "|---|---|---|---|---|---|",
    )

    def size(b):
        return f"{b / (1 << 20):.2f} MiB" if b >= 1 << 20 else f"{b / 1024:.0f} KiB"

    for label, r in n["as_data_stream"].items():
        ratio = r["numpy"] / r["kiln"]
        page.add(f"| `kiln.numpy.as_data_stream`, {'x'.join(map(str, r['shape']))} uint8 | {size(r['bytes'])} | "
                 f"{r['bytes'] / r['kiln'] / GIB:.2f} GiB/s | {r['bytes'] / r['numpy'] / GIB:.2f} GiB/s | "
                 f"{ratio:.2f} | |")
        page.target(f"`as_data_stream`, {label}: >= {AS_DATA_STREAM_X:g}x NumPy's copy", f"{ratio:.2f}x",
                    ratio >= AS_DATA_STREAM_X)
    r = n["copy_contents_to_memory"]
    page.add(f"| `copy_contents_to_memory`, 1280x1024 PF_BYTE_RGB target into a PF_BYTE_RGB PixelBox | "
             f"{size(r['bytes'])} | {r['bytes'] / r['kiln'] / GIB:.2f} GiB/s | "
             f"{r['bytes'] / r['numpy'] / GIB:.2f} GiB/s | "
             f"{r['numpy'] / r['kiln']:.2f} | |")
    for name, r in n["conversions"].items():
        page.add(f"| `kiln.pixel_convert_pixels`, {name}, 1280x1024 pixels | {size(r['bytes'])} | "
                 f"{r['bytes'] / r['kiln'] / GIB:.2f} GiB/s | {r['bytes'] / r['numpy'] / GIB:.2f} GiB/s | "
                 f"{r['numpy'] / r['kiln']:.2f} | {r['bytes'] / r['numpy_convert'] / GIB:.2f} GiB/s |")
    page.add("")

    b = n.get("batch")
    if b:
        page.add(
            "### Many frames into one array",
            "",
            f"{b['frames']} poses of a camera circling a cube of vertex colours at {b['size'][0]}x{b['size'][1]} "
            f"(PF_BYTE_RGB), rendered into one ({b['frames']}, {b['size'][1]}, {b['size'][0]}, 3) uint8 array "
            "by one `RenderTarget.update_poses` call, beside the same frames rendered one by one from Python "
            "(set the node's position and orientation, `update()`, `read(out=frames[i])`); their batches in turn, "
            f"median of {n['repeat']}; `bench/bench_numpy.py`.",
            "",
            "| what | per frame | fps |",
            "|---|---|---|",
            f"| `update_poses`, one call for the batch | {b['batch'] * 1e3:.3f} ms | {fps(b['batch'])} |",
            f"| one frame at a time from Python | {b['one_by_one'] * 1e3:.3f} ms | {fps(b['one_by_one'])} "
            f"({b['one_by_one'] / b['batch']:.2f}x the batch's time) |",
            "",
        )

    def heavy_costs(r, title, what, baseline, columns):
        """A table of the heavy scene's frame time per configuration, over the first."""
        alone = r["cases"][baseline]
        page.add(
            f"### {title}",
            "",
            f"The heavy scene ({r['triangles']:,} triangles at {r['size'][0]}x{r['size'][1]}, {r['threads']} "
            f"threads; section 2) {what} Median of {n['repeat']} rounds of 3 frames; `bench/bench_numpy.py`.",
            "",
            f"| {columns[0]} | time | {columns[1]} |",
            "|---|---|---|",
        )
        for name, t in r["cases"].items():
            page.add(f"| {name} | {t * 1e3:.1f} ms | {t / alone:.2f}x |")
        page.add("")

    if n.get("extra_buffers"):
        heavy_costs(n["extra_buffers"], "Ground-truth buffers",
                    "rendered with `target.extra_buffers` set to each extra buffer and to all three, beside the "
                    "colour frame alone, the configurations in turn; each extra buffer is a render of the scene's "
                    "geometry of its own (`docs/ground-truth.md`).",
                    "colour alone", ("frame", "over the colour frame alone"))
    if n.get("fsaa"):
        heavy_costs(n["fsaa"], "Anti-aliasing",
                    "into targets made with `fsaa=` 0, 2, 4 and 8, the targets in turn: each sample rasterizes the "
                    "frame again, beside one more pass at the pixel centres for exact depth, with the vertex stage "
                    "and setup done once (`docs/architecture.md`).",
                    "0", ("fsaa", "over no anti-aliasing"))

    v = n["view"]
    page.add(
        "## 5. `kiln.numpy.view`",
        "",
        "The cost of one call, beside `np.asarray` of an existing array (the floor of any call that "
        f"returns an array). Median of {n['repeat']} batches; `bench/bench_numpy.py`.",
        "",
        "| PixelBox | `kiln.numpy.view` | `np.asarray` of an existing array |",
        "|---|---|---|",
    )
    for key in ("small", "large"):
        page.add(f"| {v[key]['what']} | {v[key]['seconds'] * 1e6:.2f} us | {v['asarray'] * 1e6:.3f} us |")
        page.target(f"`view` of a {v[key]['what']} PixelBox: <= {VIEW_US:g} us", f"{v[key]['seconds'] * 1e6:.2f} us",
                    v[key]["seconds"] * 1e6 <= VIEW_US)
    page.add("")
    return n


def startup_section(page, results):
    page.add("## 6. Process start to the first frame in an array", "")
    problem = section_error("startup", results)
    if problem:
        page.add(problem, "")
        return
    s = results["startup"]
    extra = (s["first_frame"] - s["import_numpy"]) * 1e3
    page.add(
        "Wall time of a `python3 -c` subprocess that imports kiln and kiln.numpy, builds the tutorial "
        "scene at 640x480, renders it, copies it into a PixelBox and views it, beside "
        f"`python3 -c \"import numpy\"`; the two alternate, best of {s['runs']} each; "
        "`bench/bench_startup.py`.",
        "",
        "| process | wall time |",
        "|---|---|",
        f"| `python3 -c \"import numpy\"` | {s['import_numpy'] * 1e3:.0f} ms |",
        f"| `python3 -c` the tutorial's first frame | {s['first_frame'] * 1e3:.0f} ms (+{extra:.0f} ms) |",
        "",
    )
    page.target(f"start to the first frame: <= import numpy + {STARTUP_MS:g} ms", f"import numpy + {extra:.0f} ms",
                extra <= STARTUP_MS)


# ---------------------------------------------------------------- plots


def plot_fps(path, tutorial, heavy):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    colours = {"Kiln": "#d9622b", "Kiln render alone": "#f2a65a", "OGRE": "#3b6ea8", "moderngl": "#6aa84f"}
    ax = axes[0]
    if tutorial:
        series = []
        for th in tutorial["threads"]:
            series.append((f"Kiln path, {th} thr", [1 / tutorial["kiln"][s][str(th)]["path"] for s in SIZES],
                           "Kiln", th))
            series.append((f"Kiln render alone, {th} thr",
                           [1 / tutorial["kiln"][s][str(th)]["render"] for s in SIZES], "Kiln render alone", th))
            if str(th) in tutorial["ogre"]:
                series.append((f"OGRE path, {th} thr", [1 / tutorial["ogre"][str(th)]["path"][s] for s in SIZES],
                               "OGRE", th))
        width = 0.8 / len(series)
        for i, (label, values, kind, th) in enumerate(series):
            x = np.arange(len(SIZES)) + (i - (len(series) - 1) / 2) * width
            ax.bar(x, values, width, label=label, color=colours[kind], alpha=1.0 if th > 1 else 0.55,
                   edgecolor="black", linewidth=0.4)
        ax.set_xticks(np.arange(len(SIZES)), SIZES)
        ax.set_yscale("log")
        ax.legend(fontsize=8, ncol=2)
    ax.set_title("The tutorial scene")
    ax.set_ylabel("frames per second (log scale)")
    ax.grid(axis="y", which="both", alpha=0.3)

    ax = axes[1]
    if heavy:
        labels, values, cols, alphas = [], [], [], []
        for engine, kind in (("kiln", "Kiln"), ("ogre", "OGRE"), ("moderngl", "moderngl")):
            for key, r in sorted(heavy["runs"].items()):
                if key.startswith(engine + "_") and "median" in r:
                    labels.append(f"{kind}\n{r['threads']} thr")
                    values.append(1 / r["median"])
                    cols.append(colours[kind])
                    alphas.append(1.0 if r["threads"] > 1 else 0.55)
        for i, (v, c, a) in enumerate(zip(values, cols, alphas)):
            ax.bar(i, v, 0.7, color=c, alpha=a, edgecolor="black", linewidth=0.4)
            ax.text(i, v, f"{v:.1f}", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(np.arange(len(labels)), labels, fontsize=8)
    ax.set_title("The heavy scene (249,218 triangles, 1280x720)")
    ax.set_ylabel("frames per second")
    ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Frames per second, each engine in the same run (lighter: 1 thread)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def plot_pictures(path, pictures):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, len(pictures), figsize=(4.4 * len(pictures), 5.4),
                             gridspec_kw={"height_ratios": [1.0, 0.85]})
    axes = np.atleast_2d(axes).reshape(2, -1)
    for col, (title, img) in enumerate(pictures):
        ax = axes[0, col]
        ax.imshow(img, interpolation="antialiased")
        ax.set_title(title, fontsize=9)
        ax.axis("off")
        ax = axes[1, col]
        ax.imshow(img[PICTURE_CROP], interpolation="nearest")
        ax.set_title(f"{title}: pixels {PICTURE_CROP_LABEL}", fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ---------------------------------------------------------------- the page


def write(results, doc=DOC, fps_plot=FPS_PLOT, heavy_plot=HEAVY_PLOT):
    page = Page()
    m = results.get("machine", {})
    tutorial = tutorial_section(page, results)
    heavy = heavy_section(page, results)
    bridge_section(page, results, tutorial)
    startup_section(page, results)
    body = page.lines

    head = [
        "# Benchmarks",
        "",
        "`make bench` installs what the benchmarks need (`bench/install-deps.sh`: the original engine, "
        "OGRE 1.12 with Debian's python3-ogre-1.12, Xvfb and Mesa's llvmpipe through Debian packages; "
        "moderngl and matplotlib with pip), builds Kiln as `pip install .` does (a release build, in "
        "`build-release/`), runs `bench/run_all.py`, which runs every benchmark script "
        "in a process of its own, and writes this page and its plots (`bench/report.py`). Every figure "
        "stands beside a baseline measured in the same run on the same machine: the machines Kiln is "
        "developed on are shared and noisy, so absolute times are only indicative, and every time is a "
        "median of many frames or calls. A benchmark reports; nothing here is a test.",
        "",
        "`bench/bench_mesh.py` and `bench/bench_llvmpipe.py` (an earlier 250,000-triangle scene, Kiln "
        "against OGRE on llvmpipe) and `bench/bench_tutorial.py --instruction-sets` (Kiln's tutorial frame "
        "with each instruction set) still run on their own; `make bench` does not run them.",
        "",
        f"This run: {m.get('date', '?')}, Kiln {m.get('commit', '?')}, build type {m.get('buildtype', '?')}, "
        f"{m.get('cpus', '?')} cores ({m.get('cpu', '?')}, Kiln's instruction set {m.get('simd', '?')}), load average "
        f"{m.get('load', '?')} at the start; the peers are {m.get('ogre', 'OGRE 1.12')} and moderngl "
        f"{m.get('moderngl', '?')}, both on {m.get('llvmpipe', 'Mesa llvmpipe')}. "
        f"The whole run took {m.get('minutes', 0):.1f} minutes.",
        "",
        "## Targets",
        "",
        "| target | this run | |",
        "|---|---|---|",
    ]
    for what, measured, ok in page.targets:
        head.append(f"| {what} | {measured} | {'not measured' if ok is None else verdict(ok)} |")
    head += ["", f"![Frames per second of each engine]({fps_plot.relative_to(doc.parent).as_posix()})", ""]

    pictures = []
    for key, title in (("kiln", "Kiln"), ("ogre", "OGRE 1.12 on llvmpipe"), ("moderngl", "moderngl on llvmpipe")):
        p = results.get("heavy_pictures", {}).get(key)
        if p and Path(p).exists():
            pictures.append((title, np.load(p)))
    tail = []
    if heavy and pictures:
        plot_pictures(heavy_plot, pictures)
        tail = ["The heavy scene's first frame as each engine drew it, whole and a part of it at full size:", "",
                f"![The heavy scene drawn by each engine]({heavy_plot.relative_to(doc.parent).as_posix()})", ""]
    # The pictures belong to the heavy scene's section: insert them after its last line.
    if tail and "## 3. The memory-bandwidth floor of the 1280x1024 frame" in body:
        at = body.index("## 3. The memory-bandwidth floor of the 1280x1024 frame")
        body = body[:at] + tail + body[at:]

    plot_fps(fps_plot, tutorial, heavy)
    doc.write_text("\n".join(head + body).rstrip() + "\n")
    return page.targets


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="the JSON file bench/run_all.py wrote")
    args = parser.parse_args(argv)
    targets = write(json.loads(args.results.read_text()))
    for what, measured, ok in targets:
        print(f"  {'not measured' if ok is None else ('pass ' if ok else 'short')}  {what}: {measured}")
    names = [p.relative_to(REPO_ROOT).as_posix() for p in (DOC, FPS_PLOT, HEAVY_PLOT)]
    print(f"wrote {names[0]}, {names[1]} and {names[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
