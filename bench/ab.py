"""Two checkouts of the app served side by side and measured in turn: old against new.

    .venv/bin/python bench/ab.py OLD_DIR NEW_DIR large member /forum/t/16 [/inbox ...]
    .venv/bin/python bench/ab.py OLD_DIR NEW_DIR large member --mixed "/,/forum/t/16,/kur"

Each directory is served as bench/pages.py serves the app (gunicorn, 2 sync workers,
production configuration, the data set's database), logged in as the account's demo
login. Per page (or, with ``--mixed``, for all the paths in turn within each wrk run,
as a member moving between pages does) both servers are warmed, then measured in
``--rounds`` runs of ``--duration`` seconds, alternating which goes first, so a drift of
the machine falls on both. Prints each run's requests per second and new against old.
Reads only (and the logins' sessions); run it on a quiet machine.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import dataset  # noqa: E402
import pages  # noqa: E402


def run(port: int, target: str, seconds: int, cookie: str | None, mixed: bool) -> float:
    if not mixed:
        return pages.wrk(port, target, seconds, 16, cookie)["rps"]
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s", "-s", str(BENCH / "p95.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}/"], capture_output=True, text=True,
                            check=True, timeout=seconds + 30, env={**os.environ, "PATHS": target}).stdout
    return float(re.search(r"rps=([\d.]+)", output).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("size", choices=sorted(dataset.SIZES))
    parser.add_argument("account", help="a role of bench/pages.py ACCOUNTS, or anonymous")
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--mixed", help="comma-separated paths requested in turn within each run")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=int, default=3)
    args = parser.parse_args()
    targets = [args.mixed] if args.mixed else args.paths
    name = dataset.database_names()[args.size]
    meta = dataset.read_meta(name)
    if meta is None:
        raise SystemExit(f"{name} is not built: .venv/bin/python bench/dataset.py {args.size}")
    pages.flush_rate_limits()
    servers = {}
    try:
        for label, directory in (("old", args.old), ("new", args.new)):
            port = pages.free_port()
            env = pages.production_env(name, meta, port, Path(tempfile.mkdtemp(prefix="rp-ab-")))
            servers[label] = (port, pages.gunicorn("wsgi:app", port, env, directory.resolve()))
        cookies = {}
        for label, (port, _process) in servers.items():
            pages.wait_for(port, "/healthz")
            cookies[label] = None if args.account == "anonymous" else pages.login(port, pages.ACCOUNTS[args.account])
        for target in targets:
            rps = {"old": [], "new": []}
            for label, (port, _process) in servers.items():
                run(port, target, 1, cookies[label], bool(args.mixed))  # both workers warm
            for number in range(args.rounds):
                for label in (("old", "new") if number % 2 == 0 else ("new", "old")):
                    rps[label].append(run(servers[label][0], target, args.duration, cookies[label],
                                          bool(args.mixed)))
            old, new = statistics.mean(rps["old"]), statistics.mean(rps["new"])
            print(f"{args.size} {args.account} {target}: old {' '.join(f'{x:.0f}' for x in rps['old'])} | "
                  f"new {' '.join(f'{x:.0f}' for x in rps['new'])} req/s | new/old {100 * (new / old - 1):+.1f} %",
                  flush=True)
    finally:
        for _port, process in servers.values():
            process.terminate()
        for _port, process in servers.values():
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
