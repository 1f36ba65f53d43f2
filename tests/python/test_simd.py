"""Every instruction set and every thread count draws the same bytes.

The CPU rasterizer shades with per-pixel scalar code or with span kernels of SSE2
or AVX2 (kiln.Root(simd=...), or the KILN_SIMD environment variable for a whole
run). The kernels repeat the scalar code's arithmetic operation for operation, so
every golden scene, 2D and 3D, must come out byte for byte the same whichever path
and however many threads draw it. The reference here is the scalar path on one
thread; the goldens themselves are compared at their tolerance by test_golden*.py."""

import os

import numpy as np
import pytest

import kiln
import kiln.numpy
import kiln_scenes
import kiln_scenes_3d

SIMD = [kiln.SIMD_SCALAR, kiln.SIMD_SSE2, kiln.SIMD_AVX2]
NAMES = {kiln.SIMD_SCALAR: "scalar", kiln.SIMD_SSE2: "sse2", kiln.SIMD_AVX2: "avx2"}

SCENES = [(kiln_scenes, p) for p in kiln_scenes.golden_scene_files()] + [
    (kiln_scenes_3d, p) for p in kiln_scenes_3d.golden_scene_files()
]


def available():
    """The instruction sets this processor runs (a request is lowered to these)."""
    return sorted({kiln.Root(num_threads=1, simd=s).simd for s in SIMD})


def test_a_request_is_lowered_to_what_the_processor_has():
    sets = available()
    assert kiln.SIMD_SCALAR in sets and kiln.SIMD_SSE2 in sets  # SSE2 is x86-64's baseline
    for simd in SIMD:
        assert kiln.Root(simd=simd).simd == max(s for s in sets if s <= simd)
    # Automatic: the environment's choice, or the best there is.
    wanted = {"scalar": kiln.SIMD_SCALAR, "sse2": kiln.SIMD_SSE2}.get(os.environ.get("KILN_SIMD"), max(sets))
    assert kiln.Root().simd == min(wanted, max(sets))
    with pytest.raises(kiln.InvalidArgumentError, match="simd"):
        kiln.Root(simd=7)


@pytest.mark.parametrize("module, path", SCENES, ids=[p.stem for _, p in SCENES])
def test_every_path_draws_the_same_bytes(module, path):
    scene = module.load_scene(path)
    reference = module.render_scene(scene, num_threads=1, simd=kiln.SIMD_SCALAR)
    for simd in available():
        for threads in (1, 2, 3):
            if simd == kiln.SIMD_SCALAR and threads == 1:
                continue
            actual = module.render_scene(scene, num_threads=threads, simd=simd)
            diff = np.argwhere((actual != reference).any(axis=2))
            assert not len(diff), (
                f"{path.stem}: {NAMES[simd]} on {threads} threads differs from scalar on one "
                f"thread in {len(diff)} pixels, first at (row, column) {tuple(diff[0])}: "
                f"{tuple(actual[tuple(diff[0])])} != {tuple(reference[tuple(diff[0])])}"
            )


def random_triangle(mo, rng, centre, size):
    """Three vertices scattered by size around centre, at random depths, with random
    normals, colours and texture coordinates."""
    for _ in range(3):
        x, y = centre + rng.normal(0, size, 2)
        mo.position(float(x), float(y), float(rng.uniform(-1, 1)))
        mo.normal(*(float(v) for v in rng.normal(size=3)))
        mo.colour(*(float(v) for v in rng.uniform(0, 1, 4)))
        mo.texture_coord(*(float(v) for v in rng.uniform(-2, 2, 2)))


def random_frame(seed, simd, threads, perspective, pixel_format=kiln.PF_BYTE_RGB):
    """A frame of random triangles seen through an orthographic or a perspective camera
    with a random pass: lighting per vertex by random lights, lighting without lights (a
    constant colour) or none, vertex colours, a random scale, one texture unit with random filtering, addressing and colour operation,
    and a random depth test. Returns its RGB pixels."""
    rng = np.random.default_rng(seed)
    root = kiln.Root(num_threads=threads, simd=simd)
    scene = root.create_scene_manager()
    scene.ambient_light = tuple(rng.uniform(0, 0.5, 3))
    texels = rng.integers(0, 256, (16, 32, 3), dtype=np.uint8)
    img = kiln.Image()
    img.load_dynamic_image(kiln.numpy.as_data_stream(texels), 32, 16, kiln.PF_BYTE_RGB)
    root.texture_manager.load_image("noise", "General", img)
    mat = root.material_manager.create("m", "General")
    p = mat.techniques[0].passes[0]
    p.lighting_enabled = bool(rng.integers(2))
    p.vertex_colour_tracking = int(rng.choice([kiln.TVC_NONE, kiln.TVC_DIFFUSE]))
    p.diffuse = tuple(rng.uniform(0, 1, 3))
    p.specular = tuple(rng.uniform(0, 1, 3))
    p.shininess = float(rng.uniform(1, 64))
    p.depth_function = int(rng.choice([kiln.CMPF_LESS, kiln.CMPF_LESS_EQUAL, kiln.CMPF_GREATER,
                                       kiln.CMPF_NOT_EQUAL, kiln.CMPF_ALWAYS_PASS, kiln.CMPF_EQUAL]))
    p.depth_write_enabled = bool(rng.integers(2))
    p.depth_check_enabled = bool(rng.integers(4))
    if rng.integers(4):
        tus = p.create_texture_unit_state("noise")
        tus.texture_filtering = int(rng.choice([kiln.TFO_NONE, kiln.TFO_BILINEAR, kiln.TFO_TRILINEAR]))
        tus.texture_addressing_mode = int(rng.choice([kiln.TAM_WRAP, kiln.TAM_CLAMP, kiln.TAM_MIRROR]))
        tus.colour_operation = int(rng.choice([kiln.LBO_MODULATE, kiln.LBO_REPLACE, kiln.LBO_ADD]))
    # Lit per vertex by up to two lights of any type, with or without a specular
    # colour; without a light, lighting leaves a constant colour.
    for k in range(int(rng.integers(3))):
        light = scene.create_light(f"light{k}")
        light.type = int(rng.choice([kiln.LT_DIRECTIONAL, kiln.LT_POINT, kiln.LT_SPOTLIGHT]))
        light.direction = tuple(rng.normal(size=3))
        light.diffuse_colour = tuple(rng.uniform(0, 1, 3))
        if rng.integers(2):
            light.specular_colour = tuple(rng.uniform(0, 1, 3))
        if rng.integers(2):
            light.set_attenuation(float(rng.uniform(1, 10)), 1.0, float(rng.uniform(0, 0.5)),
                                  float(rng.uniform(0, 0.2)))
        light_node = scene.root_scene_node.create_child_scene_node()
        light_node.attach_object(light)
        light_node.position = tuple(rng.uniform(-3, 3, 3))
    mo = scene.create_manual_object("tris")
    mo.begin("m", kiln.OT_TRIANGLE_LIST)
    for _ in range(30):
        size = rng.choice([0.05, 0.3, 2.0])
        centre = rng.uniform(-1, 1, 2)
        random_triangle(mo, rng, centre, size)
    mo.end()
    mo_node = scene.root_scene_node.create_child_scene_node()
    mo_node.attach_object(mo)
    if rng.integers(2):  # normals through the inverse transpose of a non-uniform scale
        mo_node.scale = tuple(rng.uniform(0.5, 1.5, 3))
    cam = scene.create_camera("cam")
    if perspective:
        cam.fov_y = 0.7
        cam.auto_aspect_ratio = True
    else:
        cam.projection_type = kiln.PT_ORTHOGRAPHIC
        cam.ortho_window_height = 2.5
    cam.near_clip_distance = 0.1
    cam.far_clip_distance = 10
    node = scene.root_scene_node.create_child_scene_node()
    node.attach_object(cam)
    node.position = (0, 0, 5)
    win = root.create_render_texture("w", 97, 75, pixel_format)
    vp = win.add_viewport(cam)
    vp.background_colour = tuple(rng.uniform(0, 1, 3))
    root.render_one_frame()
    root.render_one_frame()  # a second frame over the first: depth and colour are kept per tile
    return kiln.numpy.read_pixels(win, format=pixel_format)


@pytest.mark.parametrize("perspective", [False, True], ids=["orthographic", "perspective"])
@pytest.mark.parametrize("seed", range(40))
def test_random_states_draw_the_same_bytes_on_every_path(seed, perspective):
    reference = random_frame(seed, kiln.SIMD_SCALAR, 1, perspective)
    for simd in available():
        if simd != kiln.SIMD_SCALAR:
            actual = random_frame(seed, simd, 2, perspective)
            diff = np.argwhere((actual != reference).any(axis=2))
            assert not len(diff), f"seed {seed}: {NAMES[simd]} differs in {len(diff)} pixels, first at {tuple(diff[0])}"


@pytest.mark.parametrize("seed", range(40))
def test_random_vertices_light_the_same_floats_on_every_path(seed):
    """A float target is shaded by the per-pixel code on every path, so its pixels show
    any difference in the vertex stage's output, down to the last bit."""
    reference = random_frame(seed, kiln.SIMD_SCALAR, 1, True, kiln.PF_FLOAT32_RGBA)
    for simd in available():
        if simd != kiln.SIMD_SCALAR:
            actual = random_frame(seed, simd, 2, True, kiln.PF_FLOAT32_RGBA)
            same = (actual.view(np.uint32) == reference.view(np.uint32)).all(axis=2)
            diff = np.argwhere(~same)
            assert not len(diff), f"seed {seed}: {NAMES[simd]} differs in {len(diff)} pixels, first at {tuple(diff[0])}"


def lit_sphere(simd, threads, grid=61):
    """A lit, textured UV sphere of grid x grid vertices (a count no vector width
    divides) under a directional and a point light, into a float target."""
    root = kiln.Root(num_threads=threads, simd=simd)
    scene = root.create_scene_manager()
    scene.ambient_light = (0.2, 0.2, 0.2)
    t, p = np.meshgrid(np.linspace(0, np.pi, grid), np.linspace(0, 2 * np.pi, grid), indexing="ij")
    positions = np.stack([np.sin(t) * np.cos(p), np.cos(t), np.sin(t) * np.sin(p)], -1).reshape(-1, 3)
    uvs = np.stack([p / np.pi, t / np.pi], -1).reshape(-1, 2).astype(np.float32)
    i, j = np.meshgrid(np.arange(grid - 1), np.arange(grid - 1), indexing="ij")
    a = (i * grid + j).ravel()
    indices = np.stack([a, a + 1, a + grid, a + 1, a + grid + 1, a + grid], -1).astype(np.uint32)
    mesh = root.mesh_manager.create_from_arrays("sphere", "General", positions.astype(np.float32),
                                                normals=positions.astype(np.float32),
                                                texture_coords=[uvs], indices=indices.reshape(-1, 3))
    mat = root.material_manager.create("lit", "General")
    rpass = mat.techniques[0].passes[0]
    rpass.diffuse = (1.0, 0.9, 0.8)
    rpass.specular = (0.5, 0.5, 0.5)
    rpass.shininess = 32.0
    entity = scene.create_entity("sphere", mesh)
    entity.material = mat
    node = scene.root_scene_node.create_child_scene_node()
    node.attach_object(entity)
    node.scale = (1.0, 0.7, 1.2)
    sun = scene.create_light("sun")
    sun.type = kiln.LT_DIRECTIONAL
    sun.direction = (-1.0, -1.0, -1.0)
    scene.root_scene_node.create_child_scene_node().attach_object(sun)
    lamp = scene.create_light("lamp")
    lamp.type = kiln.LT_POINT
    lamp.diffuse_colour = (1.0, 0.8, 0.6)
    lamp.set_attenuation(20.0, 0.5, 0.1, 0.05)
    lamp_node = scene.root_scene_node.create_child_scene_node()
    lamp_node.attach_object(lamp)
    lamp_node.position = (2.0, 2.0, 3.0)
    cam = scene.create_camera("cam")
    cam.near_clip_distance = 0.1
    cam.auto_aspect_ratio = True
    cam_node = scene.root_scene_node.create_child_scene_node()
    cam_node.attach_object(cam)
    cam_node.position = (0.0, 0.0, 3.2)
    win = root.create_render_texture("w", 120, 90, kiln.PF_FLOAT32_RGBA)
    win.add_viewport(cam).background_colour = (0.1, 0.1, 0.15)
    root.render_one_frame()
    return kiln.numpy.read_pixels(win, format=kiln.PF_FLOAT32_RGBA)


def test_a_lit_mesh_gives_the_same_floats_on_every_path():
    reference = lit_sphere(kiln.SIMD_SCALAR, 1)
    assert (reference[..., 0] != reference[0, 0, 0]).sum() > 2000  # the sphere is drawn
    for simd in available():
        for threads in (1, 2):
            actual = lit_sphere(simd, threads)
            same = (actual.view(np.uint32) == reference.view(np.uint32)).all(axis=2)
            assert same.all(), f"{NAMES[simd]} on {threads} threads differs in {(~same).sum()} pixels"


def assert_every_path_draws(reference, frame, seed):
    """frame(seed, simd, threads) on every instruction set with 1 and 2 threads gives the
    bytes of reference (scalar, one thread)."""
    for simd in available():
        for threads in (1, 2):
            actual = frame(seed, simd, threads)
            diff = np.argwhere((actual != reference).any(axis=2))
            assert not len(diff), (f"seed {seed}: {NAMES[simd]} on {threads} threads differs in "
                                   f"{len(diff)} pixels, first at {tuple(diff[0])}")


def tiny_triangles_frame(seed, simd, threads):
    """Hundreds of perspective triangles of a pixel or two piled on a few dozen pixels,
    in three sections of random passes (depth test or none, textured or not) with a few
    large triangles and a line among them: the kernels queue small triangles' fragments
    and shade them together, and the queue must come out as if each triangle had been
    drawn in turn, across state changes and whatever else draws in between."""
    rng = np.random.default_rng(seed)
    root = kiln.Root(num_threads=threads, simd=simd)
    scene = root.create_scene_manager()
    scene.ambient_light = (0.3, 0.3, 0.3)
    texels = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    img = kiln.Image()
    img.load_dynamic_image(kiln.numpy.as_data_stream(texels), 16, 16, kiln.PF_BYTE_RGB)
    root.texture_manager.load_image("noise", "General", img)
    names = []
    for k in range(3):
        p = root.material_manager.create(f"m{k}", "General").techniques[0].passes[0]
        p.lighting_enabled = bool(rng.integers(2))
        p.vertex_colour_tracking = kiln.TVC_DIFFUSE
        p.specular = tuple(rng.uniform(0, 1, 3))
        p.depth_check_enabled = bool(rng.integers(2))
        p.depth_function = int(rng.choice([kiln.CMPF_LESS_EQUAL, kiln.CMPF_GREATER, kiln.CMPF_ALWAYS_PASS]))
        if rng.integers(3):
            tus = p.create_texture_unit_state("noise")
            tus.texture_filtering = int(rng.choice([kiln.TFO_NONE, kiln.TFO_BILINEAR, kiln.TFO_TRILINEAR]))
        names.append(f"m{k}")
    light = scene.create_light("sun")
    light.type = kiln.LT_DIRECTIONAL
    light.direction = (-1, -1, -1)
    light.specular_colour = (1, 1, 1)
    scene.root_scene_node.create_child_scene_node().attach_object(light)
    mo = scene.create_manual_object("tris")
    for section in range(6):
        mo.begin(names[section % 3], kiln.OT_TRIANGLE_LIST)
        for _ in range(150):
            size = 0.6 if rng.integers(40) == 0 else 0.04
            centre = rng.uniform(-0.25, 0.25, 2)
            random_triangle(mo, rng, centre, size)
        mo.end()
        if section == 2:
            mo.begin(names[0], kiln.OT_LINE_LIST)
            mo.position(-0.3, -0.2, 0.5)
            mo.position(0.3, 0.25, -0.5)
            mo.end()
    scene.root_scene_node.create_child_scene_node().attach_object(mo)
    cam = scene.create_camera("cam")
    cam.fov_y = 0.7
    cam.auto_aspect_ratio = True
    cam.near_clip_distance = 0.1
    node = scene.root_scene_node.create_child_scene_node()
    node.attach_object(cam)
    node.position = (0, 0, 5)
    win = root.create_render_texture("w", 97, 75, kiln.PF_BYTE_RGB)
    win.add_viewport(cam).background_colour = (0.2, 0.1, 0.3)
    root.render_one_frame()
    return kiln.numpy.read_pixels(win, format=kiln.PF_BYTE_RGB)


@pytest.mark.parametrize("seed", range(12))
def test_piled_up_small_triangles_draw_the_same_bytes_on_every_path(seed):
    reference = tiny_triangles_frame(seed, kiln.SIMD_SCALAR, 1)
    background = np.array([51, 26, 77])
    assert (reference != background).any(axis=2).sum() > 300  # the pile is drawn
    assert_every_path_draws(reference, tiny_triangles_frame, seed)


def screen_quads_frame(seed, simd, threads):
    """Textured rectangles that face the screen, their texture coordinates changing
    across along x only and down along y only (the tutorial's quad, image overlays),
    magnified, drawn texel for pixel or minified, at random places that straddle tiles,
    overlapping, with random addressing, depth tests and colour sources: the kernels
    lerp each texel row across once and then only down between kept rows."""
    rng = np.random.default_rng(seed)
    root = kiln.Root(num_threads=threads, simd=simd)
    scene = root.create_scene_manager()
    texels = rng.integers(0, 256, (16, 32, 3), dtype=np.uint8)
    img = kiln.Image()
    img.load_dynamic_image(kiln.numpy.as_data_stream(texels), 32, 16, kiln.PF_BYTE_RGB)
    root.texture_manager.load_image("noise", "General", img)
    mo = scene.create_manual_object("quads")
    for k in range(8):
        p = root.material_manager.create(f"q{k}", "General").techniques[0].passes[0]
        p.culling_mode = kiln.CULL_NONE
        p.lighting_enabled = bool(rng.integers(3) == 0)  # a constant colour
        p.diffuse = tuple(rng.uniform(0, 1, 3))
        p.vertex_colour_tracking = int(rng.choice([kiln.TVC_NONE, kiln.TVC_DIFFUSE]))
        p.depth_check_enabled = bool(rng.integers(4))
        p.depth_write_enabled = bool(rng.integers(3))
        p.depth_function = int(rng.choice([kiln.CMPF_LESS_EQUAL, kiln.CMPF_LESS, kiln.CMPF_GREATER,
                                           kiln.CMPF_ALWAYS_PASS]))
        tus = p.create_texture_unit_state("noise")
        tus.texture_addressing_mode = int(rng.choice([kiln.TAM_WRAP, kiln.TAM_CLAMP]))
        tus.colour_operation = int(rng.choice([kiln.LBO_MODULATE, kiln.LBO_REPLACE, kiln.LBO_ADD]))
        mo.begin(f"q{k}", kiln.OT_TRIANGLE_LIST)
        x0, x1 = np.sort(rng.uniform(-1.4, 1.4, 2))
        y0, y1 = np.sort(rng.uniform(-1.1, 1.1, 2))
        # Repeats across from a few texels to several times the texture, fewer down
        # (magnified rows), and now and then more (minified rows).
        u0 = float(rng.uniform(-2, 2))
        u1 = u0 + float(rng.choice([0.3, 1.0, 2.5]))
        v0 = float(rng.uniform(-2, 2))
        v1 = v0 + float(rng.choice([0.2, 0.7, 1.0, 6.0]))
        z = float(rng.uniform(-1, 1))
        corners = [(x0, y0, u0, v1), (x1, y0, u1, v1), (x1, y1, u1, v0), (x0, y1, u0, v0)]
        colours = rng.uniform(0, 1, (4, 4))
        for i in (0, 1, 2, 0, 2, 3):
            x, y, u, v = corners[i]
            mo.position(float(x), float(y), z)
            mo.colour(*(float(c) for c in colours[i]))
            mo.texture_coord(u, v)
        mo.end()
    scene.root_scene_node.create_child_scene_node().attach_object(mo)
    rect = kiln.Rectangle2D(True)
    rect.set_corners(*(float(c) for c in (-0.5, 0.6, 0.3, -0.45) + rng.uniform(-0.1, 0.1, 4)))
    rect.material = root.material_manager.get_by_name("q0")
    scene.root_scene_node.create_child_scene_node().attach_object(rect)
    cam = scene.create_camera("cam")
    cam.projection_type = kiln.PT_ORTHOGRAPHIC
    cam.ortho_window_height = 2.0
    cam.near_clip_distance = 0.1
    cam.far_clip_distance = 10
    node = scene.root_scene_node.create_child_scene_node()
    node.attach_object(cam)
    node.position = (0, 0, 5)
    win = root.create_render_texture("w", 203, 137, kiln.PF_BYTE_RGB)
    win.add_viewport(cam).background_colour = tuple(rng.uniform(0, 1, 3))
    root.render_one_frame()
    root.render_one_frame()
    return kiln.numpy.read_pixels(win, format=kiln.PF_BYTE_RGB)


@pytest.mark.parametrize("seed", range(16))
def test_textures_facing_the_screen_draw_the_same_bytes_on_every_path(seed):
    reference = screen_quads_frame(seed, kiln.SIMD_SCALAR, 1)
    assert len(np.unique(reference.reshape(-1, 3), axis=0)) > 20  # textured quads are drawn
    assert_every_path_draws(reference, screen_quads_frame, seed)
