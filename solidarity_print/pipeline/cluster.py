"""Dask distributed as an executor, for builds that outgrow one machine (the one module that imports it)."""
from __future__ import annotations

from concurrent.futures import Executor
from contextlib import contextmanager

from ..errors import SolidarityError


@contextmanager
def dask_executor(address: str):
    """A concurrent.futures.Executor running on the Dask scheduler at `address` (tcp://HOST:PORT).

    Every worker must see the campaign folder, the roster's folder and the cache at the same paths
    as this machine (a shared file system)."""
    try:
        from distributed import Client
    except ImportError:
        raise SolidarityError("--scheduler needs Dask: pip install 'solidarity-print[dask]'") from None
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise SolidarityError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        yield SharingExecutor(client)
    finally:
        client.close()


class SharingExecutor(Executor):
    """A Dask client's executor that sends an argument every call repeats (the build's WorkerSetup,
    with the whole campaign) to each worker once, instead of with each of tens of thousands of items."""

    def __init__(self, client):
        self.client = client
        self.inner = client.get_executor(pure=False)
        self.shared: dict[int, tuple[object, object]] = {}  # id -> (the argument, its future on the cluster)

    def submit(self, fn, /, *args, **kwargs):
        """Run fn(*args) on the cluster, its first argument shipped to the workers only once."""
        if args:
            first = args[0]
            if id(first) not in self.shared:
                self.shared[id(first)] = (first, self.client.scatter(first, broadcast=True, hash=False))
            args = (self.shared[id(first)][1], *args[1:])
        return self.inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait=True, *, cancel_futures=False):
        self.inner.shutdown(wait=wait)
