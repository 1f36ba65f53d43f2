"""docs/errors.md stays true: every call of its table raises the exception it names,
with a message that starts as the table says."""

import builtins
import re

import numpy as np
import pytest

import kiln
import kiln.numpy
from conftest import REPO

DOC = REPO / "docs" / "errors.md"


def table_rows():
    text = DOC.read_text()
    section = text[text.index("## What causes them"):]
    rows = []
    for line in section.splitlines():
        cells = re.findall(r"\| `(.*?)` ", line + " ")
        if line.startswith("| `") and len(cells) == 3:
            rows.append(tuple(cells))
    return rows


def namespace():
    """The names the table's calls use, set up as in the tutorial."""
    root = kiln.Root(num_threads=1)
    scene = root.create_scene_manager()
    camera = scene.create_camera("camera")
    target = root.create_render_texture("target", 64, 48, kiln.PF_BYTE_RGB)
    material = root.material_manager.create("material", "General")
    return {"np": np, "kiln": kiln, "root": root, "scene": scene, "camera": camera, "target": target,
            "viewport": target.add_viewport(camera), "rpass": material.techniques[0].passes[0],
            "node": scene.root_scene_node.create_child_scene_node()}


def test_the_table_covers_every_kind_of_error():
    kinds = {exception for _, exception, _ in table_rows()}
    assert len(table_rows()) >= 25
    for kind in ("KilnIOError", "InvalidArgumentError", "NotFoundError", "OutOfMemoryError", "TypeError",
                 "ValueError", "OverflowError", "RuntimeError"):
        assert kind in kinds


@pytest.mark.parametrize("call, exception, message", table_rows(), ids=lambda v: v[:40])
def test_each_call_of_the_table_raises_what_it_says(call, exception, message):
    names = namespace()
    expected = getattr(kiln, exception, None) or getattr(builtins, exception)
    try:
        with pytest.raises(expected) as info:
            exec(call, names)
    finally:
        kiln.fail_allocation(0)
    assert type(info.value).__name__ == exception
    assert str(info.value).startswith(message), (str(info.value), message)
