#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: compose_exec
short_description: Run a command in a Compose service's container, as docker compose exec does
version_added: 0.2.0
description:
  - Runs a command in a running container of a Compose project's service through the Engine API, with the options,
    defaults and return values of community.docker's C(docker_compose_v2_exec), and no Compose CLI.
  - The project is read by the same loader as M(noar.docker.compose) (for its name and services); the container is
    found by the project and service labels that M(noar.docker.compose) and C(docker compose up) both set.
  - A non-zero exit status fails the task; use C(failed_when) to take it as data.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.compose_project
attributes:
  check_mode:
    support: partial
    details: The command is not run in check mode; the result has C(skipped) and a C(msg) saying so.
    description: Can run in check mode, without running the command.
  diff_mode:
    support: none
    description: A command's effect is not known.
options:
  service:
    description: The service whose container runs the command.
    type: str
    required: true
  index:
    description: Which of the service's containers (its number), when it has several; default the first.
    type: int
  command:
    description: The command, split as a shell splits words (without running a shell). Mutually exclusive with O(argv).
    type: str
  argv:
    description: The command as a list of arguments. Mutually exclusive with O(command).
    type: list
    elements: str
  chdir:
    description: The working directory of the command, an absolute path in the container.
    type: str
  user:
    description: The user to run the command as (name or uid, with an optional group).
    type: str
  env:
    description: Environment variables for the command.
    type: dict
  privileged:
    description: Run the command with extended privileges.
    type: bool
    default: false
  tty:
    description: Allocate a TTY (community.docker's default). Its output then comes as one stream, in RV(stdout).
    type: bool
    default: true
  stdin:
    description: Text sent to the command's standard input.
    type: str
  stdin_add_newline:
    description: End O(stdin) with a newline when it has none.
    type: bool
    default: true
  strip_empty_ends:
    description: Remove the line breaks at the end of RV(stdout) and RV(stderr).
    type: bool
    default: true
  detach:
    description: Start the command and return at once (no output, no exit status).
    type: bool
    default: false
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.compose
  - module: noar.docker.container_exec
"""

EXAMPLES = r"""
- name: Run the database migrations in the web service
  noar.docker.compose_exec:
    project_src: /srv/projeto-no-ar
    service: web
    argv: [python3, manage.py, migrate]

- name: Ask the database whether it answers, as data
  noar.docker.compose_exec:
    project_src: /srv/projeto-no-ar
    service: db
    command: pg_isready
    tty: false
  register: ready
  failed_when: false
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
exec_id:
  description: The engine's Id of the exec.
  returned: success
  type: str
container:
  description: The container the command ran in.
  returned: success
  type: str
  sample: projeto-no-ar-web-1
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.compose import PROJECT_ARGS
from ansible_collections.noar.docker.plugins.module_utils.compose_jobs import compose_exec
from ansible_collections.noar.docker.plugins.module_utils.container_io import exec_argument_spec, run_command_module


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            **PROJECT_ARGS,
            service=dict(type="str", required=True),
            index=dict(type="int"),
            privileged=dict(type="bool", default=False),
            **exec_argument_spec(tty=True),
        ),
        required_one_of=[("command", "argv")],
        mutually_exclusive=[("command", "argv")],
        supports_check_mode=True,
    )
    run_command_module(module, lambda client: compose_exec(client, module.params, dict(os.environ)))


if __name__ == "__main__":
    main()
