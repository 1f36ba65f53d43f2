"""Runs every benchmark of `make bench`, each script in a process of its own, and writes
docs/benchmarks.md with its plots (bench/report.py).

The scripts, in order: bench_tutorial.py (the tutorial scene, Kiln against OGRE 1.12),
bench_heavy.py (a 249,218-triangle lit, textured scene: Kiln, OGRE and moderngl on
llvmpipe), bench_numpy.py (the bandwidth floor, the NumPy bridge, read back,
conversions, view) and bench_startup.py (process start to the first frame). Each writes
JSON; the collected results, with a description of the machine, go to
build/bench/results.json (with the heavy scene's pictures beside it), from which
`python3 bench/report.py build/bench/results.json` writes the page again. A script
that fails leaves its section "not measured" with its error; the page is written
anyway and the run does not fail.

Run from the repository root, Kiln built into build-release/ (a release build, as `pip
install .` makes it; `make bench` builds it) and the peers installed
(bench/install-deps.sh): PYTHONPATH=build-release/python python3 bench/run_all.py
--build build-release"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import report  # noqa: E402

SCRIPTS = (
    ("tutorial", "bench_tutorial.py"),
    ("heavy", "bench_heavy.py"),
    ("numpy", "bench_numpy.py"),
    ("startup", "bench_startup.py"),
)


def run(script, json_path, extra=()):
    cmd = [sys.executable, str(BENCH_DIR / script), "--json", str(json_path), *extra]
    print(f"$ {Path(sys.executable).name} bench/{script}", flush=True)
    proc = subprocess.run(cmd, cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0 or not json_path.exists():
        tail = "\n".join(proc.stderr.strip().splitlines()[-6:]) or "no message"
        print(f"  {script} failed (exit status {proc.returncode}):\n{tail}", flush=True)
        return {"error": f"{script} exited with status {proc.returncode}: {tail.splitlines()[-1]}"}
    if proc.stderr.strip():
        print(proc.stderr.rstrip(), flush=True)
    return json.loads(json_path.read_text())


def command_output(cmd):
    try:
        return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine(build):
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "load": f"{os.getloadavg()[0]:.2f}",
        "commit": command_output(["git", "rev-parse", "--short", "HEAD"]) or "?",
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        options = json.loads((build / "meson-info" / "intro-buildoptions.json").read_text())
        info["buildtype"] = next(o["value"] for o in options if o["name"] == "buildtype")
    except (OSError, ValueError, StopIteration):
        pass
    code = ("import kiln; n = {kiln.SIMD_SCALAR: 'scalar', kiln.SIMD_SSE2: 'SSE2', kiln.SIMD_AVX2: 'AVX2'}; "
            "print(n.get(kiln.Root(num_threads=1).simd, '?'))")
    info["simd"] = command_output([sys.executable, "-c", code]) or "?"
    info["moderngl"] = command_output([sys.executable, "-c", "import moderngl; print(moderngl.__version__)"]) or "?"
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "bench",
                        help="folder for the JSON results and pictures (default: build/bench)")
    parser.add_argument("--build", type=Path, default=REPO_ROOT / "build",
                        help="the build of Kiln on PYTHONPATH, for its build type (default: build)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    results = {"machine": machine(args.build)}
    pictures = out / "pictures"
    for name, script in SCRIPTS:
        extra = ("--pictures", str(pictures)) if name == "heavy" else ()
        results[name] = run(script, out / f"{name}.json", extra)

    heavy = results.get("heavy", {})
    if "runs" in heavy:
        all_cores = {}
        for key, r in heavy["runs"].items():
            engine, threads = key.split("_")
            if "error" not in r and engine != "numpy" and int(threads) >= all_cores.get(engine, (0,))[0]:
                all_cores[engine] = (int(threads), key)
        results["heavy_pictures"] = {e: str(pictures / f"heavy_{key}.npy") for e, (_, key) in all_cores.items()}
        for key, r in heavy["runs"].items():
            if key.startswith("ogre_") and "device" in r:
                results["machine"]["ogre"] = "OGRE 1.12 (GL3+ render system)"
                results["machine"]["llvmpipe"] = r["device"].split(" on ", 1)[1]
    results["machine"]["minutes"] = (time.monotonic() - start) / 60
    (out / "results.json").write_text(json.dumps(results, indent=1))
    print("$ bench/report.py", flush=True)
    targets = report.write(results)
    for what, measured, ok in targets:
        print(f"  {'not measured' if ok is None else ('pass ' if ok else 'short')}  {what}: {measured}")
    print(f"wrote docs/benchmarks.md, docs/images/bench_fps.png and docs/images/bench_heavy.png "
          f"(results in {out / 'results.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
