#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: login
short_description: Log in to, or out of, a Docker registry
version_added: 0.1.0
description:
  - Stores a registry's credentials where the docker CLI, the Docker SDK and M(noar.docker.image) find them
    (C(docker login)), or removes them (C(docker logout)). When the Docker client configuration file names a
    credential helper for the registry (C(credHelpers)) or for all (C(credsStore)), they go to that program,
    C(docker-credential-<name>), through its store/get/erase protocol; otherwise into the file.
  - The engine checks the credentials first; a refusal fails the task and leaves the file as it was.
  - The file is written atomically with mode 0600. Credentials already stored (in the file or the helper) are
    not sent again unless O(reauthorize) is set, so a re-run is unchanged.
  - The password is never returned, logged or shown in a diff.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: The engine still checks the credentials (that changes nothing); nothing is stored.
  diff_mode:
    support: full
    description: Shows the registry and user name before and after, never the password.
options:
  registry_url:
    description: The registry, as V(registry.example.com), V(127.0.0.1:5000) or an URL. Docker Hub by default.
    type: str
    default: https://index.docker.io/v1/
    aliases: [registry, url]
  username:
    description: The user name. Needed with O(state=present).
    type: str
  password:
    description: The password or access token. Needed with O(state=present).
    type: str
  reauthorize:
    description: Check and write the credentials even when the same ones are already stored.
    type: bool
    default: false
    aliases: [reauth]
  config_path:
    description:
      - The Docker client configuration file. By default C($DOCKER_CONFIG/config.json), else
        C(~/.docker/config.json).
      - Its C(credHelpers) and C(credsStore) say which credential helper keeps the credentials, if any.
    type: path
    aliases: [dockercfg_path]
  state:
    description: V(present) logs in; V(absent) logs out (removes the stored credentials).
    type: str
    choices: [present, absent]
    default: present
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.image
"""

EXAMPLES = r"""
- name: Log in to the private registry
  noar.docker.login:
    registry_url: registry.example.com
    username: deploy
    password: "{{ registry_password }}"

- name: Log out again
  noar.docker.login:
    registry_url: registry.example.com
    state: absent
"""

RETURN = r"""
login_result:
  description:
    - The registry as O(registry_url) names it (C(serveraddress), as community.docker returns it) and as it is filed
      in the configuration (C(registry)), the user name and the configuration file.
  returned: always
  type: dict
  sample: {serveraddress: registry.example.com, registry: registry.example.com, username: deploy, config_path: /root/.docker/config.json}
actions:
  description: What was done (C(login), C(logout), or C(protect) to make the file private again).
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.registry import INDEX_URL, LoginManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            registry_url=dict(type="str", default=INDEX_URL, aliases=["registry", "url"]),
            username=dict(type="str"),
            password=dict(type="str", no_log=True),
            reauthorize=dict(type="bool", default=False, aliases=["reauth"]),
            config_path=dict(type="path", aliases=["dockercfg_path"]),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        required_if=[("state", "present", ["username", "password"])],
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, LoginManager(client, module.params)))


if __name__ == "__main__":
    main()
