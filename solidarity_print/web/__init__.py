"""The web application: `solidarity-print serve` for people who will never open a terminal."""
from __future__ import annotations

from .app import create_app
from .settings import WebSettings

__all__ = ["WebSettings", "create_app"]
