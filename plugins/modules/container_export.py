#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_export
short_description: Export a container's filesystem to a tarball (docker export)
version_added: 0.1.0
description:
  - Writes a container's filesystem, as C(docker export) does, to a tar file on the managed host.
    M(noar.docker.image) with O(noar.docker.image#module:source=import) turns it back into an image.
  - An existing file is kept (C(changed=false)) unless O(force) is set; with O(force) the export is compared
    with the file and written only when it differs.
  - The file is written beside its final path and renamed into place.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: With O(force), the container is exported and compared with the file, but nothing is written.
  diff_mode:
    support: full
    description: Whether the file existed before, and the container it holds after.
options:
  container:
    description: The container's name or Id.
    type: str
    required: true
  path:
    description: The tar file to write.
    type: path
    required: true
  force:
    description: Export again even when the file exists (unchanged when the bytes are the same).
    type: bool
    default: false
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.image
  - module: noar.docker.container_commit
"""

EXAMPLES = r"""
- name: Export a container's filesystem
  noar.docker.container_export:
    container: builder
    path: /var/cache/noar/rootfs.tar

- name: Import it as an image with a command
  noar.docker.image:
    name: noar/rootfs:1
    source: import
    import_path: /var/cache/noar/rootfs.tar
    changes:
      - CMD ["/bin/sh"]
"""

RETURN = r"""
path:
  description: The tar file.
  returned: always
  type: str
container_id:
  description: The exported container's Id.
  returned: always
  type: str
actions:
  description: C(export) when the file was (or would be) written.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.image import ExportManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            container=dict(type="str", required=True),
            path=dict(type="path", required=True),
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, ExportManager(client, module.params)))


if __name__ == "__main__":
    main()
