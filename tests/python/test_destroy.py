"""Destroying scene nodes and render targets while Python still holds them: their
Python objects refuse further use with a RuntimeError that names the call, never reach
freed memory, and whatever they handed out (attached objects, views of pixels, arrays
rendered into) stays valid."""

import gc

import numpy as np
import pytest

import kiln
import kiln.numpy


def scene_with_nodes():
    root = kiln.Root(num_threads=1)
    scene = root.create_scene_manager()
    parent = scene.root_scene_node.create_child_scene_node()
    child = parent.create_child_scene_node()
    grandchild = child.create_child_scene_node()
    return root, scene, parent, child, grandchild


def test_a_destroyed_node_and_those_below_it_refuse_further_use():
    root, scene, parent, child, grandchild = scene_with_nodes()
    sibling = scene.root_scene_node.create_child_scene_node()
    again = parent.get_child(0)  # a second Python object of the same node
    camera = scene.create_camera("cam")
    grandchild.attach_object(camera)
    scene.destroy_scene_node(parent)
    for node in (parent, child, grandchild, again):
        with pytest.raises(RuntimeError, match="SceneNode.position: .*destroyed"):
            node.position
        with pytest.raises(RuntimeError, match="destroyed"):
            node.yaw(0.1)
        assert "destroyed" in repr(node)
    with pytest.raises(RuntimeError, match="destroy_scene_node: argument 'node': this SceneNode was destroyed"):
        scene.destroy_scene_node(child)
    with pytest.raises(RuntimeError, match="attach_object: argument 'self'"):
        child.attach_object(scene.create_camera("other"))
    # The camera was detached and is whole; the sibling is untouched.
    assert camera.parent_scene_node is None
    sibling.attach_object(camera)
    assert len(scene.root_scene_node.children) == 1
    sibling.position = (1, 2, 3)
    assert tuple(sibling.position) == (1, 2, 3)


def test_a_destroyed_node_keeps_its_hash_and_equality_with_itself():
    root, scene, parent, child, grandchild = scene_with_nodes()
    table = {child: "child"}
    scene.destroy_scene_node(parent)
    assert table[child] == "child"
    assert child != grandchild


def test_the_root_node_and_nodes_of_other_scenes_are_refused():
    root, scene, parent, child, grandchild = scene_with_nodes()
    with pytest.raises(ValueError, match="root node cannot be destroyed"):
        scene.destroy_scene_node(scene.root_scene_node)
    other = root.create_scene_manager()
    with pytest.raises(ValueError, match="another scene manager"):
        other.destroy_scene_node(child)
    with pytest.raises(TypeError, match="must be a SceneNode"):
        scene.destroy_scene_node(root)
    # Nothing was destroyed by the refused calls.
    assert len(child.children) == 1


def tutorial_target(root, name="window", **kwargs):
    scene = root.create_scene_manager()
    target = root.create_render_texture(name, **kwargs) if "array" in kwargs else \
        root.create_render_texture(name, 32, 24, kiln.PF_BYTE_RGB)
    viewport = target.add_viewport(scene.create_camera("cam"))
    viewport.background_colour = (0.3, 0.6, 0.9)
    return target, viewport


def test_a_destroyed_target_refuses_use_and_its_pixels_stay():
    root = kiln.Root(num_threads=1)
    target, viewport = tutorial_target(root)
    target.update()
    view = kiln.numpy.view(target)
    frame = target.read()
    root.destroy_render_target(target)
    for call, what in ((target.update, "RenderTarget.update"), (target.read, "RenderTarget"),
                       (lambda: viewport.background_colour, "Viewport.background_colour"),
                       (lambda: target.update_poses(positions=np.zeros((1, 3))), "RenderTarget")):
        with pytest.raises(RuntimeError, match=f"{what}.*destroyed"):
            call()
    with pytest.raises(RuntimeError, match="destroy_render_target: argument 'target'"):
        root.destroy_render_target(target)
    gc.collect()
    np.testing.assert_array_equal(view, frame)
    assert tuple(view[0, 0]) == (76, 153, 230)
    # The name is free again, and the root renders its other targets.
    target, viewport = tutorial_target(root)
    root.render_one_frame()
    assert tuple(target.read()[0, 0]) == (76, 153, 230)


def test_a_target_over_an_array_leaves_the_array_whole():
    root = kiln.Root(num_threads=1)
    frame = np.zeros((24, 32, 4), np.uint8)
    target, viewport = tutorial_target(root, array=frame)
    target.update()
    root.destroy_render_target(target)
    del target, viewport
    gc.collect()
    assert tuple(frame[5, 5]) == (76, 153, 230, 255)
    frame[:] = 1  # still the caller's, and writable


def test_a_target_of_another_root_is_refused():
    root, other = kiln.Root(num_threads=1), kiln.Root(num_threads=1)
    target, _ = tutorial_target(root)
    with pytest.raises(ValueError, match="not one of this root's"):
        other.destroy_render_target(target)
    target.update()
