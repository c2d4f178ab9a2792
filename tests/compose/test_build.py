"""The compose layer, part one (on the host's network, so that the images' RUN steps reach
Debian's mirror and npm): podman and the base image (scripts/compose-setup.sh), then every image
of docker-compose.yml built by `docker-compose build` as a user runs it, and built again from
the cache. Image sizes and build times go to build/test-logs/compose/images.txt."""

from __future__ import annotations

import subprocess
import time

import pytest

from compose import COMPOSE_LOGS, REPO, SERVICES, Compose, PodmanService, \
    make_secrets, require_tools

IMAGES = {svc: f"interview-room/{svc}:latest" for svc in SERVICES}
# Compilers, build tools and Node must stay in the builder stages.
BUILD_TOOLS = ("gcc", "cc", "g++", "c++", "clang", "cmake", "make", "node", "npm")


def record(line: str) -> None:
    COMPOSE_LOGS.mkdir(parents=True, exist_ok=True)
    with open(COMPOSE_LOGS / "images.txt", "a") as f:
        f.write(line + "\n")
    print(line)


@pytest.fixture(scope="module")
def compose():
    # Fails (never skips) without root or when apt cannot install podman.
    result = subprocess.run([str(REPO / "scripts" / "compose-setup.sh")], capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, f"compose-setup failed:\n{result.stdout}{result.stderr}"
    require_tools()
    make_secrets()
    podman = PodmanService("build").start()
    try:
        yield Compose(podman)
    finally:
        podman.stop()


def test_base_image_comes_from_debootstrap_not_a_registry(compose):
    for name in ("debian:bookworm-slim", "debian:bookworm"):
        out = subprocess.run(["podman", "image", "inspect", "--format",
                              "{{.Id}} {{len .History}}", f"docker.io/library/{name}"],
                             capture_output=True, text=True)
        assert out.returncode == 0, f"{name} is missing: scripts/compose-setup.sh makes it"
    # An imported tarball: one layer, no registry history.
    out = subprocess.run(["podman", "image", "inspect", "--format", "{{len .RootFS.Layers}}",
                          "docker.io/library/debian:bookworm-slim"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "1"


def test_every_image_builds_and_builds_again_from_the_cache(compose):
    start = time.monotonic()
    compose.build(timeout=1500)
    first = time.monotonic() - start
    start = time.monotonic()
    again = compose.build(timeout=300)
    cached = time.monotonic() - start
    record(f"{time.strftime('%Y-%m-%d %H:%M')} build {first:.0f} s, "
           f"again (cached) {cached:.0f} s")
    # Nothing changed in between: every RUN and COPY must come from the cache.
    steps = [line for line in again.splitlines() if " STEP " in line or line.startswith("STEP ")]
    ran = [line for line in steps if "RUN " in line or "COPY " in line]
    assert ran, "no build step in docker-compose's output?"
    assert "--> Using cache" in again
    assert cached < 60, f"a build with nothing changed took {cached:.0f} s"
    for svc, image in IMAGES.items():
        out = subprocess.run(["podman", "image", "inspect", "--format", "{{.Size}}", image],
                             capture_output=True, text=True)
        assert out.returncode == 0, f"{image} was not built"
        record(f"  {image:<32} {int(out.stdout) / 1e6:6.0f} MB")


@pytest.mark.parametrize("svc", SERVICES)
def test_runtime_images_hold_no_compiler_or_node(compose, svc):
    probe = " ; ".join(f"command -v {t} || true" for t in BUILD_TOOLS)
    out = subprocess.run(["podman", "run", "--rm", "--network", "none", "--entrypoint", "sh",
                          IMAGES[svc], "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"{svc}: build tools in the runtime image: {out.stdout}"

