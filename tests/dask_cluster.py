"""A Dask cluster of separate processes on loopback, started the way a deployment starts one."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DASK = str(Path(sys.executable).with_name("dask"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """`dask scheduler` and `workers` × `dask worker` (one thread each, no nanny: a killed worker stays
    dead), all running this checkout of the package."""

    def __init__(self, workers: int, log_folder: Path):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.logs = [open(log_folder / f"dask-{n}.log", "wb") for n in range(workers + 1)]
        self.scheduler = subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port",
                                           self.address.rsplit(":", 1)[1], "--no-dashboard"],
                                          env=env, stdout=self.logs[0], stderr=subprocess.STDOUT)
        self.workers = [subprocess.Popen([DASK, "worker", self.address, "--nthreads", "1", "--no-nanny",
                                          "--no-dashboard", "--memory-limit", "0", "--name", f"worker-{n}",
                                          "--death-timeout", "60"],
                                         env=env, stdout=self.logs[n], stderr=subprocess.STDOUT)
                        for n in range(1, workers + 1)]
        self.wait_for(workers)

    def wait_for(self, count: int, seconds: float = 90) -> None:
        from distributed import Client
        deadline = time.monotonic() + seconds
        while True:
            try:
                with Client(self.address, timeout="5s") as client:
                    client.wait_for_workers(count, timeout=max(1, deadline - time.monotonic()))
                    return
            except (OSError, TimeoutError):
                if time.monotonic() > deadline:
                    self.close()
                    raise

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.terminate()
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()
