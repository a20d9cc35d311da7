#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image_load
short_description: Load the images of a docker save tarball
version_added: 0.2.0
description:
  - Loads every image of a C(docker save) tarball (plain or compressed) on the managed host, with
    community.docker's C(docker_image_load) options and return values.
  - The archive's C(manifest.json) says which image Ids and names it holds; when the engine already has each
    of them under each of its names, nothing is loaded and the task is unchanged.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Compares the archive's manifest with the engine; loads nothing.
  diff_mode:
    support: full
    description: Each name of the archive with the image Id it has on the engine before (or V(absent)) and after.
options:
  path:
    description: The C(docker save) tarball.
    type: path
    required: true
requirements:
  - docker (Docker SDK for Python) >= 7.0
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.image_export
"""

EXAMPLES = r"""
- name: Load the release's images on an air-gapped host
  noar.docker.image_load:
    path: /var/cache/noar/images-1.4.0.tar
  register: loaded

- name: Say what it holds
  ansible.builtin.debug:
    msg: "{{ loaded.image_names | join(', ') }}"
"""

RETURN = r"""
image_names:
  description: The names of the archive's images, and the Id of each image it holds without a name.
  returned: success
  type: list
  elements: str
  sample: ["noar/web:1.4.0", "sha256:3f1c..."]
images:
  description: The C(docker inspect) data of each of the archive's images that is on the engine.
  returned: success
  type: list
  elements: dict
  sample: [{Id: "sha256:3f1c...", RepoTags: ["noar/web:1.4.0"]}]
actions:
  description: C(load) when the archive was (or would be) loaded, with the names the engine lacked.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.image import LoadManager


def main():
    module = AnsibleModule(argument_spec=docker_argument_spec(path=dict(type="path", required=True)), supports_check_mode=True)
    module.exit_json(**converge(module, LoadManager(connect(module), module.params)))


if __name__ == "__main__":
    main()
