"""fetch.py COUNT URL...: COUNT GET requests to each URL, each on a new connection (so IPVS
schedules each one); one JSON line a request: {"url", "status", "body"} or {"url", "error"}.
Every request is bounded to 10 s."""

import json
import sys
import urllib.request

count, urls = int(sys.argv[1]), sys.argv[2:]
for url in urls:
    for _ in range(count):
        try:
            with urllib.request.urlopen(url, timeout=10) as reply:
                line = {"url": url, "status": reply.status, "body": reply.read().decode().strip()}
        except OSError as exc:  # refused, unreachable, timed out (URLError is an OSError)
            line = {"url": url, "error": str(getattr(exc, "reason", exc))}
        print(json.dumps(line), flush=True)
