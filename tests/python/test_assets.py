"""Mesh files bring their materials: base colour factors and textures (embedded in a GLB
or beside the file), per-sub-mesh materials, OBJ's .mtl colours and maps, vertex
colours. What Kiln cannot show (PBR, normal maps, undecodable textures) is named in a
kiln.KilnWarning. Real files come from Debian's assimp-testmodels."""

import warnings

import numpy as np
import pytest

import kiln
import kiln.numpy

CORPUS = "/usr/share/assimp/models"


def render(root, mesh, size=(96, 72), setup=None):
    """The mesh framed from the front, lit by a white ambient light alone, so that each
    pixel is its material's colour (times its texture): (colour frame, instance ids)."""
    sm = root.create_scene_manager()
    sm.ambient_light = (1, 1, 1)
    entity = sm.create_entity("entity", mesh)
    if setup:
        setup(entity)
    node = sm.root_scene_node.create_child_scene_node()
    node.attach_object(entity)
    box = mesh.bounding_box
    lo, hi = np.array(tuple(box.minimum)), np.array(tuple(box.maximum))
    extent = float(np.linalg.norm(hi - lo))
    node.position = tuple(-(lo + hi) / 2)
    node.pitch(0.4)
    node.yaw(0.6)
    camera = sm.create_camera("camera")
    camera.near_clip_distance = extent / 100
    camera.far_clip_distance = extent * 10
    cam_node = sm.root_scene_node.create_child_scene_node()
    cam_node.attach_object(camera)
    cam_node.position = (0, 0, 1.4 * extent)
    target = root.create_render_texture(f"target{entity.instance_id}", *size, kiln.PF_BYTE_RGB)
    target.add_viewport(camera).background_colour = (0, 0, 0)
    target.extra_buffers = kiln.BUFFER_INSTANCE_ID
    target.update()
    return target.read(), target.read(buffer="instance_id") == entity.instance_id


def test_a_glb_brings_its_embedded_texture_and_names_the_pbr_it_approximates():
    root = kiln.Root(num_threads=2)
    with pytest.warns(kiln.KilnWarning, match="PBR metallic-roughness .* drawn as Blinn-Phong"):
        mesh = root.mesh_manager.load("box", "General", f"{CORPUS}/glTF2/BoxTextured-glTF-Binary/BoxTextured.glb")
    assert mesh.get_sub_mesh_material_name(0) == "box/Texture"
    material = root.material_manager.get_by_name("box/Texture")
    assert len(material.techniques[0].passes[0].texture_unit_states) == 1
    frame, drawn = render(root, mesh)
    pixels = frame[drawn]
    assert drawn.sum() > 1000
    # The texture's colours, not white: many of them, and far from grey.
    assert len(np.unique(pixels, axis=0)) > 30
    assert (pixels.max(axis=1).astype(int) - pixels.min(axis=1)).mean() > 40


def test_a_gltf_brings_the_texture_beside_it():
    root = kiln.Root(num_threads=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", kiln.KilnWarning)
        mesh = root.mesh_manager.load("box", "General", f"{CORPUS}/glTF2/BoxTextured-glTF/BoxTextured.gltf")
    assert not [w for w in caught if "left out" in str(w.message)]
    assert root.texture_manager.resource_exists("box/CesiumLogoFlat.png")
    frame, drawn = render(root, mesh)
    assert len(np.unique(frame[drawn], axis=0)) > 30


def test_per_sub_mesh_materials_keep_their_colours():
    root = kiln.Root(num_threads=2)
    mesh = root.mesh_manager.load("cubes", "General", f"{CORPUS}/ASE/ThreeCubesGreen.ASE")
    names = [mesh.get_sub_mesh_material_name(i) for i in range(mesh.num_sub_meshes)]
    assert mesh.num_sub_meshes == 3 and all(n.startswith("cubes/") for n in names)
    frame, drawn = render(root, mesh)
    pixels = frame[drawn].astype(int)
    assert drawn.sum() > 500
    # Three colours, one per cube, each its material's ambient colour from the file
    # (lit by a white ambient light alone): it rendered white before.
    colours = {tuple(c) for c in np.unique(pixels, axis=0)}
    assert len(colours) == 3 and (104, 164, 0) in colours  # *MATERIAL_AMBIENT 0.4078 0.6431 0


def test_vertex_colours_are_drawn():
    root = kiln.Root(num_threads=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kiln.KilnWarning)
        mesh = root.mesh_manager.load("ugly", "General", f"{CORPUS}/LWO/LWO2/UglyVertexColors.lwo")
    frame, drawn = render(root, mesh)
    pixels = frame[drawn]
    assert drawn.sum() > 500
    assert len(np.unique(pixels // 32, axis=0)) > 5  # many hues, not one white


def write_obj_with_mtl(tmp_path, with_map=True):
    texels = np.zeros((8, 8, 3), np.uint8)
    texels[:, :, 0] = 255  # red
    kiln.Image.from_array(texels).save(str(tmp_path / "red.png"))
    (tmp_path / "quad.mtl").write_text("newmtl paint\nKd 0.5 1.0 0.25\n" + ("map_Kd red.png\n" if with_map else ""))
    (tmp_path / "quad.obj").write_text("mtllib quad.mtl\nv -1 -1 0\nv 1 -1 0\nv 1 1 0\nv -1 1 0\n"
                                       "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\nusemtl paint\nf 1/1 2/2 3/3 4/4\n")
    return str(tmp_path / "quad.obj")


def test_an_obj_brings_its_mtl_colour_and_map(tmp_path):
    root = kiln.Root(num_threads=2)
    mesh = root.mesh_manager.load("quad", "General", write_obj_with_mtl(tmp_path, with_map=False))
    frame, drawn = render(root, mesh)
    np.testing.assert_allclose(frame[drawn].mean(axis=0), (128, 255, 64), atol=1.5)
    # With the map: the red texture times the diffuse colour.
    other = tmp_path / "mapped"
    other.mkdir()
    root = kiln.Root(num_threads=2)
    mesh = root.mesh_manager.load("quad", "General", write_obj_with_mtl(other))
    frame, drawn = render(root, mesh)
    np.testing.assert_allclose(frame[drawn].mean(axis=0), (128, 0, 0), atol=1.5)


def test_a_material_of_ones_own_wins_and_each_sub_mesh_can_be_given_one(tmp_path):
    root = kiln.Root(num_threads=2)
    mine = root.material_manager.create("quad/paint", "General")
    mine.techniques[0].passes[0].lighting_enabled = False  # white, unlit
    mesh = root.mesh_manager.load("quad", "General", write_obj_with_mtl(tmp_path, with_map=False))
    frame, drawn = render(root, mesh)
    assert (frame[drawn] == 255).all()
    blue = root.material_manager.create("blue", "General")
    blue.techniques[0].passes[0].ambient = (0, 0, 1)
    frame, drawn = render(root, mesh, setup=lambda e: e.set_sub_material(0, blue))
    np.testing.assert_allclose(frame[drawn].mean(axis=0), (0, 0, 255), atol=1)
    entity = root.create_scene_manager().create_entity("e", mesh)
    assert entity.get_sub_material(0).name == "quad/paint"
    with pytest.raises(IndexError, match="has 1 sub-meshes; there is no sub-mesh 1"):
        entity.set_sub_material(1, blue)


def test_a_texture_that_cannot_be_decoded_is_named_in_a_warning():
    root = kiln.Root(num_threads=1)
    with pytest.warns(kiln.KilnWarning, match=r"duck.dae: texture '\./duckCM\.tga' of material 'duck/blinn3' is left "
                                              r"out"):
        mesh = root.mesh_manager.load("duck", "General", f"{CORPUS}/Collada/duck.dae")
    assert "duckCM.tga" in mesh.import_warnings
