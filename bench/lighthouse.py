"""Lighthouse (mobile) on key pages, logged in, on a benchmark data set.

    bench/lighthouse.sh [small|large]       # installs lighthouse@12 into bench/.lighthouse first

Serves the app as bench/pages.py does (gunicorn, ProductionConfig, the set's
database), logs in as the demo member through the login form and hands the session
cookie to Lighthouse as an extra header. Each page runs twice in headless Debian
Chromium (CHROME_PATH): Lighthouse's default mobile throttling (simulated slow 4G:
150 ms RTT, 1.6 Mbit/s, 4× CPU slowdown) and a 3G profile (300 ms RTT, 700 kbit/s,
4× CPU). Prints performance and accessibility scores per page and throttling,
and writes them to bench/results/lighthouse-<UTC date-time>.json. Loopback only.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import dataset  # noqa: E402
import pages  # noqa: E402

LIGHTHOUSE = BENCH / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
PAGES = [
    ("member home", "/"),
    ("forum thread", "/forum/t/{thread}"),
    ("counselor booking page", "/counseling/counselors/{counselor}"),
    ("market home", "/pasar/"),
    ("business page", "/pasar/usaha/{business}"),
]
THROTTLING = {
    "slow 4G": [],  # Lighthouse's default mobile profile
    "3G": ["--throttling-method=simulate", "--throttling.rttMs=300", "--throttling.throughputKbps=700",
           "--throttling.cpuSlowdownMultiplier=4"],
}
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")


def run_lighthouse(url: str, headers: Path, extra: list[str], out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", f"--extra-headers={headers}", f"--chrome-flags={CHROME_FLAGS}",
         "--only-categories=performance,accessibility", "--output=json", f"--output-path={out}",
         "--form-factor=mobile", *extra],
        env=env, check=True, timeout=240, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.loads(out.read_text())
    scores = {name: round(100 * (category["score"] or 0)) for name, category in report["categories"].items()}
    audits = report["audits"]
    scores["lcp_ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    scores["transfer_kb"] = round(audits["total-byte-weight"]["numericValue"] / 1024, 1)
    return scores


def scores_with_retry(url: str, headers: Path, extra: list[str], report: Path) -> dict:
    """``run_lighthouse``, tried a second time when Lighthouse or Chromium fails (it
    did once in a run of ten on a busy machine: CalledProcessError); the scores say
    when the second try was needed, the error when both failed."""
    for attempt in (1, 2):
        try:
            scores = run_lighthouse(url, headers, extra, report)
        except (subprocess.SubprocessError, OSError, KeyError, ValueError) as error:
            scores = {"error": type(error).__name__}
            continue
        return {**scores, "retried": True} if attempt == 2 else scores
    return scores


def install() -> None:
    """lighthouse@12 into bench/.lighthouse (npm), once."""
    if not LIGHTHOUSE.exists():
        LIGHTHOUSE.parents[2].mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "lighthouse@12"],
                       cwd=LIGHTHOUSE.parents[2], check=True, timeout=600)


def measure(size: str = "small", log=print) -> dict:
    install()
    name = dataset.database_names()[size]
    if dataset.read_meta(name) is None:
        raise SystemExit(f"no data set in {name}: run bench/dataset.py {size}")
    meta = dataset.ensure(size, log=lambda _msg: None)
    ids = pages.resolve_ids(name)
    port = pages.free_port()
    tmp = Path(tempfile.mkdtemp(prefix="rp-lighthouse-"))
    env = pages.production_env(name, meta, port, tmp)
    pages.flush_rate_limits()
    site = pages.gunicorn("wsgi:app", port, env, ROOT)
    load_before = os.getloadavg()
    results = []
    try:
        pages.wait_for(port, "/healthz")
        cookie = pages.login(port, pages.ACCOUNTS["member"])
        headers = tmp / "headers.json"
        headers.write_text(json.dumps({"Cookie": cookie}))
        for label, path in PAGES:
            url = f"http://127.0.0.1:{port}{path.format(**ids)}"
            for throttling, extra in THROTTLING.items():
                scores = scores_with_retry(url, headers, extra, tmp / "report.json")
                results.append({"page": label, "path": path.format(**ids), "throttling": throttling, **scores})
                log(f"lighthouse {label:24} {throttling:8} " + " ".join(f"{k}={v}" for k, v in scores.items()))
    finally:
        site.terminate()
        try:
            site.wait(timeout=30)
        except subprocess.TimeoutExpired:
            site.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return {"size": size, "load_before": load_before, "load_after": os.getloadavg(), "results": results}


def table(result: dict) -> str:
    """Markdown: one row per page, slow 4G and 3G side by side."""
    rows = {}
    for r in result["results"]:
        rows.setdefault((r["page"], r["path"]), {})[r["throttling"]] = r

    def cell(r: dict | None) -> str:
        if not r or "error" in r:
            return f"failed ({r.get('error') if r else 'not run'})"
        retried = " (second try)" if r.get("retried") else ""
        return (f"{r['performance']} / {r['accessibility']} · LCP {r['lcp_ms'] / 1000:.1f} s · "
                f"{r['transfer_kb']} KB{retried}")

    lines = ["| page (logged in as the demo member) | slow 4G: performance / accessibility | 3G |",
             "|---|---|---|"]
    for (label, path), by in rows.items():
        lines.append(f"| {label} `{path}` | {cell(by.get('slow 4G'))} | {cell(by.get('3G'))} |")
    return "\n".join(lines)


def main() -> int:
    size = sys.argv[1] if len(sys.argv) > 1 else "small"
    result = measure(size)
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%d-%H%M", time.gmtime())
    (out / f"lighthouse-{stamp}.json").write_text(json.dumps(result, indent=1) + "\n")
    print("\n" + table(result))
    print(f"written: bench/results/lighthouse-{stamp}.json")
    return 1 if any("error" in r for r in result["results"]) else 0


if __name__ == "__main__":
    sys.exit(main())
