#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image_export
short_description: Save images to a tarball (docker save)
version_added: 0.2.0
description:
  - Writes one or more images to a C(docker save) tarball on the managed host, to carry them to hosts that
    cannot reach a registry; M(noar.docker.image_load) loads it there. Options and return values are
    community.docker's C(docker_image_export) ones; the name V(noar.docker.image_archive) leads here too.
  - Unchanged when the file already holds the same image Ids under the same names (read from its
    C(manifest.json)), so nothing is written again.
  - The file is written beside its final path and renamed into place, so a failed save leaves the old file.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Reads the existing file's manifest to predict; writes nothing.
  diff_mode:
    support: full
    description: The images the archive held before and holds after.
options:
  names:
    description: The images to save, as V(app:1.0) (O(tag) when no tag is written) or as Ids (V(sha256:...)).
    type: list
    elements: str
    required: true
    aliases: [name]
  tag:
    description: The tag of each of O(names) that has none.
    type: str
    default: latest
  path:
    description: The tar file to write.
    type: path
    required: true
  force:
    description: Write the file even when it already holds these images.
    type: bool
    default: false
  platform:
    description:
      - Save only this platform of a multi-platform image, as V(linux/arm64) (C(docker save --platform)). API 1.48
        (Docker Engine 28); refused on older engines, which save what they hold.
    type: str
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.image_load
"""

EXAMPLES = r"""
- name: Save the application's images for an air-gapped host
  noar.docker.image_export:
    names:
      - noar/web:1.4.0
      - noar/proxy:1.4.0
    path: /var/cache/noar/images-1.4.0.tar
"""

RETURN = r"""
archive:
  description: The file, and each image in it with its C(name) and C(id).
  returned: always
  type: dict
  sample: {path: /var/cache/noar/images-1.4.0.tar, images: [{name: "noar/web:1.4.0", id: "sha256:3f1c..."}]}
images:
  description: The C(docker inspect) data of each image saved (or held already).
  returned: success
  type: list
  elements: dict
  sample: [{Id: "sha256:3f1c...", RepoTags: ["noar/web:1.4.0"]}]
actions:
  description: C(save) when the file was (or would be) written.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.image import ArchiveManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            names=dict(type="list", elements="str", required=True, aliases=["name"]),
            tag=dict(type="str", default="latest"),
            path=dict(type="path", required=True),
            force=dict(type="bool", default=False),
            platform=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, ArchiveManager(client, module.params)))


if __name__ == "__main__":
    main()
