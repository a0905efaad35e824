"""Old against new in machine instructions per request, counted by valgrind's
callgrind: the same count for the same code and data whatever else the machine
is doing.

    .venv/bin/python bench/instructions_ab.py OLD_DIR NEW_DIR large member:/forum/t/16 counselor:/counseling/staff [--requests 30]

Each checkout runs in its own process under ``valgrind --tool=callgrind`` (both at
once: the counts do not depend on load), with its app loaded as bench/cpu_ab.py
loads it (production configuration on the data set, ``warm_up``, ``gc.freeze``,
``PYTHONHASHSEED=0``). For each ``account:path`` it logs in (once per account),
serves 20 warm-up requests, then ``--requests`` measured ones; callgrind dumps its
counters each time the worker calls ``os.getppid()`` (``--dump-before=os_getppid``),
once after start-up and after each phase, so each measured phase is a file of
its own. Prints each page's instructions per request on both sides and the change.

Why: on this shared machine two processes running the same code differed by up
to 20 % in CPU time per request (bench/cpu_ab.py old against old, 2026-12-04:
−8 %, +9 %, +10 % in three runs), more than most changes measured; the
instruction count of the same code was the same to 0.2 %. What it does not see:
time spent waiting (the database, the network), cache misses and the cost of
each instruction, so a change that trades instructions for memory traffic still
needs a timed check. A run takes about four minutes (start-up under valgrind is
two). Needs valgrind (``apt-get install -y valgrind``). Reads only (and the
logins' sessions).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import cpu_ab  # noqa: E402

WARM_UP = 20


def serve(code: Path, size: str, requests: int, specs: list[str]) -> None:
    """The worker, run under callgrind: each phase ends with ``os.getppid()``."""
    app = cpu_ab.load_app(code, size)  # loaded as cpu_ab's workers load it
    import page_facts
    import pages

    clients = {}
    os.getppid()  # dump: start-up
    for spec in specs:
        account, path = spec.split(":", 1)
        if account not in clients:
            clients[account] = app.test_client()
            if account != "anonymous":
                page_facts.log_in(clients[account], pages.ACCOUNTS[account])
        client = clients[account]
        for _ in range(WARM_UP):
            status = client.get(path, base_url=page_facts.BASE_URL).status_code
            if status != 200:
                raise SystemExit(f"{path} answered {status} in {code}")
        os.getppid()  # dump: warm-up
        for _ in range(requests):
            client.get(path, base_url=page_facts.BASE_URL)
        os.getppid()  # dump: measured


def dump_totals(files: list[Path]) -> list[int]:
    """The instruction count of each callgrind dump (its ``summary:`` or
    ``totals:`` line), in the order of the dumps' numbers (``cg.out.1``, ``.2``…)."""
    totals = []
    for path in sorted(files, key=lambda file: int(file.name.rsplit(".", 1)[1])):
        for line in path.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                totals.append(int(line.split()[1]))
                break
    return totals


def per_request(totals: list[int], specs: list[str], requests: int) -> dict[str, float]:
    """Instructions per request of each page: dump 1 is the start-up, then each
    page's warm-up and measured phase in turn."""
    if len(totals) < 1 + 2 * len(specs):
        raise RuntimeError(f"expected {1 + 2 * len(specs)} dumps, got {len(totals)}")
    return {spec: totals[2 + 2 * number] / requests for number, spec in enumerate(specs)}


def start(code: Path, size: str, requests: int, specs: list[str], out: Path) -> subprocess.Popen:
    python = code / ".venv" / "bin" / "python"
    return subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--dump-before=os_getppid", f"--callgrind-out-file={out / 'cg.out'}",
         str(python if python.exists() else sys.executable), str(Path(__file__).resolve()), "--worker",
         str(code.resolve()), size, str(requests), *specs],
        stdout=subprocess.DEVNULL, stderr=(out / "valgrind.log").open("w"),
        env={**os.environ, "PYTHONHASHSEED": "0"})


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        code, size, requests = sys.argv[2:5]
        serve(Path(code), size, int(requests), sys.argv[5:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("size", choices=("large", "small"))
    parser.add_argument("pages", nargs="+", help="account:path, the account a role of bench/pages.py ACCOUNTS "
                                                 "or anonymous")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page")
    args = parser.parse_args()
    found = {}
    with tempfile.TemporaryDirectory(prefix="rp-instructions-") as scratch:
        runs = {}
        for label, code in (("old", args.old), ("new", args.new)):
            out = Path(scratch) / label
            out.mkdir()
            runs[label] = (out, start(code, args.size, args.requests, args.pages, out))
        for label, (out, process) in runs.items():
            if process.wait() != 0:
                raise SystemExit(f"the {label} checkout failed: {out / 'valgrind.log'}\n"
                                 + (out / "valgrind.log").read_text()[-2000:])
            found[label] = per_request(dump_totals(list(out.glob("cg.out.*"))), args.pages, args.requests)
    for spec in args.pages:
        old, new = found["old"][spec], found["new"][spec]
        print(f"{args.size} {spec}: old {old / 1e6:.3f} M, new {new / 1e6:.3f} M instructions per request; "
              f"new/old {100 * (new / old - 1):+.1f} %", flush=True)


if __name__ == "__main__":
    main()
