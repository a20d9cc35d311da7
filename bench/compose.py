"""Compose benchmark: noar.docker.compose against community.docker.docker_container in a loop and the Compose CLI.

Run through ``./noar bench compose [--count N] [--rounds R]``. Each round runs the steps create, noop, check (one
service changed, check mode), change (that change applied) and remove over COUNT services, for the three
implementations in turn (the order rotates). The table shows the median wall time per step and each
implementation's peak memory (the largest resident set of the process tree, from wait4). Every run must report the
changes its step implies and leave the engine as the step says, or the benchmark stops.
"""

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time

import docker
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
IMPLS = ("noar", "community", "cli")
STEPS = ("create", "noop", "check", "change", "remove")
RECAP = re.compile(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def run_play(impl, step, count, prefix):
    argv = ["ansible-playbook", os.path.join(HERE, "compose.yml"), "-e", f"impl={impl} step={step} count={count} prefix={prefix}"]
    started = time.monotonic()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = process.communicate()
    elapsed = time.monotonic() - started
    recap = RECAP.search(out)
    if process.returncode != 0 or not recap:
        sys.exit(f"{impl} {step} failed:\n{out[-3000:]}\n{err[-2000:]}")
    wanted = 0 if step in ("noop", "empty") else 1
    if int(recap.group(2)) != wanted:
        sys.exit(f"{impl} {step}: changed={recap.group(2)}, expected {wanted}:\n{out[-3000:]}")
    return elapsed


def cli_file(folder, count, prefix, changed):
    services = {
        f"s{i}": dict(
            image="noar-test/busybox:latest",
            command=["sleep", "3600"],
            environment=dict(BENCH="two" if changed and i == 0 else "one"),
            labels={"noar.bench": prefix},
            mem_limit="64m",
            restart="unless-stopped",
            stop_grace_period="1s",
        )
        for i in range(count)
    }
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "compose.yaml"), "w", encoding="utf-8") as out:
        yaml.safe_dump(dict(services=services), out)


# The Compose CLI (v2: Debian unstable's build of docker/compose, which ./noar bench compose puts on the PATH).
CLI = os.environ.get("NOAR_COMPOSE_CLI") or "noar-compose-cli"


def cli_project(prefix):
    return [CLI, "--ansi", "never", "-p", f"{prefix}-cli", "-f", f"/tmp/{prefix}/cli/compose.yaml"]


def run_cli(step, count, prefix):
    """One step with the Compose CLI; its check mode is --dry-run."""
    cli_file(f"/tmp/{prefix}/cli", count, prefix, step in ("check", "change"))
    argv = cli_project(prefix) + {"remove": ["down", "-t", "1"], "check": ["--dry-run", "up", "-d"]}.get(step, ["up", "-d"])
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"the Compose CLI's {step} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def check_engine(client, impl, step, count, prefix):
    """After each step: COUNT running containers (none after remove), service 0 with the changed value after change."""
    if impl == "community":
        found = client.containers.list(all=True, filters={"name": f"^{prefix}-community-"})
    else:
        found = client.containers.list(all=True, filters={"label": f"com.docker.compose.project={prefix}-{impl}"})
    wanted = 0 if step == "remove" else count
    running = [c for c in found if c.status == "running"]
    if len(found) != wanted or len(running) != wanted:
        sys.exit(f"after {impl} {step}: {len(found)} containers ({len(running)} running), expected {wanted}")
    if step == "change":
        first = [c for c in found if c.name in (f"{prefix}-community-s0", f"{prefix}-{impl}-s0-1", f"{prefix}-{impl}_s0_1")]
        if len(first) != 1 or "BENCH=two" not in first[0].attrs["Config"]["Env"]:
            sys.exit(f"after {impl} change: service s0 does not have the changed value")


def peak_memory(argv) -> int:
    """The peak resident set (MiB) of a run of ``argv`` and everything it started."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, _status, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss // 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--count", type=int, default=20, help="services (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the table shows medians (default 3)")
    parser.add_argument("--prefix", default="noartest-bench", help="name prefix of the objects")
    args = parser.parse_args()
    if not shutil.which(CLI):
        sys.exit(f"the Compose CLI ({CLI}) is not on the PATH (./noar bench compose puts it there)")

    client = docker.from_env()
    prefix = f"{args.prefix}-{secrets.token_hex(3)}"
    times = {(impl, step): [] for impl in IMPLS for step in STEPS}
    empty = []
    try:
        for round_ in range(args.rounds):
            empty.append(run_play("noar", "empty", 0, prefix))
            order = IMPLS[round_ % 3 :] + IMPLS[: round_ % 3]
            for impl in order:
                for step in STEPS:
                    if impl == "cli":
                        elapsed = run_cli(step, args.count, prefix)
                    else:
                        elapsed = run_play(impl, step, args.count, prefix)
                    if elapsed is not None:
                        times[(impl, step)].append(elapsed)
                    check_engine(client, impl, step, args.count, prefix)
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
        # Peak memory of an unchanged run, measured apart so that it does not weigh on the times.
        memory = {}
        for impl in ("noar", "community"):
            run_play(impl, "create", args.count, prefix)
            memory[impl] = peak_memory(
                ["ansible-playbook", os.path.join(HERE, "compose.yml"), "-e", f"impl={impl} step=noop count={args.count} prefix={prefix}"]
            )
            run_play(impl, "remove", args.count, prefix)
        run_cli("create", args.count, prefix)
        memory["cli"] = peak_memory(cli_project(prefix) + ["up", "-d"])
        run_cli("remove", args.count, prefix)
    finally:
        for container in client.containers.list(all=True, filters={"name": f"^{prefix}-"}):
            container.remove(force=True)
        for network in client.networks.list(filters={"name": prefix}):
            network.remove()
        shutil.rmtree(f"/tmp/{prefix}", ignore_errors=True)

    versions = subprocess.run(["ansible-galaxy", "collection", "list", "community.docker"], capture_output=True, text=True, check=False).stdout
    community = re.search(r"community\.docker\s+(\S+)", versions)
    compose_version = subprocess.run([CLI, "version", "--short"], capture_output=True, text=True, check=False).stdout.strip()
    print(
        f"\n{args.count} services, median of {args.rounds} rounds, seconds of wall time (community.docker "
        f"{community.group(1) if community else '?'}; Compose CLI {compose_version}; docker engine "
        f"{client.version().get('Version')}; a play with no task: {statistics.median(empty):.2f} s)\n"
    )
    print("| step | noar.docker.compose | docker_container loop | Compose CLI | loop / noar | CLI / noar |")
    print("|---|---:|---:|---:|---:|---:|")
    for step in STEPS:
        noar = statistics.median(times[("noar", step)])
        loop = statistics.median(times[("community", step)])
        cli = times[("cli", step)]
        cli_text = f"{statistics.median(cli):.2f}"
        ratio = f"{statistics.median(cli) / noar:.2f}x"
        print(f"| {step} | {noar:.2f} | {loop:.2f} | {cli_text} | {loop / noar:.2f}x | {ratio} |")
    print(f"| peak memory of a noop (MiB) | {memory['noar']} | {memory['community']} | {memory['cli']} | | |")


if __name__ == "__main__":
    main()
