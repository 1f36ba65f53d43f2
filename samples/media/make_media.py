"""Writes the media of the 3D sample: torus_knot.obj (a (2,3) torus knot tube with
normals and texture coordinates) and checker.png (its texture).

Run: python3 samples/media/make_media.py   (the outputs are kept in the repository)"""

import os

import numpy as np
from matplotlib import pyplot

HERE = os.path.dirname(os.path.abspath(__file__))


def torus_knot(p=2, q=3, segments=240, sides=20, radius=0.28):
    """Vertices (position, normal, uv) and triangles of a tube around a (p, q) knot."""
    t = np.linspace(0, 2 * np.pi, segments, endpoint=False)

    def curve(t):
        r = 1.0 + 0.45 * np.cos(q * t)
        return np.stack([r * np.cos(p * t), r * np.sin(p * t), 0.45 * np.sin(q * t)], axis=-1)

    centre = curve(t)
    tangent = curve(t + 1e-3) - curve(t - 1e-3)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    normal = np.cross(tangent, np.array([0.0, 0.0, 1.0]))
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    binormal = np.cross(tangent, normal)
    a = np.linspace(0, 2 * np.pi, sides, endpoint=False)
    # One extra ring and side so that texture coordinates wrap without a seam.
    rings = np.arange(segments + 1) % segments
    around = np.arange(sides + 1) % sides
    n = (np.cos(a)[around][None, :, None] * normal[rings][:, None, :]
         + np.sin(a)[around][None, :, None] * binormal[rings][:, None, :])
    pos = centre[rings][:, None, :] + radius * n
    u = np.arange(segments + 1) / segments * 8.0
    v = np.arange(sides + 1) / sides
    uv = np.stack(np.meshgrid(u, v, indexing="ij"), axis=-1)
    w = sides + 1
    tris = []
    for i in range(segments):
        for j in range(sides):
            a0, a1, b0, b1 = i * w + j, i * w + j + 1, (i + 1) * w + j, (i + 1) * w + j + 1
            tris += [(a0, a1, b0), (a1, b1, b0)]  # anticlockwise seen from outside
    return pos.reshape(-1, 3), n.reshape(-1, 3), uv.reshape(-1, 2), np.array(tris)


def write_obj(path, pos, nrm, uv, tris):
    with open(path, "w") as f:
        f.write("# A (2,3) torus knot tube, written by make_media.py\n")
        f.writelines(f"v {x:.5f} {y:.5f} {z:.5f}\n" for x, y, z in pos)
        f.writelines(f"vn {x:.5f} {y:.5f} {z:.5f}\n" for x, y, z in nrm)
        # OBJ's v runs upwards from the bottom of the image.
        f.writelines(f"vt {s:.5f} {1 - t:.5f}\n" for s, t in uv)
        f.writelines("f " + " ".join(f"{i + 1}/{i + 1}/{i + 1}" for i in tri) + "\n" for tri in tris)


def checker(size=256, squares=8):
    y, x = np.mgrid[0:size, 0:size]
    cell = ((x * squares // size) + (y * squares // size)) % 2
    warm = np.array([0.95, 0.55, 0.15])
    cool = np.array([0.2, 0.45, 0.85])
    image = np.where(cell[..., None] == 1, warm, cool)
    image *= 0.85 + 0.15 * np.cos(x / size * 2 * np.pi)[..., None]
    return (image * 255).round().astype(np.uint8)


if __name__ == "__main__":
    write_obj(os.path.join(HERE, "torus_knot.obj"), *torus_knot())
    pyplot.imsave(os.path.join(HERE, "checker.png"), checker())
