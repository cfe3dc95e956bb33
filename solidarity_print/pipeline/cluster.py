"""Dask distributed as an executor, for builds that outgrow one machine (the one module that imports it)."""
from __future__ import annotations

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
        yield client.get_executor(pure=False)
    finally:
        client.close()
