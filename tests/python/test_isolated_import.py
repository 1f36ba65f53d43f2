"""Model files that crash, abort or hang assimp itself (5.2, Debian's) are refused with an
error naming what happened, and the process goes on: assimp reads every file in a helper
process (src/core/isolate.c). The files are Debian's assimp-testmodels with a few bytes
changed, found by mutating them; data/assimp_crashers.json holds, for each, the model
it comes from and the edits (byte ranges and their replacements), so that the test
rebuilds it from the installed package. Each is first shown to take down (or hang) a
process that runs assimp itself."""

import json
import multiprocessing
import re
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import kiln

CORPUS = Path("/usr/share/assimp/models")
CRASHERS = json.loads((Path(__file__).with_name("data") / "assimp_crashers.json").read_text())
BOX = CORPUS / "OBJ" / "box.obj"

IN_PROCESS = r"""
import sys, kiln
meshes = kiln.Root(num_threads=1).mesh_manager
meshes.isolated_import = False
try:
    meshes.load("m", "General", sys.argv[1])
except kiln.KilnError:
    pass
"""


def rebuild(entry, folder):
    data = bytearray((CORPUS / entry["seed"]).read_bytes())
    for start, end, replacement in reversed(entry["edits"]):
        data[start:end] = bytes.fromhex(replacement)
    path = folder / f"broken.{entry['suffix']}"
    path.write_bytes(bytes(data))
    return path


def renders(root, mesh):
    """Draws an entity of the mesh; the frame is not all background."""
    scene = root.create_scene_manager()
    entity = scene.create_entity("entity", mesh)
    scene.root_scene_node.create_child_scene_node().attach_object(entity)
    camera = scene.create_camera("camera")
    camera.near_clip_distance = 0.1
    node = scene.root_scene_node.create_child_scene_node()
    node.attach_object(camera)
    node.position = (0, 0, 20)
    target = root.create_render_texture("target", 32, 24, kiln.PF_BYTE_RGB)
    target.add_viewport(camera).background_colour = (0, 0, 1)
    target.update()
    return bool(np.any(target.read() != (0, 0, 255)))


@pytest.mark.parametrize("entry", CRASHERS, ids=[f"{c['suffix']}-{c['in_process']}" for c in CRASHERS])
def test_a_file_that_breaks_assimp_is_refused(entry, tmp_path):
    path = rebuild(entry, tmp_path)
    # Read by assimp in a process of its own, the file takes that process down.
    try:
        run = subprocess.run([sys.executable, "-c", IN_PROCESS, str(path)], capture_output=True, timeout=5)
        # (Under AddressSanitizer the process reports the crash and exits with status 1.)
        crashed = run.returncode < 0 or (run.returncode == 1 and b"ERROR: AddressSanitizer" in run.stderr)
        assert crashed, f"{path.name} read in process ended with status {run.returncode}"
    except subprocess.TimeoutExpired:
        assert entry["in_process"] == "hang"
    # Read by Kiln, it is refused, and everything goes on.
    root = kiln.Root(num_threads=1)
    meshes = root.mesh_manager
    assert meshes.isolated_import
    meshes.import_time_limit = 2
    with pytest.raises(kiln.InvalidArgumentError) as refused:
        meshes.load("broken", "General", str(path))
    message = str(refused.value)
    assert message.startswith(f"kiln_mesh_manager_load: ")
    assert re.search(re.escape(str(path)) + r"'? (crashed \(signal \d+|did not finish within 2 seconds|stopped before "
                     r"it finished|as a mesh: )", message), message
    assert not meshes.resource_exists("broken")
    assert renders(root, meshes.load("box", "General", str(BOX)))


def test_limits_are_settings_of_the_mesh_manager():
    meshes = kiln.Root(num_threads=1).mesh_manager
    assert meshes.isolated_import is True
    assert meshes.import_time_limit == 120.0
    assert meshes.import_memory_limit == 0
    meshes.import_time_limit = 0.5
    meshes.import_memory_limit = 1 << 30
    assert (meshes.import_time_limit, meshes.import_memory_limit) == (0.5, 1 << 30)
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(kiln.InvalidArgumentError, match="is not a positive, finite number of seconds"):
            meshes.import_time_limit = bad
    assert meshes.import_time_limit == 0.5
    # In the calling process, for trusted files: the same mesh.
    meshes.isolated_import = False
    inside = meshes.load("inside", "General", str(BOX))
    meshes.isolated_import = True
    outside = meshes.load("outside", "General", str(BOX))
    assert inside.num_sub_meshes == outside.num_sub_meshes >= 1
    assert repr(inside.bounding_box) == repr(outside.bounding_box)


def _load_in_worker(index):
    root = kiln.Root(num_threads=1)
    mesh = root.mesh_manager.load(f"box{index}", "General", str(BOX))
    return mesh.num_sub_meshes


def test_forked_workers_load_files():
    """multiprocessing with fork, as PyTorch's DataLoader starts its workers: each
    worker gets a helper of its own, after the parent has used its one."""
    kiln.Root(num_threads=1).mesh_manager.load("parent", "General", str(BOX))
    with multiprocessing.get_context("fork").Pool(2) as pool:
        counts = pool.map(_load_in_worker, range(4), chunksize=1)
    assert counts == [counts[0]] * 4 and counts[0] >= 1
    kiln.Root(num_threads=1).mesh_manager.load("parent", "General", str(BOX))


def test_threads_load_at_once():
    errors = []

    def load_many(k):
        try:
            meshes = kiln.Root(num_threads=1).mesh_manager
            for i in range(10):
                meshes.load(f"m{k}_{i}", "General", str(BOX))
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=load_many, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
