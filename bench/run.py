"""Container benchmark: noar.docker.container against community.docker.docker_container on the local engine.

Run through ``./noar bench [--count N] [--rounds R]``, which provides the venvs, the collection and
community.docker (from the ``ansible`` package on PyPI, unpacked under .build/bench), and runs this once with
the project's venv and once with a minimal one (``--venv``: ansible-core and the Docker SDK, nothing else).
Each round runs the steps create, noop, check, update and remove for both implementations, alternating which
goes first; the table shows the median wall time of ``ansible-playbook`` per step, and per container that
time less the playbook's fixed cost (a play with no task) over the containers. Every run must report the
changes the step implies, and the engine must hold what it implies (update: the same containers, with the new
memory limit), or the benchmark stops: a fast run that does the wrong thing is not a result.
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
STEPS = ("create", "noop", "check", "update", "remove")
UPDATED_MEMORY = 96 * 1024**2  # what step update sets (containers.yml), in place
RECAP = re.compile(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def run_step(impl, step, count, prefix, venv=None):
    """Wall time of one ansible-playbook run; checks the run changed what the step says it must."""
    playbook = os.path.join(venv, "bin", "ansible-playbook") if venv else "ansible-playbook"
    argv = [playbook, os.path.join(HERE, "containers.yml"), "-e", f"impl={impl} step={step} count={count} prefix={prefix}"]
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


def engine_containers(client, prefix) -> dict:
    """Id -> memory limit of the benchmark's containers."""
    listed = client.containers.list(all=True, filters={"name": f"^{prefix}-c"})
    return {c.id: c.attrs["HostConfig"]["Memory"] for c in listed}


def check_engine(client, prefix, step, count, before):
    """What the engine holds after a step: the containers exist after create/noop/check, the same ones with the new
    memory limit after update, none after remove."""
    found = engine_containers(client, prefix)
    wanted = 0 if step == "remove" else count
    if len(found) != wanted:
        sys.exit(f"after {step} the engine has {len(found)} containers named {prefix}-c*, expected {wanted}")
    if step == "update" and (set(found) != set(before) or set(found.values()) != {UPDATED_MEMORY}):
        sys.exit(f"after update the containers are not the same ones with memory {UPDATED_MEMORY}: {found}")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--count", type=int, default=10, help="containers per step (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the table shows medians (default 3)")
    parser.add_argument("--prefix", default="noartest-bench", help="name prefix of the containers")
    parser.add_argument("--venv", help="the venv whose ansible-playbook runs the steps (default: the one on PATH)")
    args = parser.parse_args()

    client = docker.from_env()
    prefix = f"{args.prefix}-{secrets.token_hex(3)}"
    times = {(impl, step): [] for impl in IMPLS for step in STEPS}
    empty = []
    try:
        for round_ in range(args.rounds):
            empty.append(run_step("noar", "empty", 0, prefix, args.venv))
            order = IMPLS if round_ % 2 == 0 else tuple(reversed(IMPLS))
            for impl in order:
                held: dict = {}
                for step in STEPS:
                    times[(impl, step)].append(run_step(impl, step, args.count, prefix, args.venv))
                    held = check_engine(client, prefix, step, args.count, held)
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    finally:
        for container in client.containers.list(all=True, filters={"name": f"^{prefix}-"}):
            container.remove(force=True)

    galaxy = os.path.join(args.venv, "bin", "ansible-galaxy") if args.venv else "ansible-galaxy"
    versions = subprocess.run([galaxy, "collection", "list", "community.docker"], capture_output=True, text=True, check=False).stdout
    python = os.path.join(args.venv, "bin", "python") if args.venv else sys.executable
    packages = subprocess.run(
        [python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"], capture_output=True, text=True, check=False
    ).stdout.split()
    named = [p for p in packages if p.split("==")[0].lower() in ("ansible-core", "docker", "paramiko")]
    if not any(p.lower().startswith("paramiko==") for p in packages):
        named.append("no paramiko")
    community = re.search(r"community\.docker\s+(\S+)", versions)
    fixed = statistics.median(empty)
    print(
        f"\n{args.count} containers per step, median of {args.rounds} rounds, seconds of ansible-playbook wall time"
        f" (community.docker {community.group(1) if community else '?'}; docker engine"
        f" {client.version().get('Version')}; a play with no task: {fixed:.2f} s)\n"
        f"venv {args.venv or sys.prefix}: {len(packages)} packages ({', '.join(named)})\n"
    )
    print("| step | noar.docker.container | community.docker.docker_container | noar / community | per container: noar | community | noar / community |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for step in STEPS:
        noar = statistics.median(times[("noar", step)])
        comm = statistics.median(times[("community", step)])
        # Per container: the wall time less what ansible-playbook costs with no task, over the containers.
        noar_each, comm_each = (noar - fixed) / args.count, (comm - fixed) / args.count
        print(
            f"| {step} | {noar:.2f} | {comm:.2f} | {noar / comm:.2f}x | {noar_each * 1000:.0f} ms | {comm_each * 1000:.0f} ms | {noar_each / comm_each:.2f}x |"
        )


if __name__ == "__main__":
    main()
