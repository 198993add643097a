"""Give freed memory back to the system, so a long run's resident size tracks its live data.

glibc raises its mmap threshold each time a large block is freed (up to 32 MB), after which
the checker's per-sentence arrays come from the heap, fragment it, and stay resident: on
real pages a run's RSS doubled (about 600 MB against 300 MB of live data). A fixed
threshold keeps large arrays in their own mappings, returned the moment they are freed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 * 1024
TRIM_THRESHOLD = 1024 * 1024


def return_freed_memory() -> bool:
    """Fix glibc's thresholds for this process; False where the C library isn't glibc."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl, macOS: nothing to tune
        return False
    ok = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    ok = mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
    if not ok:
        log.debug("mallopt refused the memory thresholds; memory use may be higher.")
    return ok
