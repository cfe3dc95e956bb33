"""Preflight: check finished files the way a careful proofreader would, each check in its own module."""
from .findings import Finding, Report
from .run import preflight

__all__ = ["Finding", "Report", "preflight"]
