"""Running out of memory from Python: the tutorial's path with each of the engine's
allocations failing in turn (kiln.fail_allocation). Every failure is a MemoryError
(kiln.OutOfMemoryError) that names what was being allocated, never a crash, and the next
run draws the same picture as a run with no failure."""

import numpy as np
import pytest

import kiln
import kiln_scenes

# The tutorial's scene, small: kiln_scenes.render_scene goes through the tutorial's
# steps, from the NumPy gradient to the picture read back into a NumPy array.
SCENE = dict(kiln_scenes.SEED_SCENE, name="faults", size=[96, 80])


def tutorial_frame(threads):
    return kiln_scenes.render_scene(SCENE, num_threads=threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_every_allocation_of_the_tutorial_may_fail(threads):
    before = kiln.get_allocation_count()
    expected = tutorial_frame(threads)
    allocations = kiln.get_allocation_count() - before
    assert allocations > 20
    # The picture has the gradient's rectangle over the grey background.
    assert (expected == 76).all(axis=2).any() and expected[40, 48, 1] > 0
    failures = 0
    for nth in range(1, allocations + 1):
        kiln.fail_allocation(nth)
        try:
            frame = tutorial_frame(threads)
        except MemoryError as e:
            assert isinstance(e, kiln.OutOfMemoryError)
            assert "allocat" in str(e) or "out of memory" in str(e), str(e)
            failures += 1
        else:
            np.testing.assert_array_equal(frame, expected, err_msg=f"allocation {nth} failed")
        finally:
            kiln.fail_allocation(0)
        if nth % 8 == 0:
            np.testing.assert_array_equal(tutorial_frame(threads), expected)
    assert failures * 2 > allocations
    np.testing.assert_array_equal(tutorial_frame(threads), expected)


def test_a_failure_fails_one_allocation_and_can_be_cancelled():
    kiln.fail_allocation(1)
    with pytest.raises(MemoryError, match="memory stream"):
        kiln.MemoryDataStream(10)
    assert kiln.MemoryDataStream(10).size == 10
    kiln.fail_allocation(10**9)
    kiln.fail_allocation(0)
    for _ in range(10):
        kiln.MemoryDataStream(10)
