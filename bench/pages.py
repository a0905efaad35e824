"""Throughput and p95 of key pages against a bare Flask "hello world", served the
same way (gunicorn, same worker count) in the same run, with wrk on loopback.

    .venv/bin/python bench/pages.py [--duration 10] [--connections 16] [--workers 2]

The public market pages are measured anonymously, e.g.
``--paths /pasar/,/pasar/cari?q=kopi,/pasar/usaha/1`` (the demo data's first business).

Needs `wrk` (apt-get install -y wrk). Uses a fresh SQLite database with the demo
data unless BENCH_DATABASE_URL is given. Traffic goes only to 127.0.0.1; every run
is bounded by --duration per page.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (loopback only)
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def gunicorn(app: str, port: int, workers: int, env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app],
        cwd=cwd, env=env,
    )


def wrk(url: str, duration: int, connections: int, cookie: str | None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(ROOT / "bench" / "p95.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (.*)", output)
    return {k: float(v) for k, v in (pair.split("=") for pair in match.group(1).split())}


def login_cookie(base: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"identifier": "081200000001", "password": "purna-demo", "csrf_token": token})
    opener.open(base + "/login", data=data.encode())
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--paths", default="/,/login,/account,/inbox")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")

    tmp = Path(tempfile.mkdtemp(prefix="rp-bench-"))
    env = {**os.environ, "APP_ENV": "development", "INSTANCE_PATH": str(tmp), "FLASK_APP": "wsgi.py",
           "RATELIMIT_STORAGE_URI": "memory://", "LOG_LEVEL": "WARNING"}
    env.setdefault("DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}"))
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "flask"), "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)

    hello = gunicorn("hello:app", 8701, args.workers, env, ROOT / "bench")
    site = gunicorn("wsgi:app", 8702, args.workers, env, ROOT)
    try:
        wait_for("http://127.0.0.1:8701/")
        wait_for("http://127.0.0.1:8702/healthz")
        cookie = login_cookie("http://127.0.0.1:8702")
        base = wrk("http://127.0.0.1:8701/", args.duration, args.connections, None)
        print(f"hello world: {base['rps']:.0f} req/s, p95 {base['p95_ms']:.1f} ms")
        print("| page | req/s | % of hello world | p95 ms | errors |")
        print("|---|---|---|---|---|")
        for path in args.paths.split(","):
            needs_login = path not in ("/", "/login", "/register", "/privacy") and not (
                path.startswith("/pasar/") and not path.startswith(("/pasar/usaha-saya", "/pasar/staf")))
            result = wrk(f"http://127.0.0.1:8702{path}", args.duration, args.connections,
                         cookie if needs_login else None)
            print(f"| `{path}`{' (logged in)' if needs_login else ''} | {result['rps']:.0f} | "
                  f"{100 * result['rps'] / base['rps']:.0f} % | {result['p95_ms']:.1f} | {int(result['errors'])} |")
    finally:
        for process in (hello, site):
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
