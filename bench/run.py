"""Container benchmark: noar.docker.container against community.docker.docker_container on the local engine.

Run through ``./noar bench [--count N] [--rounds R]``, which provides the venv, the collection and
community.docker (from the ``ansible`` package on PyPI, unpacked under .build/bench). Each round runs the
steps create, noop, check and remove for both implementations, alternating which goes first; the
table shows the median wall time of ``ansible-playbook`` per step, and per container that time less the
playbook's fixed cost (a play with no task) over the containers. Every run must report the changes the
step implies, or the benchmark stops: a fast run that does the wrong thing is not a result.
"""

import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import time

import docker

HERE = os.path.dirname(os.path.abspath(__file__))
IMPLS = ("noar", "community")
STEPS = ("create", "noop", "check", "remove")
RECAP = re.compile(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def run_step(impl, step, count, prefix):
    """Wall time of one ansible-playbook run; checks the run changed what the step says it must."""
    argv = ["ansible-playbook", os.path.join(HERE, "containers.yml"),
            "-e", f"impl={impl} step={step} count={count} prefix={prefix}"]
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    recap = RECAP.search(done.stdout)
    if done.returncode != 0 or not recap:
        sys.exit(f"{impl} {step} failed:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
    changed = int(recap.group(2))
    # The loop is one task: changed=1 when any item changed.
    wanted = 0 if step in ("noop", "empty") else 1
    if changed != wanted:
        sys.exit(f"{impl} {step}: changed={changed}, expected {wanted}:\n{done.stdout[-3000:]}")
    return elapsed


def engine_count(client, prefix):
    return len(client.containers.list(all=True, filters={"name": f"^{prefix}-c"}))


def check_engine(client, prefix, step, count):
    """What the engine holds after a step: the containers exist after create/noop/check, none after remove."""
    found = engine_count(client, prefix)
    wanted = 0 if step == "remove" else count
    if found != wanted:
        sys.exit(f"after {step} the engine has {found} containers named {prefix}-c*, expected {wanted}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--count", type=int, default=10, help="containers per step (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the table shows medians (default 3)")
    parser.add_argument("--prefix", default="noartest-bench", help="name prefix of the containers")
    args = parser.parse_args()

    client = docker.from_env()
    prefix = f"{args.prefix}-{secrets.token_hex(3)}"
    times = {(impl, step): [] for impl in IMPLS for step in STEPS}
    empty = []
    try:
        for round_ in range(args.rounds):
            empty.append(run_step("noar", "empty", 0, prefix))
            order = IMPLS if round_ % 2 == 0 else tuple(reversed(IMPLS))
            for impl in order:
                for step in STEPS:
                    times[(impl, step)].append(run_step(impl, step, args.count, prefix))
                    check_engine(client, prefix, step, args.count)
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    finally:
        for container in client.containers.list(all=True, filters={"name": f"^{prefix}-"}):
            container.remove(force=True)

    versions = subprocess.run(["ansible-galaxy", "collection", "list", "community.docker"],
                              capture_output=True, text=True, check=False).stdout
    community = re.search(r"community\.docker\s+(\S+)", versions)
    fixed = statistics.median(empty)
    print(f"\n{args.count} containers per step, median of {args.rounds} rounds, seconds of ansible-playbook wall time"
          f" (community.docker {community.group(1) if community else '?'}; docker engine"
          f" {client.version().get('Version')}; a play with no task: {fixed:.2f} s)\n")
    print("| step | noar.docker.container | community.docker.docker_container | noar / community "
          "| per container: noar | community | noar / community |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for step in STEPS:
        noar = statistics.median(times[("noar", step)])
        comm = statistics.median(times[("community", step)])
        # Per container: the wall time less what ansible-playbook costs with no task, over the containers.
        noar_each, comm_each = (noar - fixed) / args.count, (comm - fixed) / args.count
        print(f"| {step} | {noar:.2f} | {comm:.2f} | {noar / comm:.2f}x "
              f"| {noar_each * 1000:.0f} ms | {comm_each * 1000:.0f} ms | {noar_each / comm_each:.2f}x |")


if __name__ == "__main__":
    main()
