#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: plugin
short_description: Install, configure, enable, disable and remove Docker Engine plugins
version_added: 0.2.0
description:
  - Manages a managed (v2) engine plugin, such as a volume or network driver, as C(docker plugin install), C(set),
    C(enable), C(disable) and C(rm) do, with the options, defaults and return values of community.docker's
    C(docker_plugin).
  - A plugin is installed from its registry with every privilege it asks for (the CLI's
    C(--grant-all-permissions)), with the credentials that M(noar.docker.login) stored for that registry.
  - The engine does not change the settings of an enabled plugin, so a change of O(plugin_options) on one is
    done as disable, configure, enable (each listed in RV(actions)). A setting the plugin does not declare
    settable is refused before anything changes; for a plugin not installed yet that is known only once it is
    installed, and it is removed again then.
  - In diffs, values of settings whose names look secret (C(*PASSWORD*), C(*TOKEN*), C(*KEY*), ...) are masked.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Plans the same actions as a run; a plugin not installed yet cannot be read, so its settings are
      checked only when it is installed.
  diff_mode:
    support: full
    description: Whether it is installed and enabled, and the settings that change.
options:
  plugin_name:
    description: The plugin's reference in its registry (V(vieux/sshfs:latest)), and its local name unless O(alias)
      is given.
    type: str
    required: true
  alias:
    description: The plugin's local name, when it is not O(plugin_name).
    type: str
  state:
    description:
      - V(present) installs the plugin (disabled, as the Engine API installs it) and sets O(plugin_options);
        an installed plugin stays enabled or disabled as it is.
      - V(enable) also enables it, V(disable) disables an installed plugin, V(absent) removes it.
    type: str
    choices: [absent, present, enable, disable]
    default: present
  plugin_options:
    description: The plugin's settings (its environment), as C(docker plugin set NAME=VALUE). Only the names given
      are compared.
    type: dict
    default: {}
  force_remove:
    description: Remove the plugin even when it is enabled (with V(false), removing an enabled one is refused).
    type: bool
    default: false
  enable_timeout:
    description: Seconds the engine waits for the plugin to answer when it is enabled (V(0) is the engine's default).
    type: int
    default: 0
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.volume
  - module: noar.docker.login
"""

EXAMPLES = r"""
- name: Install and enable a volume driver
  noar.docker.plugin:
    plugin_name: vieux/sshfs:latest
    alias: sshfs
    state: enable

- name: A plugin with settings
  noar.docker.plugin:
    plugin_name: registry.example.com/plugins/netdriver:2
    plugin_options:
      IPALLOC_RANGE: 10.32.0.0/12
    state: enable

- name: Remove it, even when enabled
  noar.docker.plugin:
    plugin_name: sshfs
    state: absent
    force_remove: true
"""

RETURN = r"""
plugin:
  description: The plugin's inspect data (C(docker plugin inspect)); empty after removal, or in check mode before
    it is installed.
  returned: success
  type: dict
  sample: {Name: "sshfs:latest", Enabled: true, Settings: {Env: ["DEBUG=0"]}}
actions:
  description: What was done (or would be), in order. C(install), C(disable), C(configure), C(enable), C(remove),
    each with C(target) and C(reason).
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.plugin import STATES, PluginManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            plugin_name=dict(type="str", required=True),
            alias=dict(type="str"),
            state=dict(type="str", choices=list(STATES), default="present"),
            plugin_options=dict(type="dict", default={}),
            force_remove=dict(type="bool", default=False),
            enable_timeout=dict(type="int", default=0),
        ),
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, PluginManager(client, module.params)))


if __name__ == "__main__":
    main()
