"""What WeasyPrint may read: files under the allowed folders (through symlinks) and data: URIs, nothing else."""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

mimetypes.add_type("font/ttf", ".ttf")
mimetypes.add_type("image/svg+xml", ".svg")


class RefusedURL(FatalURLFetchingError):
    """A URL the build may not read (outside the allowed folders, a network URL, or missing).

    It derives from WeasyPrint's fatal error so that rendering stops instead of leaving a hole."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{reason}: {url}")
        self.url = url
        self.reason = reason


class FolderFetcher(URLFetcher):
    """Serves file: URLs under `roots` only. A file under `shadowed` is looked up in `overrides`
    first, so a campaign's overrides/assets/css/poster.css replaces the built-in css/poster.css."""

    def __init__(self, roots: list[Path], *, shadowed: Path | None = None, overrides: Path | None = None):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [r.resolve() for r in roots]
        self.shadowed = shadowed.resolve() if shadowed else None
        self.overrides = overrides.resolve() if overrides and overrides.is_dir() else None
        self.refused: list[RefusedURL] = []  # WeasyPrint swallows some failures (SVG <image>): remember them

    def fetch(self, url: str, headers=None):
        """Answer WeasyPrint's request for `url`, or stop the render with RefusedURL."""
        try:
            return self._fetch(url, headers)
        except RefusedURL as refused:
            self.refused.append(refused)
            raise

    def _fetch(self, url: str, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedURL(url, "only files inside the campaign and theme folders may be used, not network addresses")
        path = self._resolve(Path(unquote(urlsplit(url).path)))
        if path is None:
            raise RefusedURL(url, "refused: outside the allowed folders")
        if not path.is_file():
            raise RefusedURL(url, "file not found")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

    def _resolve(self, requested: Path) -> Path | None:
        real = requested.resolve()
        if self.overrides and self.shadowed and real.is_relative_to(self.shadowed):
            candidate = (self.overrides / real.relative_to(self.shadowed)).resolve()
            if candidate.is_relative_to(self.overrides) and candidate.is_file():
                return candidate
        return real if any(real.is_relative_to(root) for root in self.roots) else None
