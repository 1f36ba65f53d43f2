"""Loads model files one after another in a worker process, for test_model_corpus.py.

The worker reads paths from stdin, one per line; for each it loads the file with
MeshManager.load and, when that works, renders it once into a small target, then
writes one JSON line: {"path", "ok", "error", "sub_meshes", "triangles", "warnings", "seconds"}. A
crash or a hang shows as the worker's death or silence, which the parent watches."""

import json
import sys
import time
import warnings

import kiln


def main():
    # Warnings of approximated materials are counted, not printed: the parent reads
    # only stdout.
    warnings.simplefilter("ignore", kiln.KilnWarning)
    root = kiln.Root(num_threads=1)
    scene = root.create_scene_manager()
    camera = scene.create_camera("camera")
    camera.near_clip_distance = 0.01
    camera.far_clip_distance = 1e6
    target = root.create_render_texture("target", 32, 24, kiln.PF_BYTE_RGB)
    target.add_viewport(camera)
    node = scene.root_scene_node.create_child_scene_node()
    node.position = (0, 0, -5)
    for n, line in enumerate(sys.stdin):
        path = line.rstrip("\n")
        start = time.perf_counter()
        result = {"path": path, "ok": False, "error": None, "sub_meshes": 0, "triangles": 0}
        try:
            mesh = root.mesh_manager.load(f"mesh{n}", "General", path)
            result["sub_meshes"] = mesh.num_sub_meshes
            result["triangles"] = mesh.triangle_count
            result["warnings"] = len([w for w in mesh.import_warnings.split("\n") if w])
            entity = scene.create_entity(f"entity{n}", mesh)
            node.attach_object(entity)
            target.update()
            node.detach_object(entity)
            root.mesh_manager.remove(f"mesh{n}", "General")
            result["ok"] = True
        except kiln.KilnError as e:
            result["error"] = f"{type(e).__name__}: {e}"
        result["seconds"] = time.perf_counter() - start
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
