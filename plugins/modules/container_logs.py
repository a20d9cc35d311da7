#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_logs
short_description: Read a container's logs, as docker logs does
version_added: 0.1.0
description:
  - Returns a container's log lines, all of them and split into stdout and stderr.
  - Works with the logging drivers the engine can read back (C(json-file), C(local), C(journald)); for another driver
    the task fails and says which driver the container uses.
  - Never changes anything. community.docker has no module for this.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.attributes.info_module
options:
  name:
    description: The container's name or Id.
    type: str
    required: true
  tail:
    description: How many lines from the end, or V(all).
    type: str
    default: all
  since:
    description:
      - Only lines from this time on, as a timestamp (V(2024-05-01T10:00:00Z), Unix seconds) or a duration back
        from now (V(10m), V(1h30m)).
    type: str
  until:
    description: Only lines before this time, in the same forms as O(since).
    type: str
  timestamps:
    description: Start each line with its timestamp.
    type: bool
    default: false
  stdout:
    description: Include what the container wrote to stdout.
    type: bool
    default: true
  stderr:
    description: Include what the container wrote to stderr.
    type: bool
    default: true
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.container
"""

EXAMPLES = r"""
- name: The last 50 lines of the proxy's logs
  noar.docker.container_logs:
    name: proxy
    tail: 50
  register: proxy_logs

- name: Errors of the last ten minutes, with timestamps
  noar.docker.container_logs:
    name: web-1
    since: 10m
    stdout: false
    timestamps: true
"""

RETURN = r"""
logs:
  description: The selected lines of both streams, in the order the engine keeps them.
  returned: success
  type: list
  elements: str
  sample: ["starting", "listening on :8000"]
stdout_lines:
  description: The lines written to stdout.
  returned: success
  type: list
  elements: str
stderr_lines:
  description: The lines written to stderr.
  returned: success
  type: list
  elements: str
log_driver:
  description: The container's logging driver.
  returned: success
  type: str
  sample: json-file
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.container_io import read_logs
from ansible_collections.noar.docker.plugins.module_utils.converge import module_errors


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            name=dict(type="str", required=True),
            tail=dict(type="str", default="all"),
            since=dict(type="str"),
            until=dict(type="str"),
            timestamps=dict(type="bool", default=False),
            stdout=dict(type="bool", default=True),
            stderr=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    client = connect(module)
    with module_errors(module):
        module.exit_json(changed=False, **read_logs(client, module.params))


if __name__ == "__main__":
    main()
