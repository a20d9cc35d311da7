#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_exec
short_description: Run a command in a running container, as docker exec does
version_added: 0.1.0
description:
  - Runs a command in a running container and returns its exit status and its output, stdout and stderr apart.
  - A non-zero exit status fails the task, as it does with community.docker's C(docker_container_exec) and
    M(ansible.builtin.command); the result still holds RV(rc), RV(stdout) and RV(stderr). Add C(failed_when) to
    take the status as data. The task reports C(changed) unless C(changed_when) says otherwise.
  - In check mode the command is not run, and the result says so.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: partial
    details: The command is not run in check mode; the result has C(skipped) and a C(msg) saying so.
    description: Can run in check mode, without running the command.
  diff_mode:
    support: none
    description: A command's effects are not known in advance.
options:
  container:
    description: The container's name or Id.
    type: str
    required: true
  command:
    description: The command, as one string split like a shell does. One of O(command) and O(argv) is needed.
    type: str
  argv:
    description: The command as a list of arguments, not split further.
    type: list
    elements: str
  env:
    description: Environment variables for the command.
    type: dict
  user:
    description: The user the command runs as, as V(nobody) or V(1000:1000).
    type: str
  chdir:
    description: The directory the command runs in.
    type: str
  stdin:
    description: Text to send to the command's standard input.
    type: str
  stdin_add_newline:
    description: End O(stdin) with a newline when it has none.
    type: bool
    default: true
  strip_empty_ends:
    description: Remove trailing newlines from RV(stdout) and RV(stderr).
    type: bool
    default: true
  tty:
    description: Give the command a terminal; its stderr then arrives in RV(stdout).
    type: bool
    default: false
  detach:
    description: Start the command and return at once, with RV(exec_id) and without its output.
    type: bool
    default: false
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.container
"""

EXAMPLES = r"""
- name: Ask the database whether it is ready
  noar.docker.container_exec:
    container: db
    argv: [pg_isready, -U, postgres]
  register: ready
  changed_when: false

- name: Feed a script to a shell in the container
  noar.docker.container_exec:
    container: web-1
    command: sh
    stdin: |
      cd /srv && ls -l
"""

RETURN = r"""
rc:
  description: The command's exit status.
  returned: when the command ran and O(detach=false)
  type: int
  sample: 0
stdout:
  description: What the command wrote to stdout.
  returned: when the command ran and O(detach=false)
  type: str
stderr:
  description: What the command wrote to stderr.
  returned: when the command ran and O(detach=false)
  type: str
stdout_lines:
  description: RV(stdout) split into lines.
  returned: when the command ran and O(detach=false)
  type: list
  elements: str
stderr_lines:
  description: RV(stderr) split into lines.
  returned: when the command ran and O(detach=false)
  type: list
  elements: str
exec_id:
  description: The engine's Id of the exec instance.
  returned: when the command ran
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.container_io import (
    exec_argument_spec,
    run_command_module,
    run_exec,
)


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            container=dict(type="str", required=True),
            **exec_argument_spec(tty=False),
        ),
        required_one_of=[("command", "argv")],
        mutually_exclusive=[("command", "argv")],
        supports_check_mode=True,
    )
    run_command_module(module, lambda client: run_exec(client, module.params))


if __name__ == "__main__":
    main()
