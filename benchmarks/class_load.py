"""A class on one server the size of Community Cloud: N students at once, each doing a task on one page.

    python benchmarks/class_load.py [--students 30] [--memory-gb 2.7] [--warm | --first-start] [--save]

Serves the app (`streamlit run app.py`) with its worker processes inside a memory limit (a cgroup v1
memory group when the machine lets this process make one; the report says whether it did), then opens
N browser sessions in one Chromium, all at once. Student k does task k mod the number of tasks, each topic
page's in the registry's order (`devtools/student_tasks.py`: convolution settings, CIFAR Inspect, a CIFAR
training of 1 epoch on the fewest images, the LSTM switches, a forecasting setting, a captcha drawing, a CTC
label, a spoken-digit reading of typed digits; a page without a task of its own is opened). Each student's pages
carry `?student=k`, and the server logs every script run's CPU time with it (`CNN_RNN_LAB_RUN_LOG`), so
the cost of each action is what the server spent on that student's runs, not what the browsers spent
(they share the same cores). With `--warm`, one student first does each of the tasks in turn, unmeasured,
as a teacher trying the pages before class would: the class then finds the shared models loaded, which a
server pays once, not once per class. With `--first-start`, the class meets a server's first start on Community
Cloud instead: no data set on the disk, no local folder, every archive downloaded from a local stand-in of the
real hosts at full speed (`devtools/stand_in_hosts.py`) while the class works; the CIFAR tasks wait on their tabs
until the pictures have arrived.

Reports: actions done, exceptions shown on any page, the peak memory of the server with its workers
(the cgroup's high-water mark, else the sum of their resident memory sampled every 0.5 s), each
action's server CPU time (median and 95th percentile, trainings apart) and the server process's whole
CPU time over the run divided by the actions. `--save` writes them to assets/benchmarks/class_load.json,
under "cold", "warm" or "first_start".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from app_pages import registry  # noqa: E402
from core.shared.assets import CLASS_LOAD_RESULTS  # noqa: E402
from devtools.memory import high_water_mb, join_group, memory_group, oom_kills, process_tree_rss_mb  # noqa: E402
from devtools.served_app import CHROMIUM, CHROMIUM_FLAGS, served_app_process  # noqa: E402
from devtools.stand_in_hosts import ARCHIVE_DIR, MD5_VARIABLE, StandInHosts, build_archives, cifar_md5  # noqa: E402
from devtools.student_tasks import class_tasks, open_page  # noqa: E402

GROUP_NAME = "cnn_rnn_lab_class_load"
TASKS = class_tasks(registry.PAGES)  # each topic page's students' tasks (devtools/student_tasks.py)
TASK_NAMES = list(TASKS)
WARM_UP_STUDENT = 1000  # the warm-up's students are 1000, 1001, …, one per task (student mod the tasks), never counted


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (not its children), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def do_task(browser, url: str, student: int, timeout_s: float) -> dict:
    """One student's task; returns its name, whether it was done, and any exception the page showed."""
    name = TASK_NAMES[student % len(TASK_NAMES)]
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(timeout_s * 1000)
    started = time.perf_counter()
    try:
        await open_page(page, url, "", student)
        await TASKS[name](page, url, student)
        done = True
    except Exception as error:  # a task that could not be done is a result, not the end of the benchmark
        print(f"student {student} ({name}): {type(error).__name__}: {str(error).splitlines()[0]}", flush=True)
        done = False
    exceptions = await page.locator('[data-testid="stException"]').count()
    await context.close()
    return {
        "student": student,
        "task": name,
        "done": done,
        "exceptions": exceptions,
        "seconds": time.perf_counter() - started,
    }


@asynccontextmanager
async def chromium() -> AsyncIterator:
    """Debian's Chromium with this machine's flags, for asyncio (`served_app.launch_chromium` is the sync twin)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


async def warm_up(url: str, timeout_s: float) -> None:
    """Each task once, one after the other, so that the class finds every shared model loaded."""
    async with chromium() as browser:
        for student in range(WARM_UP_STUDENT, WARM_UP_STUDENT + len(TASKS)):
            result = await do_task(browser, url, student, timeout_s)
            print(f"warm-up: {result['task']} {'done' if result['done'] else 'NOT done'}", flush=True)


async def run_class(url: str, students: int, timeout_s: float, only: str | None) -> list[dict]:
    async with chromium() as browser:
        chosen = [s for s in range(students) if only is None or TASK_NAMES[s % len(TASK_NAMES)] == only]
        return list(await asyncio.gather(*(do_task(browser, url, student, timeout_s) for student in chosen)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--memory-gb", type=float, default=2.7)
    parser.add_argument("--timeout", type=float, default=600, help="seconds a step of a task may take")
    parser.add_argument("--only", choices=TASK_NAMES, help="only the students with this task (to try one)")
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--warm", action="store_true", help="each task once before the class, not measured")
    start.add_argument(
        "--first-start", action="store_true", help="no data on the disk: downloaded while the class works"
    )
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        hosts = None
        if args.first_start:
            build_archives(ARCHIVE_DIR)
            hosts = stack.enter_context(StandInHosts(ARCHIVE_DIR))
        run(args, hosts)


def first_start_environment(env: dict[str, str], hosts: StandInHosts) -> dict[str, str]:
    """A server with no local data set, whose downloads go to the stand-in hosts."""
    env = {name: value for name, value in env.items() if name not in ("CIFAR10_DIR", "CAPTCHA_DIR", "FSDD_DIR")}
    return {**env, "CNN_RNN_LAB_DATA_HOSTS": hosts.base_url, MD5_VARIABLE: cifar_md5(ARCHIVE_DIR)}


def run(args: argparse.Namespace, hosts: StandInHosts | None) -> None:

    group = memory_group(GROUP_NAME, int(args.memory_gb * 1e9))
    log = Path(tempfile.mkdtemp()) / "runs.jsonl"
    env = {**os.environ, "CNN_RNN_LAB_RUN_LOG": str(log), "CNN_RNN_LAB_CACHE": str(log.parent / "cache")}
    if hosts is not None:
        env = first_start_environment(env, hosts)

    def enter_group() -> None:  # in the server's process before it starts: its workers inherit the group
        if group is not None:
            join_group(group, os.getpid())

    peak = {"mb": 0.0}
    with served_app_process(env=env, timeout=120, log=log.parent / "server.log", preexec=enter_group) as (url, server):
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.is_set():
                peak["mb"] = max(peak["mb"], process_tree_rss_mb(server.pid))
                time.sleep(0.5)

        if args.warm:
            asyncio.run(warm_up(url, args.timeout))
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cpu_before, started = cpu_seconds(server.pid), time.perf_counter()
        results = asyncio.run(run_class(url, args.students, args.timeout, args.only))
        wall = time.perf_counter() - started
        server_cpu = cpu_seconds(server.pid) - cpu_before
        sampling.set()
        sampler.join()
        server_log = (log.parent / "server.log").read_text()
    runs = [json.loads(line) for line in log.read_text().splitlines()]
    group_peak_mb = high_water_mb(group) if group else None
    kills = oom_kills(group) if group else None

    per_action = {}
    for result in results:
        spent = [run["cpu_s"] for run in runs if run["student"] == str(result["student"])]
        result["server_cpu_s"], result["server_runs"] = sum(spent), len(spent)
        per_action.setdefault(result["task"], []).append(result["server_cpu_s"])
    actions = [r for r in results if r["task"] != "cifar train"]
    costs = [r["server_cpu_s"] for r in actions]
    figures = {
        "students": args.students,
        "warm_up": args.warm,
        "first_start": args.first_start,
        "actions_done": sum(r["done"] for r in results),
        "exceptions_on_pages": sum(r["exceptions"] for r in results),
        "tracebacks_in_server_log": server_log.count("Traceback"),
        "memory_limit": f"cgroup v1, {args.memory_gb} GB" if group else "none (no cgroup could be made here)",
        "peak_memory_mb": round(group_peak_mb if group_peak_mb is not None else peak["mb"]),
        "peak_memory_sampled_mb": round(peak["mb"]),
        "oom_kills": kills,
        "action_cpu_s_median": round(statistics.median(costs), 3),
        "action_cpu_s_p95": round(percentile(costs, 0.95), 3),
        "action_cpu_s_mean": round(statistics.mean(costs), 3),
        "server_process_cpu_s": round(server_cpu, 1),
        "server_process_cpu_s_per_action": round(server_cpu / len(results), 3),
        "wall_s": round(wall, 1),
        "per_task_cpu_s_median": {task: round(statistics.median(v), 3) for task, v in per_action.items()},
    }
    print(json.dumps(figures, indent=1))
    if args.save:
        kind = "warm" if args.warm else "first_start" if args.first_start else "cold"
        flag = {"warm": " --warm", "first_start": " --first-start", "cold": ""}[kind]
        command = (
            f"python benchmarks/class_load.py --students {args.students} --memory-gb {args.memory_gb}{flag} --save"
        )
        saved = json.loads(CLASS_LOAD_RESULTS.read_text()) if CLASS_LOAD_RESULTS.exists() else {}
        saved[kind] = {"command": command, **figures}
        CLASS_LOAD_RESULTS.write_text(json.dumps(saved, indent=1) + "\n")
        print(f"saved {CLASS_LOAD_RESULTS}")


if __name__ == "__main__":
    main()
