"""Soak: renders and reads back into NumPy many frames of a scene that keeps creating
and destroying textures, materials, nodes (with rectangles on them) and render targets,
and checks that resident memory stays flat.

Every frame: update the current target, copy it into a PixelBox and view it with
kiln.numpy.view. Every 10 frames: a new texture (from a NumPy array), a material that
uses it and a node with a Rectangle2D of that material; the oldest of them beyond 5 are
destroyed (scene.destroy_scene_node, material_manager.remove, texture_manager.remove).
Every 100 frames: a new render target replaces the current one
(root.destroy_render_target).

Resident memory (VmRSS) is sampled at frame 5,000 (after the allocator has settled) and
at the end; the run fails when the end is more than 2 MiB above frame 5,000.

Run: PYTHONPATH=build/python python3 tests/soak/soak.py [--frames 100000]  (make soak)"""

import argparse
import collections
import sys
import time

import numpy as np

import kiln
import kiln.numpy

LIMIT_MIB = 2.0
WIDTH, HEIGHT = 160, 120


def rss_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS in /proc/self/status")


class Soak:
    def __init__(self, threads):
        self.root = kiln.Root(num_threads=threads)
        self.scene = self.root.create_scene_manager()
        self.camera = self.scene.create_camera("camera")
        self.pixels = kiln.PixelBox(WIDTH, HEIGHT, 1, kiln.PF_BYTE_RGB, kiln.MemoryDataStream(WIDTH * HEIGHT * 3))
        self.live = collections.deque()  # (node, texture name, material name)
        self.serial = 0
        self.target = None
        self.new_target()

    def new_target(self):
        if self.target is not None:
            self.root.destroy_render_target(self.target)
        self.serial += 1
        self.target = self.root.create_render_texture(f"target{self.serial}", WIDTH, HEIGHT, kiln.PF_BYTE_RGB)
        viewport = self.target.add_viewport(self.camera)
        viewport.background_colour = (0.1, 0.2, 0.3)

    def new_rectangle(self):
        self.serial += 1
        n = self.serial
        texels = np.zeros((32, 32, 3), np.uint8)
        texels[..., 0] = n % 256
        texels[..., 1] = np.arange(32, dtype=np.uint8) * 8
        image = kiln.Image.from_array(texels)
        texture, material = f"texture{n}", f"material{n}"
        self.root.texture_manager.load_image(texture, "General", image)
        mat = self.root.material_manager.create(material, "General")
        rpass = mat.techniques[0].passes[0]
        rpass.lighting_enabled = False
        rpass.create_texture_unit_state(texture)
        rect = kiln.Rectangle2D(True)
        x = (n % 7) / 7.0 - 0.5
        rect.set_corners(x - 0.3, 0.3, x + 0.3, -0.3)
        rect.material = mat
        node = self.scene.root_scene_node.create_child_scene_node()
        node.attach_object(rect)
        self.live.append((node, texture, material))
        while len(self.live) > 5:
            node, texture, material = self.live.popleft()
            self.scene.destroy_scene_node(node)
            self.root.material_manager.remove(material)
            self.root.texture_manager.remove(texture)

    def frame(self, i):
        if i % 100 == 0:
            self.new_target()
        if i % 10 == 0:
            self.new_rectangle()
        self.target.update()
        self.target.copy_contents_to_memory(self.pixels, self.pixels)
        return kiln.numpy.view(self.pixels)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=0, help="the Root's threads (default: one per core)")
    args = parser.parse_args(argv)
    settle = min(5_000, args.frames // 2)
    soak = Soak(args.threads)
    start = time.perf_counter()
    baseline = None
    for i in range(1, args.frames + 1):
        picture = soak.frame(i)
        if i == 1 and not (picture[0, 0] == (26, 51, 76)).all():
            print(f"soak: the first frame's corner is {picture[0, 0]}, not the background (26, 51, 76)")
            return 1
        if i == 11 and (picture[HEIGHT // 2] == (26, 51, 76)).all(axis=1).all():
            print("soak: the frame after the first rectangle was made shows only the background")
            return 1
        if i == settle:
            baseline = rss_mib()
        if i % 10_000 == 0 or i == args.frames:
            print(f"frame {i:7d}: RSS {rss_mib():7.2f} MiB ({time.perf_counter() - start:6.1f} s)", flush=True)
    end = rss_mib()
    growth = end - baseline
    print(f"soak: {args.frames} frames in {time.perf_counter() - start:.1f} s; RSS {baseline:.2f} MiB at frame "
          f"{settle}, {end:.2f} MiB at frame {args.frames}: {growth:+.2f} MiB (limit +{LIMIT_MIB} MiB)")
    return 0 if growth <= LIMIT_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
