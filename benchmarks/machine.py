"""machine: what the benchmark ran on (cores, CPU model, memory, system, Python, library versions).

Read from /proc on Linux, with platform's answers where /proc is not readable. `mem_gib` is also
the base of the default --max-rss limit.
"""
from __future__ import annotations

import os
import platform
from importlib import metadata as importlib_metadata
from pathlib import Path

LIBRARIES = ("pyarrow", "duckdb", "pandas", "pandera", "PyYAML", "jsonschema", "edtf", "frictionless", "numpy")


def mem_gib() -> float:
    """This machine's memory in GiB (0 if /proc/meminfo cannot be read)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        return platform.processor()
    return ""


def _versions() -> dict[str, str | None]:
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = importlib_metadata.version(lib)
        except importlib_metadata.PackageNotFoundError:
            versions[lib] = None
    return versions


def machine() -> dict:
    """The machine's description, as results.json and the report's first lines give it."""
    return {"nproc": os.cpu_count(), "memory_gib": round(mem_gib(), 1), "cpu": _cpu() or platform.machine(),
            "python": platform.python_version(), "load_average": list(os.getloadavg()),
            "system": f"{platform.system()} {platform.release()}", "libraries": _versions()}
