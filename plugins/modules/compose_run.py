#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: compose_run
short_description: Run a one-off command in a new container of a Compose service, as docker compose run does
version_added: 0.2.0
description:
  - Starts the service's dependencies (as M(noar.docker.compose) would, unless O(no_deps)), pulls or builds its image
    as its policies say, and runs the command in a new container of the service, through the Engine API and with
    the options, defaults and return values of community.docker's C(docker_compose_v2_run); no Compose CLI.
  - The container has the service's settings, with the task's overrides. As with C(docker compose run) it has no
    restart policy, publishes the service's ports only with O(service_ports), and has the service's network
    aliases only with O(use_aliases). It is labelled C(com.docker.compose.oneoff=True), so M(noar.docker.compose)
    does not take it for one of the service's containers, nor for an orphan.
  - Without O(detach) the task waits for the command to end and returns its exit status and output; a non-zero exit
    status fails the task (use C(failed_when) to take it as data). O(cleanup) removes the container afterwards.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.compose_project
attributes:
  check_mode:
    support: partial
    details: The command is not run in check mode; the result has C(skipped) and a C(msg) saying so.
    description: Can run in check mode, without running anything.
  diff_mode:
    support: none
    description: A command's effect is not known.
options:
  service:
    description: The service whose settings the container takes.
    type: str
    required: true
  command:
    description: The command, split as a shell splits words, in place of the service's. Mutually exclusive with
      O(argv).
    type: str
  argv:
    description: The command as a list of arguments. Mutually exclusive with O(command).
    type: list
    elements: str
  entrypoint:
    description: An entrypoint in place of the image's and the service's, split as a shell splits words.
    type: str
  env:
    description: Environment variables added to the service's.
    type: dict
  user:
    description: The user to run as.
    type: str
  chdir:
    description: The working directory, in place of the service's.
    type: str
  labels:
    description: Labels added to the container, as C(KEY=VALUE).
    type: list
    elements: str
  name:
    description: The container's name; default C(<project>-<service>-run-<random>).
    type: str
  cap_add:
    description: Capabilities added to the service's.
    type: list
    elements: str
  cap_drop:
    description: Capabilities dropped besides the service's.
    type: list
    elements: str
  publish:
    description: Ports to publish, as C(docker run -p) takes them.
    type: list
    elements: str
  service_ports:
    description: Publish the service's ports too.
    type: bool
    default: false
  use_aliases:
    description: Give the container the service's name as an alias on its networks.
    type: bool
    default: false
  volumes:
    description: Bind mounts or volumes added, as C(docker run -v) takes them.
    type: list
    elements: str
  tty:
    description: Allocate a TTY (community.docker's default). The output then comes as one stream, in RV(stdout).
    type: bool
    default: true
  interactive:
    description: Keep the container's standard input open.
    type: bool
    default: true
  detach:
    description: Start the container and return its Id at once.
    type: bool
    default: false
  cleanup:
    description: Remove the container (and its anonymous volumes) once the command ended (C(--rm)).
    type: bool
    default: false
  no_deps:
    description: Do not start the services the service depends on.
    type: bool
    default: false
  build:
    description: Build the service's image first, when its build context changed (the image's source hash).
    type: bool
    default: false
  quiet_pull:
    description: Accepted for community.docker's playbooks; pulls print no progress here anyway.
    type: bool
    default: false
  remove_orphans:
    description: Not supported (refused when V(true)); M(noar.docker.compose) with O(noar.docker.compose#module:remove_orphans) does it.
    type: bool
    default: false
  stdin:
    description: Not supported (refused when given); M(noar.docker.compose_exec) takes standard input.
    type: str
  stdin_add_newline:
    description: Accepted for community.docker's playbooks, with O(stdin).
    type: bool
    default: true
  strip_empty_ends:
    description: Remove the line breaks at the end of RV(stdout) and RV(stderr).
    type: bool
    default: true
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.compose
  - module: noar.docker.compose_exec
"""

EXAMPLES = r"""
- name: Run the database migrations in a container of their own, removed afterwards
  noar.docker.compose_run:
    project_src: /srv/projeto-no-ar
    service: web
    argv: [python3, manage.py, migrate]
    tty: false
    cleanup: true
"""

RETURN = r"""
rc:
  description: The command's exit status.
  returned: success and not detached
  type: int
  sample: 0
stdout:
  description: What the command wrote to its standard output (and to its standard error with O(tty)).
  returned: success and not detached
  type: str
stderr:
  description: What the command wrote to its standard error (empty with O(tty)).
  returned: success and not detached
  type: str
stdout_lines:
  description: RV(stdout) as lines.
  returned: success and not detached
  type: list
  elements: str
stderr_lines:
  description: RV(stderr) as lines.
  returned: success and not detached
  type: list
  elements: str
container_id:
  description: The container's Id.
  returned: success
  type: str
container:
  description: The container's name.
  returned: success
  type: str
  sample: projeto-no-ar-web-run-4f2a9c1e07d3
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.compose import PROJECT_ARGS
from ansible_collections.noar.docker.plugins.module_utils.compose_jobs import compose_run
from ansible_collections.noar.docker.plugins.module_utils.container_io import exec_argument_spec, run_command_module


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            **PROJECT_ARGS,
            service=dict(type="str", required=True),
            **exec_argument_spec(tty=True),
            entrypoint=dict(type="str"),
            labels=dict(type="list", elements="str"),
            name=dict(type="str"),
            cap_add=dict(type="list", elements="str"),
            cap_drop=dict(type="list", elements="str"),
            publish=dict(type="list", elements="str"),
            service_ports=dict(type="bool", default=False),
            use_aliases=dict(type="bool", default=False),
            volumes=dict(type="list", elements="str"),
            interactive=dict(type="bool", default=True),
            cleanup=dict(type="bool", default=False),
            no_deps=dict(type="bool", default=False),
            build=dict(type="bool", default=False),
            quiet_pull=dict(type="bool", default=False),
            remove_orphans=dict(type="bool", default=False),
        ),
        mutually_exclusive=[("command", "argv")],
        supports_check_mode=True,
    )
    run_command_module(module, lambda client: compose_run(client, module.params, dict(os.environ)))


if __name__ == "__main__":
    main()
