#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: stack
short_description: Deploy a Compose application to a swarm, natively (docker stack deploy)
version_added: 0.2.0
description:
  - From a swarm manager, deploys a Compose application as a stack through the Engine API, with no docker CLI
    (C(docker stack deploy)), or removes it (C(docker stack rm)).
  - The Compose file is read as noar.docker.compose reads it (several files merged, inline definitions, C(.env) and
    interpolation, profiles); a swarm's own keys (C(deploy.mode), C(replicas), C(resources), C(placement),
    C(update_config), C(rollback_config), C(restart_policy), C(endpoint_mode), C(labels)) go to the services.
  - One plan for the whole stack before anything changes. Networks are overlay networks C(<stack>_<key>); services are
    C(<stack>_<service>), each converged as noar.docker.swarm_service converges one (only what the file sets is
    compared); every object carries C(com.docker.stack.namespace), so C(docker stack ls/ps/rm) see the stack.
  - Named volumes are made by each node when a task first mounts them, as C(<stack>_<key>) (or their C(name)) with
    the file's C(driver), C(driver_opts) and C(labels) and the stack's label; external volumes must exist on the nodes.
    Removing the stack leaves volumes and their data, as C(docker stack rm) does.
  - Secrets and configs are versioned (C(<stack>_<key>_v<N>)). A new content makes the next version, the services
    move to it in the same run, and the version before the previous one is removed. (docker stack deploy refuses to
    change them.)
  - Keys a swarm service cannot have (C(privileged), C(devices), C(network_mode), host addresses in C(ports), ...)
    fail the task naming the key, before anything changes.
  - Option names follow community.docker's C(docker_stack).
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Plans every network, secret, config and service from what the swarm has, services against the
      versions of secrets and configs the run would make, and changes nothing.
  diff_mode:
    support: full
    description: The before and after of every object the plan changes.
options:
  name:
    description: The stack's name.
    type: str
    required: true
  compose:
    description: As community.docker's C(docker_stack), Compose files (paths) and inline definitions (mappings),
      merged in order; inline definitions are merged after the files.
    type: list
    elements: raw
  project_src:
    description: A folder with C(compose.yaml) (or C(compose.yml), C(docker-compose.y[a]ml)) and its override file.
    type: path
  files:
    description: Compose files, merged in order.
    type: list
    elements: path
  definition:
    description: The Compose application inline; merged after the files.
    type: dict
  env_files:
    description: Files of variables for interpolation (default the project folder's C(.env)).
    type: list
    elements: path
  profiles:
    description: Profiles whose services are deployed too.
    type: list
    elements: str
  secrets_env:
    description: Values for secrets and configs whose source is C(environment), by variable name. Never logged.
    type: dict
  prune:
    description: Remove services of the stack that the Compose file no longer has. Without it they are kept, with a
      warning naming each.
    type: bool
    default: false
  resolve_image:
    description: V(always) or V(changed) pins each service's image to the digest its registry has now; V(never) lets
      the nodes use the image of that name they have or pull.
    type: str
    choices: [always, changed, never]
    default: never
  with_registry_auth:
    description: Accepted for docker_stack's playbooks. The credentials of noar.docker.login (the managed host's
      Docker configuration) are always sent with the services, so nodes can pull private images.
    type: bool
    default: false
  state:
    description: V(present) or V(absent) (the stack's services, secrets, configs and networks).
    type: str
    choices: [present, absent]
    default: present
  wait:
    description: Wait until every service changed has rolled out and runs; a release the swarm rolled back fails
      the task, naming the service.
    type: bool
    default: false
  detach:
    description: V(false) is O(wait=true), as docker_stack's option.
    type: bool
    default: true
  wait_timeout:
    description: How long O(wait) waits for each service, in seconds.
    type: int
    default: 300
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.swarm_service
  - module: noar.docker.compose
"""

EXAMPLES = r"""
- name: Projeto no ar on the swarm
  noar.docker.stack:
    name: projeto
    project_src: /srv/projeto
    secrets_env:
      DB_PASSWORD: "{{ projeto_db_password }}"
    prune: true
    wait: true

- name: A stack from a file and an inline override
  noar.docker.stack:
    name: tools
    compose:
      - /srv/tools/compose.yaml
      - services:
          web:
            deploy:
              replicas: 3

- name: Gone
  noar.docker.stack:
    name: tools
    state: absent
"""

RETURN = r"""
stack:
  description: The stack's name.
  returned: always
  type: str
services:
  description: For each service the plan changes, its C(actions) and the options that differed (C(changes)).
  returned: always
  type: dict
  sample: {projeto_web: {actions: [{action: update, target: service projeto_web, reason: "changed: image"}], changes: [image]}}
actions:
  description: What was done to each network, secret, config and service, or in check mode would be.
  returned: always
  type: list
  elements: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.stack import MODULE_ARGS_STACK, StackManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(**MODULE_ARGS_STACK),
        required_if=[("state", "present", ("compose", "project_src", "files", "definition"), True)],
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, StackManager(client, module.params, dict(os.environ))))


if __name__ == "__main__":
    main()
