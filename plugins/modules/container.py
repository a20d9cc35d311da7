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
    O(cpu_quota), O(cpuset_cpus), O(cpuset_mems), O(pids_limit), O(blkio_weight)) and the restart policy change in place, as
    C(docker update) does; the container keeps its Id and keeps running. community.docker recreates the container
    for O(cpus) and O(pids_limit); this module does not.
  - Any other difference, or a different image Id, recreates the container. The new container is created first,
    under a temporary name (V(NAME-noar-TIME)), so an engine that refuses it leaves the old container as it was. Named
    volumes and their data survive a recreate.
  - A recreate that is interrupted (SIGINT, SIGTERM) settles before the module exits, so that one container keeps the
    name. Killed outright (SIGKILL), it may leave its temporary container; the next run that creates, recreates or
    removes the container removes it first (action V(remove_leftovers)).
  - Input is checked before anything is applied; bad input fails with a message naming the option, and leaves
    no container behind.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.limits
attributes:
  check_mode:
    support: full
    description: Returns the same C(changed), C(actions) and diff that a real run would, and touches nothing.
  diff_mode:
    support: full
    description:
      - C(diff.before) and C(diff.after) hold only the options that differ. Sizes are in bytes on both sides
        (V(67108864) for C(64m)), as community.docker writes them; CPUs and durations as users write them.
options:
  name:
    description: The container's name.
    type: str
    required: true
  state:
    description:
      - V(present) the container exists with this configuration (created, not started; a running one keeps running
        unless it must be recreated, when the new container is created and not started, as community.docker does).
      - V(started) it exists and runs.
      - V(stopped) it exists and does not run.
      - V(healthy) it runs, and the task waits until its healthcheck passes (at most O(healthy_wait_timeout)). On engines
        before 23.0, a container whose healthcheck the engine stopped running (it does after a restart with live-restore,
        moby/moby#41871) is paused and unpaused once, which starts it again, with a warning.
      - V(absent) it does not exist. A running container is stopped first, with its stop signal and timeout (or
        killed with O(force_kill)), as C(docker stop) and C(docker rm) do.
    type: str
    choices: [absent, present, healthy, stopped, started]
    default: started
  healthy_wait_timeout:
    description:
      - Seconds to wait for O(state=healthy). An unhealthy container is waited through (a later check may pass), as
        community.docker does; the task fails when the time is up, saying how long it waited. V(0) or less waits
        without a limit.
    type: float
    default: 300
  image:
    description:
      - The image to run, as C(name[:tag]) or C(name@digest). Needed to create the container.
      - When the container exists with another image Id, it is recreated; see also O(image_name_mismatch).
    type: str
  pull:
    description:
      - V(missing) pulls the image only when it is not on the engine; V(always) asks the registry on every run and
        pulls when it holds another image than the engine (comparing the manifest digest, so a re-run and check mode
        know without pulling); V(never) fails when it is missing. V(true) and V(false) mean V(always) and
        V(missing), as in community.docker.
    type: raw
    choices: [never, missing, always, true, false]
    default: missing
  pull_check_mode_behavior:
    description:
      - With O(pull=always) in check mode. V(image_not_present) (default) asks the registry, as a real run does, and
        reports a pull only when it would bring another image. V(always) always reports a pull.
    type: str
    choices: [image_not_present, always]
    default: image_not_present
  image_comparison:
    description:
      - Whose defaults count as the task's for O(env), O(env_file), O(exposed_ports), O(labels) and O(volumes);
        V(desired-image) the image the task names; V(current-image) the image the container runs now.
    type: str
    choices: [desired-image, current-image]
    default: desired-image
  image_name_mismatch:
    description:
      - When the container runs the same image Id under another name than O(image), V(recreate) recreates it
        (community.docker 4's default); V(ignore) does not.
    type: str
    choices: [recreate, ignore]
    default: recreate
  image_label_mismatch:
    description:
      - With C(labels=strict) in O(comparisons), V(fail) fails when the image has labels that O(labels) does not set.
    type: str
    choices: [ignore, fail]
    default: ignore
  command:
    description:
      - The command to run, as a string (split like a shell does) or a list.
      - An empty list means the image's command (unless O(entrypoint) is set), so it stays unchanged on a re-run.
    type: raw
  command_handling:
    description:
      - V(correct) keeps a list O(command) as a list. V(compatibility) joins it and splits it like a shell, and
        treats an empty O(command) or O(entrypoint) as not set, as community.docker did before 3.0.
    type: str
    choices: [compatibility, correct]
    default: correct
  entrypoint:
    description: Overrides the image's entrypoint.
    type: list
    elements: str
  env:
    description:
      - Environment variables. Each value must be a string, since YAML reads unquoted V(yes), V(1.0) or V(010) as other
        values, so a value that is not a string fails the task, naming its variable (community.docker's rule).
      - Variables whose names look like secrets (C(PASSWORD), C(TOKEN), ...) are masked in the diff.
    type: dict
  env_file:
    description: A file of C(NAME=value) lines on the managed host; O(env) wins over it.
    type: path
  labels:
    description: Labels of the container. The image's labels count as set.
    type: dict
  published_ports:
    description:
      - Ports to publish, as C(CONTAINER), C(HOST:CONTAINER), C(IP:HOST:CONTAINER) or C(IP::CONTAINER), each with an
        optional C(/tcp), C(/udp) or C(/sctp). IPv6 addresses go in brackets, zone ids allowed (C([fe80::1%eth0]:80:80)).
      - Ranges such as C(8000-8010:8000-8010); a host range for one container port (C(8000-8010:80)) lets the engine
        pick a free port in it; ranges of unequal length are cut to the shorter, as in community.docker.
      - The bind address may be a host name (C(localhost:9001:9001)); it is resolved on the managed host, to an IPv4
        address where it has one, and a name that does not resolve fails the task.
      - Compared per container port, as community.docker does. Other published ports are allowed (unless
        O(comparisons) makes it V(strict)), but a port the task names must have exactly its bindings, so moving its
        address or host range recreates the container.
    type: list
    elements: str
    aliases: [ports]
  default_host_ip:
    description:
      - The host address for O(published_ports) that name none. Without it the engine binds every address (written
        as an empty address; a binding of C(0.0.0.0) made by community.docker counts as the same).
    type: str
  publish_all_ports:
    description: Publish every exposed port on a random host port.
    type: bool
  exposed_ports:
    description: Ports to expose without publishing them, as C(80) or C(53/udp).
    type: list
    elements: str
    aliases: [exposed, expose]
  volumes:
    description:
      - Volumes, as C(SOURCE:/path[:MODE]) where SOURCE is a host path (a bind) or a volume name, or C(/path) (or
        C(/path:rw)) for an anonymous volume. MODE is V(ro), V(rw) and the engine's other modes, comma-separated.
      - A path in the container may be named once, by O(volumes) or O(mounts), not both; a repeated mount point fails
        before anything is created.
    type: list
    elements: str
  volume_driver:
    description: The volume driver of the container's volumes.
    type: str
  volumes_from:
    description: Containers whose volumes to mount, as C(NAME[:ro|rw]).
    type: list
    elements: str
  mounts:
    description: Mounts, with the engine's mount types. Each mount is compared on the fields the task sets.
    type: list
    elements: dict
    suboptions:
      target:
        description: The path in the container.
        type: str
        required: true
      source:
        description: The host path (V(bind)) or volume name (V(volume)); without it a volume mount is anonymous.
        type: str
      type:
        description: The kind of mount. V(cluster) needs API 1.42, V(image) API 1.47; V(npipe) is for Windows.
        type: str
        choices: [bind, npipe, tmpfs, volume, cluster, image]
        default: volume
      read_only:
        description: Mount read-only.
        type: bool
      consistency:
        description: The consistency requirement (Docker Desktop).
        type: str
        choices: [cached, consistent, default, delegated]
      propagation:
        description: Bind propagation. Only for V(bind).
        type: str
        choices: [private, rprivate, shared, rshared, slave, rslave]
      create_mountpoint:
        description: Create the host path when it is missing. Only for V(bind); API 1.42.
        type: bool
      non_recursive:
        description: Do not bind submounts. Only for V(bind).
        type: bool
      read_only_non_recursive:
        description: Read-only, but not the submounts. Only for V(bind); API 1.44.
        type: bool
      read_only_force_recursive:
        description: Fail when the mount cannot be made read-only recursively. Only for V(bind); API 1.44.
        type: bool
      no_copy:
        description: Do not fill a new volume from the image's files at the target. Only for V(volume).
        type: bool
      labels:
        description: Labels of the volume when the mount creates it. Only for V(volume).
        type: dict
      volume_driver:
        description: The driver of the volume when the mount creates it. Only for V(volume).
        type: str
      volume_options:
        description: Options of that driver. Only for V(volume).
        type: dict
      subpath:
        description: A relative path inside the volume to mount. Only for V(volume); API 1.45.
        type: str
      tmpfs_size:
        description: The size of a tmpfs, as V(64m). Only for V(tmpfs).
        type: str
      tmpfs_mode:
        description: The permissions of a tmpfs, in octal, as V(1777). Only for V(tmpfs).
        type: str
      tmpfs_options:
        description:
          - Mount options of a tmpfs, each a mapping of one option to its value, or to null for a flag. Only for
            V(tmpfs); API 1.46.
        type: list
        elements: dict
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
        description: A fixed IPv4 address on this network.
        type: str
      ipv6_address:
        description: A fixed IPv6 address on this network.
        type: str
      links:
        description: Links to other containers on this network, as C(NAME[:ALIAS]).
        type: list
        elements: str
      mac_address:
        description: The endpoint's MAC address. API 1.44.
        type: str
      driver_opts:
        description: Options for the network driver on this endpoint (as C(docker network connect --driver-opt)).
          Only the keys given are compared.
        type: dict
      gw_priority:
        description: Of the networks that can be the default gateway, the one of the highest priority is (as
          C(docker network connect --gw-priority)). API 1.48 (Docker Engine 28); refused on older engines.
        type: int
  networks_cli_compatible:
    description:
      - V(true) (default) behaves as C(docker run --network) does (the default network is not added when
        O(networks) is set). V(false) also connects the default network (C(bridge)), as community.docker does then.
    type: bool
    default: true
  network_mode:
    description: V(bridge), V(host), V(none), C(container:NAME), or a network name.
    type: str
  links:
    description: Links to containers on the default network, as C(NAME[:ALIAS]).
    type: list
    elements: str
  mac_address:
    description: The container's MAC address (deprecated by the engine since API 1.44; use O(networks[].mac_address)).
    type: str
  dns_servers:
    description: DNS servers of the container.
    type: list
    elements: str
  dns_opts:
    description: DNS resolver options, as V(ndots:2).
    type: list
    elements: str
  dns_search_domains:
    description: DNS search domains.
    type: list
    elements: str
  etc_hosts:
    description: Extra C(/etc/hosts) entries, as a dict of host name to address (or V(host-gateway)).
    type: dict
  hostname:
    description: The container's host name.
    type: str
  domainname:
    description: The container's domain name.
    type: str
  user:
    description: The user (and group) the command runs as, as V(nobody) or V(1000:1000).
    type: str
  groups:
    description: Additional groups the command runs with, by name or number.
    type: list
    elements: str
  working_dir:
    description: The working directory of the command.
    type: str
  tty:
    description: Give the container a terminal.
    type: bool
  interactive:
    description: Keep its standard input open.
    type: bool
  healthcheck:
    description:
      - The container's healthcheck; only the keys given are compared.
      - Without O(healthcheck.test) the healthcheck is off (as in community.docker), unless
        O(healthcheck.test_cli_compatible) is set.
    type: dict
    suboptions:
      test:
        description:
          - A string runs with the shell (C(CMD-SHELL)); a list runs as is (C(CMD) is added when missing);
            V([NONE]) turns off the image's healthcheck.
        type: raw
      test_cli_compatible:
        description: Without O(healthcheck.test), keep the image's test and change only the other keys, as the CLI does.
        type: bool
        default: false
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
      start_interval:
        description: Time between checks during the start period. Needs Docker Engine 25 (API 1.44); refused before.
        type: str
  read_only:
    description: Mount the root filesystem read-only.
    type: bool
  privileged:
    description: Give the container every privilege of the host.
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
  devices:
    description: Host devices, as C(HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]]) (permissions letters of C(rwm)).
    type: list
    elements: str
  device_cgroup_rules:
    description: Device cgroup rules, as V(c 1:3 mr).
    type: list
    elements: str
  device_requests:
    description: Devices to request from a driver, such as GPUs.
    type: list
    elements: dict
    suboptions:
      driver:
        description: The device driver, as V(nvidia).
        type: str
      count:
        description: How many devices; V(-1) for all.
        type: int
      device_ids:
        description: The devices, by Id.
        type: list
        elements: str
      capabilities:
        description: Lists of capabilities; one of the lists must be satisfied.
        type: list
        elements: list
      options:
        description: Driver options.
        type: dict
  device_read_bps:
    description: Read rate limits, in bytes per second, of devices.
    type: list
    elements: dict
    suboptions:
      path:
        description: The device path.
        type: str
        required: true
      rate:
        description: The rate, as V(10m).
        type: str
        required: true
  device_write_bps:
    description: Write rate limits, in bytes per second, of devices.
    type: list
    elements: dict
    suboptions:
      path:
        description: The device path.
        type: str
        required: true
      rate:
        description: The rate, as V(10m).
        type: str
        required: true
  device_read_iops:
    description: Read rate limits, in operations per second, of devices.
    type: list
    elements: dict
    suboptions:
      path:
        description: The device path.
        type: str
        required: true
      rate:
        description: The rate.
        type: int
        required: true
  device_write_iops:
    description: Write rate limits, in operations per second, of devices.
    type: list
    elements: dict
    suboptions:
      path:
        description: The device path.
        type: str
        required: true
      rate:
        description: The rate.
        type: int
        required: true
  memory_swappiness:
    description: How readily the kernel swaps the container's memory, 0 to 100.
    type: int
  kernel_memory:
    description: Kernel memory limit, as V(64m) (cgroup v1 only; deprecated by the engine).
    type: str
  shm_size:
    description: The size of C(/dev/shm), as V(128m); the engine's default is 64m.
    type: str
  oom_killer:
    description: V(true) turns the kernel's OOM killer off for the container (the engine's C(OomKillDisable)).
    type: bool
  oom_score_adj:
    description: The OOM score adjustment, -1000 to 1000.
    type: int
  storage_opts:
    description: Storage driver options, as C(size=10G).
    type: dict
  ulimits:
    description: Ulimits as C(NAME:SOFT[:HARD]), as V(nofile:1024:2048).
    type: list
    elements: str
  sysctls:
    description: Kernel parameters of the container's namespaces.
    type: dict
  cgroupns_mode:
    description: The cgroup namespace.
    type: str
    choices: [host, private]
  cgroup_parent:
    description: The parent cgroup of the container.
    type: str
  ipc_mode:
    description:
      - The IPC namespace, as V(private), V(shareable), V(host) or C(container:NAME). The engine keeps the other
        container's Id, and so does the comparison, so C(container:NAME) is unchanged on a rerun.
    type: str
  pid_mode:
    description: The PID namespace, as V(host) or C(container:NAME) (compared by the other container's Id).
    type: str
  userns_mode:
    description: The user namespace, V(host) or empty.
    type: str
  uts:
    description: The UTS namespace, as V(host).
    type: str
  runtime:
    description: The runtime, as V(runc).
    type: str
  platform:
    description: The platform, as V(linux/amd64); its operating system is compared with the container's.
    type: str
  init:
    description: Run an init process as PID 1 that reaps zombies and forwards signals.
    type: bool
  auto_remove:
    description: The engine removes the container when it exits.
    type: bool
  paused:
    description: Pause (V(true)) or unpause (V(false)) a running container; done in place.
    type: bool
  detach:
    description:
      - V(false) runs the container to completion and returns its exit status in RV(status) and its output in
        RV(output) (and in C(Output) of RV(container)); the task fails when the status is not 0.
      - With O(auto_remove) the engine removes the container and its logs as it exits, so the output is
        C(Cannot retrieve result as auto_remove is enabled), community.docker's words.
      - Unset, it means V(true).
    type: bool
  cleanup:
    description: With O(detach=false), remove the container once it has run.
    type: bool
    default: false
  output_logs:
    description:
      - Accepted for community.docker playbooks. The output of a container run with O(detach=false) is always
        returned in RV(output), whatever the logging driver, when the engine can read it back.
    type: bool
    default: false
  log_driver:
    description: The logging driver, as V(json-file), V(local) or V(journald).
    type: str
  log_options:
    description:
      - Options of the logging driver, as C(max-size). A value that is not a string is converted, with a warning.
    type: dict
    aliases: [log_opt]
  stop_signal:
    description: The signal that stops the container.
    type: str
  stop_timeout:
    description:
      - Seconds to wait after the stop signal before killing. When this module stops, restarts or removes the
        container, it waits this long, or the container's own stop timeout when the task does not set one.
      - Not compared by default (as in community.docker); C(stop_timeout=strict) in O(comparisons) recreates a
        container whose timeout differs.
    type: int
  kill_signal:
    description: The signal O(force_kill) sends (the engine's default is C(SIGKILL)).
    type: str
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
  removal_wait_timeout:
    description: Seconds to wait at most for the engine to finish removing a container; without it, as long as it takes.
    type: float
  container_default_behavior:
    description:
      - V(compatibility) gives O(auto_remove), O(detach), O(init), O(interactive), O(memory), O(paused),
        O(privileged), O(read_only) and O(tty) the defaults community.docker's module had before 2.0 (off, detached,
        no memory limit). V(no_defaults) leaves them unset.
    type: str
    choices: [compatibility, no_defaults]
    default: no_defaults
  comparisons:
    description:
      - How each option is compared with the container, by option name (or V(image)); C(*) sets all at once.
      - V(strict) the values must be equal; V(ignore) the option is not compared; V(allow_more_present) the container
        may have more (more labels, environment variables, networks, list items) than the task names.
      - Defaults are community.docker's. Options that are sets or mappings (O(env), O(labels), O(etc_hosts),
        O(exposed_ports), O(published_ports), O(volumes), O(mounts), O(networks), O(sysctls), O(tmpfs), O(ulimits),
        O(capabilities), O(cap_drop), O(security_opts), O(devices), O(groups), O(dns_opts), O(log_options), ...) are
        V(allow_more_present); lists and single values are V(strict); O(stop_timeout) is V(ignore).
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
  description:
    - The container's C(docker inspect) data after the task; empty when it is absent.
    - With O(detach=false), C(Output) holds what the container wrote (as community.docker returns it).
  returned: success
  type: dict
  sample:
    Id: 8e47bf643eb9...
    Name: /web
    State: {Status: running, Running: true}
    HostConfig: {Memory: 536870912, NanoCpus: 500000000, PidsLimit: 200}
actions:
  description:
    - What the task did (or, in check mode, would do), in order. Each has C(action) (V(remove_leftovers), V(pull),
      V(create), V(recreate), V(update), V(connect), V(disconnect), V(start), V(stop), V(pause), V(unpause), V(restart), V(remove)), C(target), and for some a
      C(reason) that names what made the action necessary.
    - A V(pull) also has C(pulled_image), the image's name, as community.docker's actions do.
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
from ansible_collections.noar.docker.plugins.module_utils.container import ContainerManager
from ansible_collections.noar.docker.plugins.module_utils.container_options import argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge, module_errors

PULL_CHOICES = {"missing": "missing", "always": "always", "never": "never", True: "always", False: "missing"}


def main():
    module = AnsibleModule(argument_spec=docker_argument_spec(**argument_spec()), supports_check_mode=True)
    pull = module.params["pull"]
    pull = module.boolean(pull) if str(pull).lower() in ("yes", "no", "true", "false") else pull
    if pull not in PULL_CHOICES:
        module.fail_json(msg=f"pull: {pull!r} is not one of missing, always, never", option="pull")
    module.params["pull"] = PULL_CHOICES[pull]
    client = connect(module)
    manager = ContainerManager(client, module.params, module.check_mode)
    result = converge(module, manager)
    with module_errors(module):
        if module.params["state"] == "healthy" and not module.check_mode:
            emitted = len(manager.warnings)  # converge passed these on already
            try:
                manager.wait_healthy(module.params["healthy_wait_timeout"], through_unhealthy=True)
            finally:
                for warning in manager.warnings[emitted:]:
                    module.warn(warning)
            result["container"] = manager.container
    if result.get("status"):
        module.fail_json(msg=f"container {module.params['name']} exited with status {result['status']}", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
