"""A server's memory as the benchmarks measure it: a cgroup v1 memory group of Community Cloud's size, its
high-water mark and OOM kills, and the resident memory of a process with all its children."""

from __future__ import annotations

import os
from pathlib import Path

CGROUPS = Path("/sys/fs/cgroup/memory")


def memory_group(name: str, limit_bytes: int) -> Path | None:
    """A cgroup v1 memory group `name` with `limit_bytes` and its high-water mark reset, or None where this process
    may not make one (the report then says so)."""
    group = CGROUPS / name
    try:
        group.mkdir(exist_ok=True)
        (group / "memory.limit_in_bytes").write_text(str(limit_bytes))
        (group / "memory.max_usage_in_bytes").write_text("0")
        return group
    except OSError:
        return None


def join_group(group: Path, pid: int) -> None:
    """Put `pid` in `group` (written with os calls: safe in a child process between fork and exec)."""
    descriptor = os.open(group / "cgroup.procs", os.O_WRONLY)
    try:
        os.write(descriptor, str(pid).encode())
    finally:
        os.close(descriptor)


def high_water_mb(group: Path) -> float:
    """The group's memory.max_usage_in_bytes: its resident pages and the file cache charged to it, at most."""
    return int((group / "memory.max_usage_in_bytes").read_text()) / 2**20


def oom_kills(group: Path) -> int:
    for line in (group / "memory.oom_control").read_text().splitlines():
        if line.startswith("oom_kill "):
            return int(line.split()[1])
    return 0


def group_rss_mb(group: Path) -> float:
    """The group's resident pages now (memory.stat's total_rss)."""
    lines = (group / "memory.stat").read_text().splitlines()
    return next(int(line.split()[1]) for line in lines if line.startswith("total_rss ")) / 2**20


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, StopIteration):
            continue
        pending += [int(child) for child in children]
    return total
