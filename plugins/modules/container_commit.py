#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_commit
short_description: Make an image from a container's changes (docker commit)
version_added: 0.1.0
description:
  - Creates a new image from a container's filesystem and configuration, as C(docker commit) does.
  - "Not idempotent by nature: every run makes a new image (with a new creation time, hence a new Id) and
    reports C(changed). Guard it with C(when) if it should run once. Prefer a Dockerfile and
    M(noar.docker.image) for images that must be rebuilt the same way."
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Checks that the container exists and reports the commit it would make, without making it.
  diff_mode:
    support: full
    description: The Id the name had before; the new Id is only known after the commit.
options:
  container:
    description: The container's name or Id.
    type: str
    required: true
  repository:
    description: The new image's name, as V(app) or V(app:debug) (a tag written here wins over O(tag)).
    type: str
    required: true
  tag:
    description: The new image's tag.
    type: str
    default: latest
  commit_message:
    description:
      - The commit message (C(docker commit -m)). Not called C(message), a name Ansible keeps for itself.
    type: str
  author:
    description: The author, as V(Name <mail@example.com>).
    type: str
  changes:
    description: Dockerfile instructions to apply, as V(CMD ["sh"]) or V(ENV MODE=debug).
    type: list
    elements: str
  pause:
    description: Pause the container while committing, so its filesystem does not change meanwhile.
    type: bool
    default: true
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.image
  - module: noar.docker.container_export
"""

EXAMPLES = r"""
- name: Keep a debugging snapshot of a container
  noar.docker.container_commit:
    container: web-1
    repository: noar/web-debug
    tag: "{{ ansible_date_time.epoch }}"
    commit_message: state after the incident
    changes:
      - ENV MODE=debug
"""

RETURN = r"""
image:
  description: The new image's C(docker inspect) data; empty in check mode.
  returned: always
  type: dict
actions:
  description: The C(commit) made (or, in check mode, that would be).
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.image import CommitManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            container=dict(type="str", required=True),
            repository=dict(type="str", required=True),
            tag=dict(type="str", default="latest"),
            commit_message=dict(type="str"),
            author=dict(type="str"),
            changes=dict(type="list", elements="str"),
            pause=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, CommitManager(client, module.params)))


if __name__ == "__main__":
    main()
