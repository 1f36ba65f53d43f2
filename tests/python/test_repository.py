"""The repository carries everything its tests, samples, benchmarks and docs need.

A user who clones Kiln has only the clone: no file may reach out of it to a sibling
folder (the project's own design and reference material once lived in one), and the
files the tests read must be tracked."""

import subprocess

import pytest

from conftest import REFERENCE_DIR, REPO

# Spelled in pieces so that this file does not find itself.
SIBLING = ".." + "/" + "shared"


def tracked_files():
    """The repository's files as git knows them, or every file under the root that is not
    a build product when the tree is not a git checkout (an unpacked source archive)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "-z"], check=True, capture_output=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", "out", "__pycache__", ".pytest_cache", ".hypothesis"}
        return [
            p
            for p in REPO.rglob("*")
            if p.is_file()
            and not any(part in skip or part.startswith("build") for part in p.relative_to(REPO).parts)
        ]
    return [REPO / name for name in out.decode().split("\0") if name]


def test_no_file_refers_to_a_folder_beside_the_repository():
    offenders = []
    for path in tracked_files():
        rel = path.relative_to(REPO)
        if rel.parts[0] == ".ci" or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images and other binary files
        for number, line in enumerate(text.splitlines(), 1):
            if SIBLING in line:
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert not offenders, "files refer to a folder outside the repository:\n" + "\n".join(offenders)


@pytest.mark.parametrize("name", ["seed_1280x1024", "seed_640x480"])
def test_reference_renders_are_tracked(name):
    tracked = {p.relative_to(REPO) for p in tracked_files()}
    for suffix in (".png", ".json"):
        path = REFERENCE_DIR / (name + suffix)
        assert path.relative_to(REPO) in tracked, f"{path.relative_to(REPO)} is not in the repository"
