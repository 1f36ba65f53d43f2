"""Vertex lists of the 3D golden scenes, shared by the generator and the Kiln test.

A section of a scene's object (see 3d/README.md) holds its geometry either as
explicit columns or as a generator call such as ``{"generator": "sphere",
"radius": 1, "rings": 12, "segments": 24}``; :func:`build` turns either into the
same columns, so the reference engine and Kiln are fed identical vertices:

    positions   [[x, y, z], ...]            required
    normals     [[x, y, z], ...]            optional, one per vertex
    colours     [[r, g, b, a], ...]         optional, one per vertex
    texcoords   [[[u, v], ...], ...]        optional, one list per coordinate set
    indices     [i, ...]                    optional; without them vertices are used in order

Generated values are rounded to 6 decimals so that they do not depend on the last
bit of the platform's sin and cos. Triangles are anticlockwise seen from the side
their normals point to (the front under the default culling mode).
"""

import math

COLUMNS = ("positions", "normals", "colours", "texcoords", "indices")
GENERATORS = ("sphere", "grid", "cube")


def _r(value):
    # round() keeps -0.0, which would print as "-0.0"; adding 0.0 makes it 0.0.
    return round(value, 6) + 0.0


def sphere(radius=1.0, rings=12, segments=24, colour=None):
    """A UV sphere about the origin: rings + 1 rows of segments + 1 vertices.

    Row 0 is the north pole (+Y), u runs once around from +Z towards +X, v from 0 at
    the north pole to 1 at the south pole. ``colour`` (r, g, b, a), when given, is
    given to every vertex, and ``"normal"`` gives each vertex the colour
    (0.5 + 0.5 * normal, 1); otherwise vertices get no colour.
    """
    rings, segments = int(rings), int(segments)
    if rings < 2 or segments < 3:
        raise ValueError(f"sphere needs rings >= 2 and segments >= 3, got {rings} and {segments}")
    positions, normals, uvs = [], [], []
    for ring in range(rings + 1):
        theta = math.pi * ring / rings
        for seg in range(segments + 1):
            phi = 2.0 * math.pi * seg / segments
            n = (math.sin(theta) * math.sin(phi), math.cos(theta), math.sin(theta) * math.cos(phi))
            normals.append([_r(c) for c in n])
            positions.append([_r(radius * c) for c in n])
            uvs.append([_r(seg / segments), _r(ring / rings)])
    indices = []
    row = segments + 1
    for ring in range(rings):
        for seg in range(segments):
            a = ring * row + seg  # upper left, seen from outside with +Y up
            b = a + row  # lower left
            if ring != 0:
                indices += [a, b, a + 1]
            if ring != rings - 1:
                indices += [a + 1, b, b + 1]
    geometry = {"positions": positions, "normals": normals, "texcoords": [uvs], "indices": indices}
    if colour == "normal":
        geometry["colours"] = [[_r(0.5 + 0.5 * c) for c in n] + [1.0] for n in normals]
    elif colour is not None:
        geometry["colours"] = [list(map(float, colour))] * len(positions)
    return geometry


def grid(width=1.0, depth=1.0, cells_x=1, cells_z=1, uv_repeat=(1.0, 1.0), colour=None):
    """A flat grid in the XZ plane centred on the origin, facing +Y.

    (cells_x + 1) x (cells_z + 1) vertices; texture coordinate (0, 0) at the corner
    (-width/2, 0, -depth/2) and (uv_repeat) at the opposite one, u along +X, v along +Z.
    """
    cells_x, cells_z = int(cells_x), int(cells_z)
    if cells_x < 1 or cells_z < 1:
        raise ValueError(f"grid needs at least one cell each way, got {cells_x}x{cells_z}")
    positions, normals, uvs = [], [], []
    for iz in range(cells_z + 1):
        for ix in range(cells_x + 1):
            fx, fz = ix / cells_x, iz / cells_z
            positions.append([_r((fx - 0.5) * width), 0.0, _r((fz - 0.5) * depth)])
            normals.append([0.0, 1.0, 0.0])
            uvs.append([_r(fx * uv_repeat[0]), _r(fz * uv_repeat[1])])
    indices = []
    row = cells_x + 1
    for iz in range(cells_z):
        for ix in range(cells_x):
            a = iz * row + ix  # far left seen from above with -Z ahead
            b = a + row  # near left
            indices += [a, b, b + 1, a, b + 1, a + 1]
    geometry = {"positions": positions, "normals": normals, "texcoords": [uvs], "indices": indices}
    if colour is not None:
        geometry["colours"] = [list(map(float, colour))] * len(positions)
    return geometry


# Each face: its normal, then the unit vectors along its u and v (v pointing down
# the face as seen from outside, so texture coordinate (0, 0) is its top-left).
_CUBE_FACES = (
    ((0, 0, 1), (1, 0, 0), (0, -1, 0)),
    ((0, 0, -1), (-1, 0, 0), (0, -1, 0)),
    ((1, 0, 0), (0, 0, -1), (0, -1, 0)),
    ((-1, 0, 0), (0, 0, 1), (0, -1, 0)),
    ((0, 1, 0), (1, 0, 0), (0, 0, 1)),
    ((0, -1, 0), (1, 0, 0), (0, 0, -1)),
)


def cube(size=1.0, face_colours=None):
    """An axis-aligned cube about the origin, 4 vertices per face (24 in all).

    Faces in the order +Z, -Z, +X, -X, +Y, -Y; ``face_colours`` (six [r, g, b, a]),
    when given, colours each face's vertices.
    """
    half = size / 2.0
    positions, normals, uvs, colours, indices = [], [], [], [], []
    for face, (n, u, v) in enumerate(_CUBE_FACES):
        base = len(positions)
        for cu, cv in ((0, 0), (0, 1), (1, 1), (1, 0)):
            su, sv = 2 * cu - 1, 2 * cv - 1
            p = [half * (n[i] + su * u[i] + sv * v[i]) for i in range(3)]
            positions.append([_r(c) for c in p])
            normals.append([float(c) for c in n])
            uvs.append([float(cu), float(cv)])
            if face_colours is not None:
                colours.append(list(map(float, face_colours[face])))
        # top-left, bottom-left, bottom-right, top-right: anticlockwise from outside
        indices += [base, base + 1, base + 2, base, base + 2, base + 3]
    geometry = {"positions": positions, "normals": normals, "texcoords": [uvs], "indices": indices}
    if face_colours is not None:
        geometry["colours"] = colours
    return geometry


def build(geometry):
    """The columns of a section's geometry: generated, or checked and passed through."""
    geometry = dict(geometry)
    kind = geometry.pop("generator", None)
    if kind is not None:
        makers = {"sphere": sphere, "grid": grid, "cube": cube}
        if kind not in makers:
            raise ValueError(f"unknown generator {kind!r}; expected one of {GENERATORS}")
        geometry = makers[kind](**geometry)
    unknown = set(geometry) - set(COLUMNS)
    if unknown:
        raise ValueError(f"geometry has unknown columns {sorted(unknown)}; expected {COLUMNS}")
    count = len(geometry["positions"])
    for key in ("normals", "colours"):
        if key in geometry and len(geometry[key]) != count:
            raise ValueError(f"geometry has {len(geometry[key])} {key} for {count} positions")
    for i, uvs in enumerate(geometry.get("texcoords", [])):
        if len(uvs) != count:
            raise ValueError(f"geometry has {len(uvs)} texture coordinates in set {i} for {count} positions")
    for index in geometry.get("indices", []):
        if not 0 <= index < count:
            raise ValueError(f"geometry index {index} is outside its {count} vertices")
    return geometry


def vertices(geometry):
    """Per vertex, in order: (position, normal or None, colour or None, [uv per set])."""
    count = len(geometry["positions"])
    normals = geometry.get("normals")
    colours = geometry.get("colours")
    sets = geometry.get("texcoords", [])
    for i in range(count):
        yield (
            geometry["positions"][i],
            normals[i] if normals else None,
            colours[i] if colours else None,
            [uvs[i] for uvs in sets],
        )
