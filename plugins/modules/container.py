#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container
short_description: Create, run, update, stop and remove Docker containers
version_added: 0.1.0
description:
  - What C(docker run), C(create), C(start), C(stop), C(restart), C(update) and C(rm) do, as one idempotent task.
  - Option names and meanings are community.docker's C(docker_container), so a playbook moves to this module by
    changing the module name.
  - Only the options the task sets are compared with the container. The image's own defaults (environment,
    labels, command, exposed ports, volumes) never count as drift. O(comparisons) changes how an option is compared.
  - Resource limits (O(memory), O(memory_reservation), O(memory_swap), O(cpus), O(cpu_shares), O(cpu_period),
    O(cpu_quota), O(cpuset_cpus), O(pids_limit), O(blkio_weight)) and the restart policy change in place, as
    C(docker update) does; the container keeps its Id and keeps running. community.docker recreates the container
    for O(cpus) and O(pids_limit); this module does not.
  - Any other difference, or a different image Id, recreates the container. The new container is created first,
    under a temporary name, so an engine that refuses it leaves the old container as it was. Named volumes and
    their data survive a recreate.
  - Input is checked before anything is applied; bad input fails with a message naming the option, and leaves
    no container behind.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Returns the same C(changed), C(actions) and diff that a real run would, and touches nothing.
  diff_mode:
    support: full
    description:
      - C(diff.before) and C(diff.after) hold only the options that differ. Sizes are written on both sides in
        the unit the task wrote (O(memory=1.5g) shows the old limit as V(0.5g)), CPUs and durations as users write them.
options:
  name:
    description: The container's name.
    type: str
    required: true
  state:
    description:
      - V(present) the container exists with this configuration (created, not started; a running one keeps running).
      - V(started) it exists and runs.
      - V(stopped) it exists and does not run.
      - V(healthy) it runs, and the task waits until its healthcheck passes (at most O(healthy_wait_timeout)).
      - V(absent) it does not exist. A running container is stopped first, with its stop signal and timeout (or
        killed with O(force_kill)), as C(docker stop) and C(docker rm) do.
    type: str
    choices: [present, started, stopped, healthy, absent]
    default: started
  healthy_wait_timeout:
    description: Seconds to wait for O(state=healthy).
    type: float
    default: 300
  image:
    description:
      - The image to run, as C(name[:tag]) or C(name@digest). Needed to create the container.
      - When the container exists with another image Id, it is recreated.
    type: str
  pull:
    description:
      - V(missing) pulls the image only when it is not on the engine; V(always) asks the registry on every run and
        pulls when it holds another image than the engine (comparing the manifest digest, so a re-run and check mode
        know without pulling); V(never) fails when it is missing. V(true) and V(false) mean V(always) and V(missing), as in community.docker.
    type: raw
    default: missing
  command:
    description: The command to run, as a string (split like a shell does) or a list.
    type: raw
  entrypoint:
    description: Overrides the image's entrypoint.
    type: list
    elements: str
  env:
    description: Environment variables. Values are turned into strings (V(true) becomes C(true)).
    type: dict
  env_file:
    description: A file of C(NAME=value) lines on the managed host; O(env) wins over it.
    type: path
  labels:
    description: Labels of the container.
    type: dict
  published_ports:
    description:
      - Ports to publish, as C(CONTAINER), C(HOST:CONTAINER), C(IP:HOST:CONTAINER) or C(IP::CONTAINER), each with an
        optional C(/tcp), C(/udp) or C(/sctp), and ranges such as C(8000-8010:8000-8010).
    type: list
    elements: str
    aliases: [ports]
  exposed_ports:
    description: Ports to expose without publishing them, as C(80) or C(53/udp).
    type: list
    elements: str
    aliases: [exposed, expose]
  volumes:
    description:
      - Volumes, as C(SOURCE:/path[:ro|rw]) where SOURCE is a host path (a bind) or a volume name, or C(/path) for an
        anonymous volume.
    type: list
    elements: str
  mounts:
    description: Mounts, with the engine's mount types.
    type: list
    elements: dict
    suboptions:
      type:
        description: The kind of mount.
        type: str
        choices: [bind, volume, tmpfs]
        default: volume
      source:
        description: The host path (V(bind)) or volume name (V(volume)). A tmpfs has none.
        type: str
      target:
        description: The path in the container. Required.
        type: str
      read_only:
        description: Mount read-only.
        type: bool
        default: false
      tmpfs_size:
        description: The size of a tmpfs, as V(64m).
        type: str
      tmpfs_mode:
        description: The permissions of a tmpfs, in octal, as V(1777).
        type: str
  tmpfs:
    description: Tmpfs mounts, as C(/path) or C(/path:options) (C(size=64m,mode=1777)).
    type: list
    elements: str
  networks:
    description:
      - Networks to connect the container to. Without O(network_mode), the first one is the container's network mode.
      - Connecting to more networks happens in place. By default networks the container has and the task does not
        name are left alone; O(comparisons) C(networks=strict) disconnects them.
    type: list
    elements: dict
    suboptions:
      name:
        description: The network's name.
        type: str
        required: true
      aliases:
        description: Names the container has on this network.
        type: list
        elements: str
      ipv4_address:
        description: A fixed address on this network.
        type: str
  network_mode:
    description: V(bridge), V(host), V(none), C(container:NAME), or a network name.
    type: str
  restart_policy:
    description: When the engine restarts the container. Changes in place.
    type: str
    choices: ['no', on-failure, always, unless-stopped]
  restart_retries:
    description: With O(restart_policy=on-failure), how many times at most.
    type: int
  memory:
    description: Memory limit, as V(512m) or V(1g). At least V(6m). Changes in place.
    type: str
  memory_reservation:
    description: Soft memory limit; not above O(memory). Changes in place.
    type: str
  memory_swap:
    description: Memory plus swap; at least O(memory), or V(-1)/V(unlimited). Changes in place.
    type: str
  cpus:
    description: CPUs the container may use, as V(0.5); not more than the host has. Changes in place.
    type: float
  cpu_shares:
    description: Relative CPU weight. Changes in place.
    type: int
  cpu_period:
    description: CFS period in microseconds. Changes in place.
    type: int
  cpu_quota:
    description: CFS quota in microseconds. Changes in place.
    type: int
  cpuset_cpus:
    description: CPUs the container may run on, as V(0-1) or V(0,2). Changes in place.
    type: str
  pids_limit:
    description: Most processes the container may have; V(-1) for no limit. Changes in place.
    type: int
  blkio_weight:
    description:
      - Block IO weight, 10 to 1000. Changes in place.
      - Where the engine's kernel has no Block I/O weight control (a local engine whose cgroup has no
        C(blkio.weight) or C(io) controller) the engine would discard it, so the module warns and neither
        applies nor compares it.
    type: int
  ulimits:
    description: Ulimits as C(NAME:SOFT[:HARD]), as V(nofile:1024:2048).
    type: list
    elements: str
  healthcheck:
    description: The container's healthcheck; only the keys given are compared.
    type: dict
    suboptions:
      test:
        description:
          - A string runs with the shell (C(CMD-SHELL)); a list runs as is (C(CMD) is added when missing);
            V([NONE]) turns off the image's healthcheck.
        type: raw
      interval:
        description: Time between checks, as V(30s) or V(1m30s).
        type: str
      timeout:
        description: Time a check may take.
        type: str
      retries:
        description: Failures in a row before the container is unhealthy.
        type: int
      start_period:
        description: Time after start during which failures do not count.
        type: str
  user:
    description: The user (and group) the command runs as, as V(nobody) or V(1000:1000).
    type: str
  working_dir:
    description: The working directory of the command.
    type: str
  hostname:
    description: The container's host name.
    type: str
  read_only:
    description: Mount the root filesystem read-only.
    type: bool
  capabilities:
    description: Capabilities to add, as V(NET_ADMIN) or V(ALL).
    type: list
    elements: str
  cap_drop:
    description: Capabilities to drop.
    type: list
    elements: str
  security_opts:
    description: Security options, as V(no-new-privileges) or V(seccomp=unconfined).
    type: list
    elements: str
  privileged:
    description: Give the container every privilege of the host.
    type: bool
  cgroupns_mode:
    description: The cgroup namespace.
    type: str
    choices: [host, private]
  sysctls:
    description: Kernel parameters of the container's namespaces.
    type: dict
  etc_hosts:
    description: Extra C(/etc/hosts) entries, as a dict of host name to address.
    type: dict
  dns_servers:
    description: DNS servers of the container.
    type: list
    elements: str
  init:
    description: Run an init process as PID 1 that reaps zombies and forwards signals.
    type: bool
  detach:
    description:
      - V(false) runs the container to completion and returns its exit status in RV(status) and its output in
        RV(output); the task fails when the status is not 0.
    type: bool
    default: true
  log_driver:
    description: The logging driver, as V(json-file), V(local) or V(journald).
    type: str
  log_options:
    description: Options of the logging driver, as C(max-size).
    type: dict
  stop_signal:
    description: The signal that stops the container.
    type: str
  stop_timeout:
    description:
      - Seconds to wait after the stop signal before killing. When this module stops, restarts or removes the
        container, it waits this long, or the container's own stop timeout when the task does not set one.
    type: int
  recreate:
    description: Recreate the container even when nothing differs.
    type: bool
    default: false
  restart:
    description: Restart a running container even when nothing differs.
    type: bool
    default: false
  force_kill:
    description: Kill the container instead of stopping it, when it is stopped or removed.
    type: bool
    default: false
    aliases: [forcekill]
  keep_volumes:
    description: Keep the container's anonymous volumes when it is removed.
    type: bool
    default: true
  comparisons:
    description:
      - How each option is compared with the container, by option name; C(*) sets all at once.
      - V(strict) the values must be equal; V(ignore) the option is not compared; V(allow_more_present) the container
        may have more (more labels, environment variables, networks, list items) than the task names.
      - Defaults are V(strict), but V(allow_more_present) for O(networks).
    type: dict
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.container_info
  - module: noar.docker.container_exec
  - module: noar.docker.container_logs
"""

EXAMPLES = r"""
- name: Run a web server with limits, a healthcheck and a published port
  noar.docker.container:
    name: web
    image: nginx:1.25
    published_ports:
      - 127.0.0.1:8080:80
    memory: 256m
    cpus: 0.5
    pids_limit: 200
    restart_policy: unless-stopped
    healthcheck:
      test: wget -q -O /dev/null http://localhost/ || exit 1
      interval: 10s
      retries: 3
    state: healthy

- name: Give it more memory without restarting it (same container Id)
  noar.docker.container:
    name: web
    image: nginx:1.25
    memory: 512m

- name: Run a one-off job to completion and use its output
  noar.docker.container:
    name: migrate
    image: app:1.2
    command: ["python3", "manage.py", "migrate"]
    detach: false
  register: migrate

- name: Data on a named volume, configuration bind-mounted read-only, scratch on a tmpfs
  noar.docker.container:
    name: db
    image: postgres:16
    env:
      POSTGRES_PASSWORD: "{{ db_password }}"
    mounts:
      - source: db-data
        target: /var/lib/postgresql/data
      - type: bind
        source: /etc/app/postgresql.conf
        target: /etc/postgresql/postgresql.conf
        read_only: true
      - type: tmpfs
        target: /tmp
        tmpfs_size: 64m
  no_log: true

- name: Ignore labels added by other tools, compare everything else strictly
  noar.docker.container:
    name: web
    image: nginx:1.25
    labels:
      app: web
    comparisons:
      labels: allow_more_present

- name: Remove it, killing it first
  noar.docker.container:
    name: web
    state: absent
    force_kill: true
"""

RETURN = r"""
container:
  description: The container's C(docker inspect) data after the task; empty when it is absent.
  returned: success
  type: dict
  sample:
    Id: 8e47bf643eb9...
    Name: /web
    State: {Status: running, Running: true}
    HostConfig: {Memory: 536870912, NanoCpus: 500000000, PidsLimit: 200}
actions:
  description:
    - What the task did (or, in check mode, would do), in order. Each has C(action) (V(pull), V(create), V(recreate),
      V(update), V(connect), V(disconnect), V(start), V(stop), V(restart), V(remove)), C(target), and for some a
      C(reason) that names what made the action necessary.
  returned: success
  type: list
  elements: dict
  sample:
    - {action: update, target: web, reason: "in place: memory"}
status:
  description: The exit status of a container run with O(detach=false).
  returned: when O(detach=false) and the container ran
  type: int
  sample: 0
output:
  description:
    - What a container run with O(detach=false) wrote to stdout and stderr; null when its logging driver cannot be
      read back (as V(none)).
  returned: when O(detach=false) and the container ran
  type: str
  sample: "migrations applied\n"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.container import STATES, ContainerManager
from ansible_collections.noar.docker.plugins.module_utils.converge import converge, module_errors

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="started", choices=list(STATES)),
    healthy_wait_timeout=dict(type="float", default=300),
    image=dict(type="str"),
    pull=dict(type="raw", default="missing"),
    command=dict(type="raw"),
    entrypoint=dict(type="list", elements="str"),
    env=dict(type="dict"),
    env_file=dict(type="path"),
    labels=dict(type="dict"),
    published_ports=dict(type="list", elements="str", aliases=["ports"]),
    exposed_ports=dict(type="list", elements="str", aliases=["exposed", "expose"]),
    volumes=dict(type="list", elements="str"),
    mounts=dict(type="list", elements="dict", options=dict(
        type=dict(type="str", default="volume", choices=["bind", "volume", "tmpfs"]),
        source=dict(type="str"),
        target=dict(type="str"),
        read_only=dict(type="bool", default=False),
        tmpfs_size=dict(type="str"),
        tmpfs_mode=dict(type="str"),
    )),
    tmpfs=dict(type="list", elements="str"),
    networks=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        aliases=dict(type="list", elements="str"),
        ipv4_address=dict(type="str"),
    )),
    network_mode=dict(type="str"),
    restart_policy=dict(type="str", choices=["no", "on-failure", "always", "unless-stopped"]),
    restart_retries=dict(type="int"),
    memory=dict(type="str"),
    memory_reservation=dict(type="str"),
    memory_swap=dict(type="str"),
    cpus=dict(type="float"),
    cpu_shares=dict(type="int"),
    cpu_period=dict(type="int"),
    cpu_quota=dict(type="int"),
    cpuset_cpus=dict(type="str"),
    pids_limit=dict(type="int"),
    blkio_weight=dict(type="int"),
    ulimits=dict(type="list", elements="str"),
    healthcheck=dict(type="dict", options=dict(
        test=dict(type="raw"),
        interval=dict(type="str"),
        timeout=dict(type="str"),
        retries=dict(type="int"),
        start_period=dict(type="str"),
    )),
    user=dict(type="str"),
    working_dir=dict(type="str"),
    hostname=dict(type="str"),
    read_only=dict(type="bool"),
    capabilities=dict(type="list", elements="str"),
    cap_drop=dict(type="list", elements="str"),
    security_opts=dict(type="list", elements="str"),
    privileged=dict(type="bool"),
    cgroupns_mode=dict(type="str", choices=["host", "private"]),
    sysctls=dict(type="dict"),
    etc_hosts=dict(type="dict"),
    dns_servers=dict(type="list", elements="str"),
    init=dict(type="bool"),
    detach=dict(type="bool", default=True),
    log_driver=dict(type="str"),
    log_options=dict(type="dict"),
    stop_signal=dict(type="str"),
    stop_timeout=dict(type="int"),
    recreate=dict(type="bool", default=False),
    restart=dict(type="bool", default=False),
    force_kill=dict(type="bool", default=False, aliases=["forcekill"]),
    keep_volumes=dict(type="bool", default=True),
    comparisons=dict(type="dict"),
)

PULL_CHOICES = {"missing": "missing", "always": "always", "never": "never", True: "always", False: "missing"}


def main():
    module = AnsibleModule(argument_spec=docker_argument_spec(**ARGUMENT_SPEC), supports_check_mode=True)
    pull = module.params["pull"]
    pull = module.boolean(pull) if str(pull).lower() in ("yes", "no", "true", "false") else pull
    if pull not in PULL_CHOICES:
        module.fail_json(msg=f"pull: {pull!r} is not one of missing, always, never", option="pull")
    module.params["pull"] = PULL_CHOICES[pull]
    client = connect(module)
    manager = ContainerManager(client, module.params)
    result = converge(module, manager)
    with module_errors(module):
        if module.params["state"] == "healthy" and not module.check_mode:
            manager.wait_healthy(module.params["healthy_wait_timeout"])
            result["container"] = manager.container
    if result.get("status"):
        module.fail_json(msg=f"container {module.params['name']} exited with status {result['status']}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
