"""JPEG textures: real pictures decode as Pillow decodes them (both use libjpeg-turbo's
default, accurate, inverse DCT), grey ones stay grey, and broken or lying files are
refused with a message, never a crash or an allocation of what a header claims."""

import numpy as np
import PIL.Image
import pytest

import kiln
import kiln.numpy

PIL = PIL.Image  # Pillow comes with matplotlib
CORPUS = "/usr/share/assimp/models"
PICTURES = [f"{CORPUS}/OBJ/SpiderTex.jpg", f"{CORPUS}/OBJ/drkwood2.jpg", f"{CORPUS}/OBJ/wal67ar_small.jpg"]


@pytest.mark.parametrize("path", PICTURES)
def test_real_jpegs_decode_as_pillow_decodes_them(path):
    image = kiln.Image()
    image.load(path)
    expected = np.asarray(PIL.open(path).convert("RGB"))
    assert (image.height, image.width) == expected.shape[:2] and image.format == kiln.PF_BYTE_RGB
    got = np.asarray(image)
    assert np.abs(got.astype(int) - expected).mean() < 0.5 and np.abs(got.astype(int) - expected).max() <= 8


def test_a_grey_jpeg_is_l8_and_a_stream_decodes_too(tmp_path):
    grey = (np.arange(48 * 32) % 251).astype(np.uint8).reshape(32, 48)
    PIL.fromarray(grey).save(tmp_path / "grey.jpg", quality=95)
    data = (tmp_path / "grey.jpg").read_bytes()
    image = kiln.Image()
    image.load_stream(kiln.numpy.as_data_stream(np.frombuffer(data, np.uint8)))
    assert image.format == kiln.PF_L8 and (image.width, image.height) == (48, 32)
    np.testing.assert_array_equal(np.asarray(image), np.asarray(PIL.open(tmp_path / "grey.jpg")))


def test_broken_and_lying_jpegs_are_refused(tmp_path):
    data = open(PICTURES[0], "rb").read()
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(data[:200])
    with pytest.raises(kiln.InvalidArgumentError, match="cannot decode JPEG .*truncated.jpg"):
        kiln.Image().load(str(truncated))
    # A header that claims 65000 x 65000 pixels (12 GB) in a file of some kilobytes.
    sof = data.find(b"\xff\xc0")
    if sof < 0:
        sof = data.find(b"\xff\xc2")
    lying = bytearray(data)
    lying[sof + 5:sof + 9] = (65000).to_bytes(2, "big") * 2
    path = tmp_path / "lying.jpg"
    path.write_bytes(bytes(lying))
    with pytest.raises(kiln.InvalidArgumentError, match="declares 65000x65000 pixels, more than its"):
        kiln.Image().load(str(path))
    # Bytes that start like a JPEG and then are nothing.
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\xff" + bytes(100))
    with pytest.raises(kiln.InvalidArgumentError, match="cannot decode JPEG"):
        kiln.Image().load(str(junk))
