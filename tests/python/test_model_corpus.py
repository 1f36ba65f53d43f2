"""Real model files nobody here wrote: Debian's assimp-testmodels (scripts/install-deps.sh
installs it), 440-odd files in some 50 formats, many deliberately broken. Every file
loads (and renders) or is refused with a KilnError, each within 10 seconds, and the
process never crashes or hangs (run under AddressSanitizer by make test too)."""

import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

CORPUS = Path("/usr/share/assimp/models")
WORKER = Path(__file__).with_name("model_corpus.py")
SECONDS_PER_FILE = 10.0
# What the package holds besides models: textures, buffers, materials, notes.
NOT_MODELS = {".png", ".jpg", ".jpeg", ".tga", ".bmp", ".dds", ".tif", ".tiff", ".gif", ".txt", ".md",
              ".glsl", ".bin", ".mtl", ".skin", ".shader", ".material", ".pk3", ".py", ".sh", ".html",
              ".json", ".license", ".pdf", ".cfg", ".ini", ".pcx", ".mat", ".mdlbin", ".exr", ".hdr"}


def model_files():
    files = []
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.suffix.lower() in NOT_MODELS:
            continue
        if {"ReferenceImages", "SourceFiles"} & set(path.parts):
            continue
        files.append(path)
    return files


class Worker:
    """A worker process (model_corpus.py) fed one path at a time."""

    def __init__(self):
        env = dict(os.environ)
        # Its stderr goes to a file: a pipe nobody reads would stop it once full.
        self.err = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err, text=True, env=env, bufsize=1)

    def load(self, path, timeout):
        """The worker's result for path, or None if it died or went silent for timeout
        seconds (stop it then)."""
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        return json.loads(line) if line else None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()
        self.err.seek(0)
        err = self.err.read()
        self.err.close()
        return self.proc.returncode, err[-3000:]


@pytest.fixture(scope="module")
def corpus_results():
    files = model_files()
    if not files:
        pytest.fail(f"no model files under {CORPUS}: install Debian's assimp-testmodels "
                    "(scripts/install-deps.sh does)")
    results, problems = [], []
    worker = Worker()
    for path in files:
        start = time.perf_counter()
        result = worker.load(path, SECONDS_PER_FILE)
        if result is None:
            code, err = worker.stop()
            elapsed = time.perf_counter() - start
            what = f"no answer after {elapsed:.1f} s" if elapsed >= SECONDS_PER_FILE else f"the worker died ({code})"
            problems.append(f"{path}: {what}\n{err}")
            worker = Worker()
            continue
        results.append(result)
    worker.stop()
    return files, results, problems


def test_every_model_file_loads_or_is_refused_without_a_crash_or_a_hang(corpus_results):
    files, results, problems = corpus_results
    assert not problems, "\n".join(problems)
    assert len(results) == len(files) and len(files) > 400
    slow = [f"{r['path']}: {r['seconds']:.1f} s" for r in results if r["seconds"] > SECONDS_PER_FILE]
    assert not slow, slow
    # A refusal is a KilnError with a message.
    for r in results:
        assert r["ok"] or (r["error"] and ": " in r["error"]), r


def test_most_of_the_corpus_loads_and_the_broken_files_are_refused(corpus_results):
    files, results, problems = corpus_results
    loaded = [r for r in results if r["ok"]]
    assert len(loaded) > 300, f"only {len(loaded)} of {len(results)} files loaded"
    assert sum(r["triangles"] for r in loaded) > 100_000
    invalid = [r for r in results if "/invalid/" in r["path"]]
    assert invalid and sum(not r["ok"] for r in invalid) >= len(invalid) // 2, invalid
