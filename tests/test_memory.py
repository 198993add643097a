"""Freed arrays go back to the system (glibc's mmap threshold fixed by the CLI entry point)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from retold.memory import return_freed_memory

# One 8 MB block freed (which raises glibc's dynamic threshold), then 100 blocks of 4 MB,
# each followed by a small live array, then the blocks freed: what stays resident?
PROBE = """
import sys
import numpy as np
if sys.argv[1] == "fixed":
    from retold.memory import return_freed_memory
    assert return_freed_memory()
def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
del_me = np.ones(8 * 2**20, dtype=np.uint8); del del_me
base = rss()
blocks, pins = [], []
for _ in range(100):
    blocks.append(np.ones(4 * 2**20, dtype=np.uint8))
    pins.append(np.ones(64 * 1024, dtype=np.uint8))
del blocks
print(rss() - base)
"""


def resident_after_free(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.skipif(not return_freed_memory(), reason="not glibc: nothing to tune")
def test_freed_arrays_leave_the_resident_set() -> None:
    assert resident_after_free("fixed") < 40  # MB, of 400 MB allocated and freed
    assert resident_after_free("default") > 200  # the control: the probe measures the effect
