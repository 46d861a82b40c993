"""Polite HTTP: a user agent naming the tool, robots.txt honoured, a pause between two requests to one
host, timeouts, conditional requests (ETag, Last-Modified) and a size limit."""
from __future__ import annotations

import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx


class FetchError(Exception):
    """A request that gave nothing usable; the message is one line for the log."""


@dataclass
class Response:
    status: int  # 200, or 304 when nothing changed
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""


class Fetcher:
    def __init__(self, user_agent: str, timeout: float = 20.0, per_host_interval: float = 2.0,
                 robots: bool = True, max_bytes: int = 10_000_000):
        self.user_agent = user_agent
        self.per_host_interval = per_host_interval
        self.robots = robots
        self.max_bytes = max_bytes
        self.client = httpx.Client(headers={"User-Agent": user_agent}, timeout=timeout, follow_redirects=True)
        self._last: dict[str, float] = {}
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}  # expiry, rules
        self._lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    def _wait_turn(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            due = self._last.get(host, 0.0) + self.per_host_interval
            self._last[host] = max(now, due)
        if due > now:
            time.sleep(due - now)

    def allowed(self, url: str) -> bool:
        """Does the site's robots.txt let this tool fetch `url`?  Read once a day per site (an hour when it
        could not be read); a site without one, or whose robots.txt cannot be read, is open."""
        if not self.robots:
            return True
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        expires, parser = self._robots.get(site, (0.0, None))
        if time.monotonic() >= expires:
            parser, keep = None, 86400
            try:
                status, _, body = self._get(site + "/robots.txt", {})
                if status == 200:
                    parser = urllib.robotparser.RobotFileParser()
                    parser.parse(body.decode("utf-8", "replace").splitlines())
                elif status in (401, 403):  # as Python's robotparser reads it: the site is closed to robots
                    parser = urllib.robotparser.RobotFileParser()
                    parser.disallow_all = True
            except (httpx.HTTPError, FetchError):
                keep = 3600
            self._robots[site] = (time.monotonic() + keep, parser)
        return parser is None or parser.can_fetch(self.user_agent, url)

    def _get(self, url: str, headers: dict) -> tuple[int, httpx.Headers, bytes]:
        self._wait_turn(urlsplit(url).netloc)
        with self.client.stream("GET", url, headers=headers) as r:
            chunks, size = [], 0
            for chunk in r.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"{url}: answer over {self.max_bytes:,} bytes")
                chunks.append(chunk)
            return r.status_code, r.headers, b"".join(chunks)

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        if not self.allowed(url):
            raise FetchError(f"{url}: robots.txt does not allow fetching it")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            status, head, body = self._get(url, headers)
        except httpx.TimeoutException:
            raise FetchError(f"{url}: no answer within {self.client.timeout.read:g} s") from None
        except httpx.HTTPError as e:
            raise FetchError(f"{url}: {type(e).__name__}: {(str(e).splitlines() or [''])[0]}") from None
        if status == 304:
            return Response(304, etag=etag, last_modified=last_modified)
        if status != 200:
            raise FetchError(f"{url}: HTTP {status}")
        return Response(200, body, head.get("etag"), head.get("last-modified"), head.get("content-type", ""))
