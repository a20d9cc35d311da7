#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_copy_into
short_description: Copy a file into a container, as docker cp does, idempotently
version_added: 0.2.0
description:
  - Writes one file (or symbolic link) into a container with its content, mode and owner, through the Engine
    API's archive endpoints. The container needs no Python and no shell when O(owner_id) and O(group_id) are
    given; it may be stopped then too.
  - What the container holds at O(container_path) is read back and compared byte for byte, with its mode and owner,
    so a rerun is unchanged and check mode predicts exactly.
  - The options, their defaults and the return value are community.docker's C(docker_container_copy_into).
  - The parent folder must exist in the container; a folder or a device at O(container_path) is refused.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: The file in the container is read and compared; nothing is written.
  diff_mode:
    support: full
    description:
      - The path, mode, owner and group before and after, with the text of a file copied from O(path) when it is
        UTF-8 and at most 104448 bytes (ansible-core's default C(MAX_FILE_SIZE_FOR_DIFF)).
      - Otherwise, and always for O(content) (treated as a secret, as C(ansible.builtin.copy) treats it), its size and
        SHA-256 digest.
options:
  container:
    description: The container's name or Id.
    type: str
    required: true
  container_path:
    description: The absolute path of the file in the container.
    type: str
    required: true
  path:
    description:
      - A file on the managed node to copy. Mutually exclusive with O(content); one of them is required.
    type: path
  content:
    description:
      - The file's content. For binary data give it in Base64 and set O(content_is_b64).
      - Mutually exclusive with O(path); one of them is required.
    type: str
  content_is_b64:
    description: O(content) is Base64 and is decoded before it is written.
    type: bool
    default: false
  mode:
    description:
      - The file's mode, read as O(mode_parse) says. Without it, the mode of O(path), or C(0644) for O(content).
    type: raw
  mode_parse:
    description:
      - How O(mode) is read. V(legacy) (community.docker's default) reads a string as a decimal number, so
        V("0755") is 755 decimal; an unquoted YAML V(0755) is already octal. V(modern) reads a string as octal, as
        C(ansible.builtin.copy) does. V(octal_string_only) accepts octal strings only.
    type: str
    choices: [legacy, modern, octal_string_only]
    default: legacy
  owner_id:
    description:
      - The file's owner. Without it, the ids of the container's user, read by running C(id -u) and C(id -g) with
        C(/bin/sh) in the container, which must be running then.
      - Requires O(group_id).
    type: int
  group_id:
    description: The file's group. Requires O(owner_id).
    type: int
  follow:
    description: When O(container_path) is a symbolic link in the container, write the file it points to.
    type: bool
    default: false
  local_follow:
    description: When O(path) is a symbolic link, copy the file it points to; V(false) copies the link itself.
    type: bool
    default: true
  force:
    description:
      - Unset, the file is written when its content, mode or owner differ.
      - V(true) writes it every time (the task is then always changed); V(false) writes it only when nothing
        exists at O(container_path).
    type: bool
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.container_exec
  - module: noar.docker.container_export
"""

EXAMPLES = r"""
- name: Copy a file into the container
  noar.docker.container_copy_into:
    container: mydata
    path: /home/user/data.txt
    container_path: /data/input.txt

- name: Write a configuration file owned by root, read-only for others
  noar.docker.container_copy_into:
    container: proxy
    content: "{{ lookup('ansible.builtin.template', 'proxy.conf.j2') }}"
    container_path: /etc/proxy/proxy.conf
    owner_id: 0
    group_id: 0
    mode: "0644"
    mode_parse: modern
"""

RETURN = r"""
container_path:
  description: The path written (or that would be); with O(follow), the target of the link.
  returned: success
  type: str
  sample: /data/input.txt
actions:
  description: A C(copy) entry (with C(reason) V(missing), V(differs) or V(forced)) when the file was or would be
    written.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.container_copy import MODE_PARSERS, CopyIntoManager
from ansible_collections.noar.docker.plugins.module_utils.converge import converge


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            container=dict(type="str", required=True),
            container_path=dict(type="str", required=True),
            path=dict(type="path"),
            content=dict(type="str", no_log=True),
            content_is_b64=dict(type="bool", default=False),
            mode=dict(type="raw"),
            mode_parse=dict(type="str", choices=list(MODE_PARSERS), default="legacy"),
            owner_id=dict(type="int"),
            group_id=dict(type="int"),
            follow=dict(type="bool", default=False),
            local_follow=dict(type="bool", default=True),
            force=dict(type="bool"),
        ),
        mutually_exclusive=[("path", "content")],
        required_one_of=[("path", "content")],
        required_together=[("owner_id", "group_id")],
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, CopyIntoManager(client, module.params)))


if __name__ == "__main__":
    main()
