"""Key pages under wrk against a bare Flask "hello world", on one data set or both at once.

    .venv/bin/python bench/pages.py large small [--duration 5] [--only forum] [--json out.json]

Serves the app as production does (gunicorn, 2 sync workers, ProductionConfig,
PostgreSQL, Redis for the rate limits), one server per set, and bench/hello.py the
same way, logs in through the real login form for each role on each server, then for
every page runs wrk in slices: the hello world, then the page on each set (which set
first alternates slice by slice), and the hello world again (which is also the next
slice's "before"): 16 connections, 2 threads, a fixed duration each, so each ratio
compares the page with the mean of the hello runs around it on a noisy machine, and
the two sets' runs of a page are seconds apart. SQL statements per request and the
gzip size come from bench/page_facts.py (the app's test client, same database and
config).

Loopback only; every wrk run is bounded by --duration. Needs wrk (make bench
installs it) and data sets built by bench/dataset.py.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(BENCH))

import dataset  # noqa: E402

PASSWORD = "purna-demo"  # noqa: S105 (the public demo password of the demo seed)
ACCOUNTS = {  # demo logins (accounts/demo.py)
    "member": "081200000001", "counselor": "081200000010", "registrar": "081200000020",
    "umkm_staff": "081200000030", "satgas": "081200000050",
}
# label, path (with {ids} from the data set), account for the logged-in run,
# and whether the page is also measured anonymously.
PAGES = [
    ("home", "/", "member", True),
    # Not a key page: the floor of every logged-in page (the user's one statement,
    # the layout, the session), to read the others against.
    ("account (floor)", "/account", "member", False),
    ("forum index", "/forum/", "member", False),
    ("category thread list", "/forum/c/{category}", "member", False),
    ("20-post thread", "/forum/t/{thread}", "member", False),
    ("safe-room thread", "/forum/t/{safe_thread}", "member", False),
    ("counselor list", "/counseling", "member", False),
    ("slot picker", "/counseling/counselors/{counselor}", "member", False),
    ("counselor dashboard", "/counseling/staff", "counselor", False),
    ("counselor day view", "/counseling/staff/day?date={busy_day}", "counselor", False),
    ("counselor requests", "/counseling/staff/requests", "counselor", False),
    ("training list", "/trainings", "member", False),
    ("staff KUR queue", "/staff/kur", "umkm_staff", False),
    ("inbox", "/inbox", "member", False),
    ("market home", "/pasar/", "member", True),
    ("market search", "/pasar/cari?q=kopi", "member", True),
    ("business page", "/pasar/usaha/{business}", "member", True),
    ("stall map", "/pasar/lapak/peta/{market_day}", "member", True),
    ("registrar queue", "/forum/adminduk/desk", "registrar", False),
    ("curation queue", "/pasar/staf", "umkm_staff", False),
    ("Satgas queue", "/forum/lapor/desk", "satgas", False),
]
IDS = {
    "category": "SELECT slug FROM community_categories WHERE NOT is_safe_room ORDER BY thread_count DESC, id LIMIT 1",
    "thread": ("SELECT t.id FROM community_threads t JOIN community_categories c ON c.id = t.category_id "
               "WHERE NOT c.is_safe_room AND t.status = 'visible' AND t.reply_count = 19 "
               "ORDER BY t.last_activity_at DESC LIMIT 1"),
    "safe_thread": ("SELECT t.id FROM community_threads t JOIN community_categories c ON c.id = t.category_id "
                    "WHERE c.is_safe_room AND t.is_anonymous AND t.status = 'visible' AND t.reply_count = 19 "
                    "ORDER BY t.last_activity_at DESC LIMIT 1"),
    "counselor": ("SELECT p.id FROM counselor_profiles p JOIN users u ON u.id = p.user_id "
                  "WHERE u.phone = '+6281200000010'"),
    # The demo counselor's fullest WITA day (UTC+8) of the coming week.
    "busy_day": ("SELECT to_char((a.starts_at + interval '8 hours')::date, 'YYYY-MM-DD') FROM appointments a "
                 "JOIN counselor_profiles p ON p.id = a.counselor_id JOIN users u ON u.id = p.user_id "
                 "WHERE u.phone = '+6281200000010' AND a.starts_at >= now() - interval '1 day' "
                 "AND a.starts_at < now() + interval '7 days' "
                 "AND a.status IN ('requested', 'confirmed', 'attended', 'no_show') "
                 "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"),
    "business": ("SELECT b.id FROM market_businesses b WHERE b.status = 'approved' AND EXISTS "
                 "(SELECT 1 FROM market_products p WHERE p.business_id = b.id) ORDER BY b.id LIMIT 1"),
    "market_day": ("SELECT d.id FROM market_days d JOIN stall_markets m ON m.id = d.market_id "
                   "WHERE m.kind = 'weekly' AND d.status = 'scheduled' AND d.day >= current_date "
                   "ORDER BY d.day LIMIT 1"),
}


def plan(ids: dict[str, str], only: str = "") -> list[dict]:
    """Every (page, account) run: logged in, and anonymous where the page is public."""
    runs = []
    for label, path, account, public in PAGES:
        if only and only.lower() not in label.lower() and only not in path:
            continue
        try:
            url = path.format(**ids)
        except KeyError:
            continue  # that part of the data set is missing
        if public:
            runs.append({"label": label, "path": url, "account": None})
        runs.append({"label": label, "path": url, "account": account})
    return runs


def resolve_ids(name: str) -> dict[str, str]:
    ids = {}
    with psycopg.connect(dataset.libpq_url(name)) as conn:
        for key, sql in IDS.items():
            row = conn.execute(sql).fetchone()
            if row is not None:
                ids[key] = str(row[0])
    return ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(name: str, meta: dict, port: int, instance: Path) -> dict:
    return {**os.environ, "APP_ENV": "production", "DATABASE_URL": dataset.sqlalchemy_url(name),
            "SECRET_KEY": meta["secret_key"], "DATA_ENCRYPTION_KEY": meta["data_key"],
            "REPORTS_IDENTIFIER_KEY": meta["identifier_key"],
            "RATELIMIT_STORAGE_URI": redis_url(), "SITE_URL": f"http://127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING", "INSTANCE_PATH": str(instance),
            "UPLOAD_FOLDER": str(Path(dataset.app_env(name, meta)["INSTANCE_PATH"]) / "uploads")}


def redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")


def gunicorn(app: str, port: int, env: dict, cwd: Path, workers: int = 2) -> subprocess.Popen:
    # No control socket: every gunicorn would take the same ~/.gunicorn/gunicorn.ctl,
    # and the bench runs three at once.
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "sync", "--no-control-socket",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app], cwd=cwd, env=env)


def wait_for(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            status, _, _ = request(port, path)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"127.0.0.1:{port}{path} did not come up")


def request(port: int, path: str, method: str = "GET", body: str | None = None,
            cookies: dict | None = None) -> tuple[int, dict, bytes]:
    """One loopback request; returns status, the Set-Cookie values by name, body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    set_cookies = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            cookie_name, _, rest = value.partition("=")
            set_cookies[cookie_name.strip()] = rest.split(";", 1)[0]
    conn.close()
    return response.status, set_cookies, data


def login(port: int, phone: str) -> str:
    """Log in through the real form (CSRF token from the page); the session cookie header.

    The production cookie is Secure, so it is carried by hand over loopback http."""
    status, cookies, html = request(port, "/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1).decode()
    form = urllib.parse.urlencode({"identifier": phone, "password": PASSWORD, "csrf_token": token})
    status, new, _ = request(port, "/login", "POST", form, cookies)
    cookies.update(new)
    if status != 302:
        raise RuntimeError(f"login as {phone} answered {status}")
    # Land on the home as a browser does after the redirect: logging in starts a new
    # session, and the first page drawn with a form puts its CSRF token in it (a new
    # cookie). wrk replays one cookie header, so without this every measured request
    # would make a fresh token and set a new session cookie, which a member's browser
    # does once.
    status, new, _ = request(port, "/", cookies=cookies)
    cookies.update(new)
    if status != 200:
        raise RuntimeError(f"the home after logging in as {phone} answered {status}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def wrk(port: int, path: str, duration: int, connections: int, cookie: str | None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(BENCH / "p95.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True,
                            text=True, check=True, timeout=duration + 30).stdout
    match = re.search(r"RESULT (.*)", output)
    return {k: float(v) for k, v in (pair.split("=") for pair in match.group(1).split())}


def page_facts(name: str, meta: dict, runs: list[dict], instance: Path) -> dict:
    """SQL statements per request and gzip bytes, from bench/page_facts.py in its own process."""
    env = production_env(name, meta, 0, instance)
    env["BENCH_ACCOUNTS"] = json.dumps(ACCOUNTS)
    result = subprocess.run([sys.executable, str(BENCH / "page_facts.py")], input=json.dumps(runs),
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    if result.returncode != 0:
        raise RuntimeError("page_facts.py failed:\n" + result.stderr[-3000:])
    return json.loads(result.stdout)


def flush_rate_limits() -> None:
    import redis

    redis.Redis.from_url(redis_url()).flushdb()


def prepare(size: str, only: str) -> dict:
    """One set's runs, page facts, instance folder and port, before any server starts."""
    name = dataset.database_names()[size]
    if dataset.read_meta(name) is None:
        raise SystemExit(f"no data set in {name}: run bench/dataset.py {size}")
    meta = dataset.ensure(size, log=lambda _msg: None)
    runs = plan(resolve_ids(name), only)
    instance = Path(tempfile.mkdtemp(prefix=f"rp-bench-{size}-"))
    # Keyed by label and account, which pair a page across the sets (its path may differ).
    return {"size": size, "name": name, "meta": meta, "instance": instance, "port": free_port(),
            "runs": {(run["label"], run["account"]): run for run in runs},
            "facts": page_facts(name, meta, runs, instance)}


def result_row(run: dict, status: int, hello_rps: float, slices_run: list[dict], fact: dict) -> dict:
    rps = statistics.mean(part["rps"] for part in slices_run)
    return {**run, "status": status, "hello_rps": hello_rps, "rps": rps,
            "ratio": rps / hello_rps if hello_rps else 0.0,
            # each percentile: its median over the slices
            **{key: statistics.median(part[key] for part in slices_run)
               for key in ("p50_ms", "p95_ms", "p99_ms")},
            "errors": int(sum(part["errors"] for part in slices_run)), "sql": fact.get("sql"),
            "gzip_bytes": fact.get("gzip_bytes")}


def warm(port: int, path: str, connections: int, cookie: str | None) -> int:
    """The page's status, then one unmeasured second of wrk on it.

    Requests one after another all go to the same idle worker (py-spy showed the
    other one configuring SQLAlchemy's mappers and compiling templates inside the
    measured run), so one second with every connection open comes first."""
    jar = dict(pair.split("=", 1) for pair in cookie.split("; ")) if cookie else None
    status = 0
    with contextlib.suppress(OSError):  # a swamped machine: wrk's timeouts tell
        status = request(port, path, cookies=jar)[0]
    wrk(port, path, 1, connections, cookie)
    return status


def interleave(hello_port: int, targets: list[tuple], before: float | None, duration: int,
               connections: int, slices: int) -> tuple[list[float], list[list[dict]]]:
    """One page on each set (``targets``: port, path, cookie) in ``slices`` slices, the
    sets' runs back to back between two hello-world runs, the first set first on even
    slices and last on odd ones; the hello runs and each target's runs.

    A shared machine's speed drifts within seconds (one 5 s run each saw hello world
    at 2,200 and at 4,500 req/s within one bench): a page and its hello world measured
    side by side drift together, and so do its runs on the two sets, which the growth
    compares. ``before``: the previous page's last hello run (None: measured here)."""
    if before is None:
        before = wrk(hello_port, "/", duration, connections, None)["rps"]
    hellos, parts = [before], [[] for _ in targets]
    for number in range(slices):
        order = list(enumerate(targets))
        for index, (port, path, cookie) in (order if number % 2 == 0 else order[::-1]):
            parts[index].append(wrk(port, path, duration, connections, cookie))
        hellos.append(wrk(hello_port, "/", duration, connections, None)["rps"])
    return hellos, parts


def measure(sizes: list[str], duration: int = 2, connections: int = 16, only: str = "", log=print,
            slices: int = 3) -> dict[str, dict]:
    """Every page on each set in ``sizes``, the sets served at once (one app server
    each, beside one hello world) and their runs of a page interleaved, so the growth
    from one set to the other compares runs seconds apart; one result per set."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench does)")
    sets = [prepare(size, only) for size in sizes]
    flush_rate_limits()
    hello_port = free_port()
    hello = gunicorn("hello:app", hello_port, production_env(sets[0]["name"], sets[0]["meta"], hello_port,
                                                              sets[0]["instance"]), BENCH)
    processes = [hello]
    for one in sets:
        one["process"] = gunicorn("wsgi:app", one["port"], production_env(
            one["name"], one["meta"], one["port"], one["instance"]), ROOT)
        processes.append(one["process"])
    load_before = os.getloadavg()
    rows = {size: [] for size in sizes}
    try:
        wait_for(hello_port, "/")
        for one in sets:
            wait_for(one["port"], "/healthz")
            # The servers share the rate limits: ten login posts from 127.0.0.1 with two
            # sets, far below LOGIN_POSTS_PER_IP_MINUTE (300), and each success clears
            # its account's failure counter.
            one["cookies"] = {account: login(one["port"], phone) for account, phone in ACCOUNTS.items()}
        before = None
        for key in dict.fromkeys(key for one in sets for key in one["runs"]):
            measured = [(one, one["runs"][key]) for one in sets if key in one["runs"]]
            targets = [(one["port"], run["path"], one["cookies"][run["account"]] if run["account"] else None)
                       for one, run in measured]
            statuses = [warm(port, path, connections, cookie) for port, path, cookie in targets]
            hellos, parts = interleave(hello_port, targets, before, duration, connections, slices)
            before = hellos[-1]
            hello_rps = statistics.mean(hellos)
            for (one, run), status, slices_run in zip(measured, statuses, parts, strict=True):
                row = result_row(run, status, hello_rps, slices_run,
                                 one["facts"].get(f"{run['account']} {run['path']}", {}))
                rows[one["size"]].append(row)
                log(f"{one['size']:5} {run['label']:22} "
                    f"{'as ' + run['account'] if run['account'] else 'anonymous':14} "
                    f"{row['rps']:7.0f} req/s {100 * row['ratio']:5.1f} % of hello ({hello_rps:.0f}) "
                    f"p50/95/99 {row['p50_ms']:.0f}/{row['p95_ms']:.0f}/{row['p99_ms']:.0f} ms "
                    f"sql {row['sql']} gzip {row['gzip_bytes']} status {status} errors {row['errors']}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for one in sets:
            shutil.rmtree(one["instance"], ignore_errors=True)
    load_after = os.getloadavg()
    results = {}
    for one in sets:
        meta = one["meta"]
        results[one["size"]] = {
            "size": one["size"], "database": one["name"], "built_at": meta.get("built_at"),
            "build_seconds": meta.get("build_seconds"), "duration": duration, "slices": slices,
            "connections": connections, "load_before": load_before, "load_after": load_after,
            "pages": rows[one["size"]]}
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="+", choices=sorted(dataset.SIZES), help="served at once, interleaved")
    parser.add_argument("--duration", type=int, default=2, help="seconds per wrk run")
    parser.add_argument("--slices", type=int, default=3,
                        help="wrk runs per page on each set, the sets' runs between two hello runs")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", default="", help="only pages whose label or path contains this")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    result = measure(args.sizes, args.duration, args.connections, args.only, slices=args.slices)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
