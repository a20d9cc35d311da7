"""Steady load on projeto no ar for the scenario's drills: GET /healthz (proxy, a web replica and the database)
every 50 ms until the file named by --stop exists, then a JSON report: requests, failures and when each failed
(seconds since the start), so that a drill can say how many failed and whether any did after a given moment."""

import argparse
import json
import os
import time
import urllib.request


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--stop", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    start = time.time()
    report = {"start": start, "requests": 0, "failed": 0, "failures": []}
    while not os.path.exists(args.stop):
        report["requests"] += 1
        try:
            with urllib.request.urlopen(args.url, timeout=10) as answer:
                ok = answer.status == 200
        except OSError as error:  # refused, reset, timed out, or an HTTP error status
            ok, reason = False, str(error)
        else:
            reason = "" if ok else "status"
        if not ok:
            report["failed"] += 1
            report["failures"].append({"at": round(time.time() - start, 2), "reason": reason})
        time.sleep(0.05)
    report["seconds"] = round(time.time() - start, 2)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(report, out)


if __name__ == "__main__":
    main()
