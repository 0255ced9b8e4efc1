"""The benchmark measures a process tree as a whole: CPU of the workers it waited for, memory of
children started from any thread, and the same function measures both sides of every ratio."""
import sys

import pytest

from benchmarks.sampling import ChildFailed, run_process

# A parent that starts, from a second thread, a child that holds 300 MiB and burns CPU for a while.
TREE = """
import subprocess, sys, threading
CHILD = "import time; x = bytearray(300 << 20); x[::4096] = b'1' * len(x[::4096]); t = time.process_time()\\n" \\
        "while time.process_time() - t < 0.6: pass\\ntime.sleep(0.4)"
def start():
    subprocess.run([sys.executable, "-c", CHILD], check=True)
thread = threading.Thread(target=start)
thread.start()
thread.join()
"""


@pytest.mark.slow
def test_a_child_of_another_thread_counts_in_memory_and_cpu():
    measured = run_process([sys.executable, "-c", TREE])
    assert measured["returncode"] == 0
    assert measured["tree_peak_pss_mib"] > 300          # the child's memory, sampled while it ran
    assert measured["largest_process_rss_mib"] > 300    # the kernel's peak of the largest process
    assert measured["cpu_seconds"] >= 0.55              # the child's CPU, which the parent waited for
    assert measured["wall_seconds"] >= measured["cpu_seconds"] * 0.9


def test_a_failing_command_is_reported_with_its_exit_code():
    with pytest.raises(ChildFailed, match="exit 3"):
        run_process([sys.executable, "-c", "import sys; sys.exit(3)"], label="three")
    assert run_process([sys.executable, "-c", "import sys; sys.exit(1)"], ok=(0, 1))["returncode"] == 1
