#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: compose
short_description: Converge a whole Docker Compose application natively, in one task
version_added: 0.2.0
description:
  - Reads a Compose application (the Compose Specification, with files merged, C(.env) and interpolation,
    C(extends) and profiles) and converges its networks, volumes, images and containers through the Engine API. No
    C(docker compose) CLI or plugin is needed on the host.
  - The objects carry the labels and names C(docker compose) gives them (C(com.docker.compose.project),
    C(.service), C(.container-number), C(.config-hash), C(.image), containers named C(<project>-<service>-<n>)),
    so the Compose CLI sees the same project. The config hash is the one C(docker compose up) computes, so either
    takes over the containers the other made with nothing recreated; a service with secrets or configs, or with a
    value whose form the module does not build, keeps the module's own hash and C(docker compose up) recreates it
    once.
  - The whole project is planned before anything changes; bad input (an unknown key, a dependency cycle, an
    undeclared network or volume, two services publishing one host port) fails naming its path, with nothing
    created.
  - No key of a Compose file is dropped silently. Top-level C(include), the merge tags C(!reset) and C(!override),
    every volume mode and long-syntax key (C(z) and C(Z), C(bind.selinux), C(bind.create_host_path),
    C(volume.subpath), C(tmpfs.mode)), C(volumes_from), C(links) and C(external_links) (made as the Compose CLI
    makes them), C(label_file), a service network's C(priority), C(gw_priority) and C(driver_opts),
    C(deploy.restart_policy) and C(gpus) and reserved devices are read as C(docker compose) reads them on one
    engine. What is not read yet (a service network's C(link_local_ips) and C(interface_name), C(annotations), the
    realtime CPU keys) fails naming its path and why; what only a swarm reads is a warning.
  - The C(post_start) and C(pre_stop) hooks run where C(docker compose) runs them, as an exec in the container
    (with their C(user), C(privileged), C(working_dir) and C(environment)) - C(post_start) after each start or
    restart, C(pre_stop) before a running container stops (state V(stopped), V(restarted), V(absent), a scale-down),
    not around a recreate. They are C(hook) entries of RV(actions), so check mode shows them; a hook that exits
    non-zero fails the task, naming it.
  - A container whose configuration hash, image and state already match is left alone without being inspected,
    so an unchanged project costs one list call per object kind and one image read per service. A changed service's
    containers are recreated (stop-first as Compose does, or start-first with O(update_order)).
  - Services start in C(depends_on) order; the containers of independent services are converged concurrently
    (O(parallel)). A dependency's condition (C(service_healthy), C(service_completed_successfully)) is waited for
    before its dependents start; with C(restart=true) a dependent is restarted when its dependency changed. A
    service others wait for to complete is a job; once it exited 0, an unchanged rerun does not run it again.
  - Option names follow community.docker's C(docker_compose_v2) where the features overlap.
extends_documentation_fragment:
  - noar.docker.compose_project
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Returns the plan a real run would carry out (builds and pulls included) and changes nothing.
  diff_mode:
    support: full
    description: Per network, volume, image and container, the before and after of what differs.
options:
  services:
    description: Converge only these services (and, unless O(dependencies=false), what they depend on).
    type: list
    elements: str
  dependencies:
    description: With O(services), converge the services they depend on too.
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates and starts the services; V(stopped) creates or updates them as V(present) does
        but leaves every container stopped (C(docker compose create), then C(stop)); V(restarted) restarts them;
        V(absent) removes the containers and the networks the project made (and its volumes with O(remove_volumes),
        its images with O(remove_images)). With O(services), V(absent) removes only their
        containers.
    type: str
    choices: [present, stopped, restarted, absent]
    default: present
  remove_orphans:
    description: Remove the containers of services the project no longer defines (otherwise a warning names them).
    type: bool
    default: false
  remove_volumes:
    description: With O(state=absent), remove the project's named volumes (never external ones) and anonymous volumes.
    type: bool
    default: false
  remove_images:
    description: With O(state=absent), remove the images of V(all) services, or V(local)ly built ones only.
    type: str
    choices: [all, local]
  pull:
    description:
      - When to pull a service's image. V(policy) follows each service's C(pull_policy) (default V(missing)).
      - V(always) pulls only when the registry holds another image than the engine, so a rerun is unchanged.
    type: str
    choices: [always, missing, never, policy]
    default: policy
  build:
    description:
      - When to build a service with C(build). V(policy) builds missing images (or follows C(pull_policy=build)).
      - V(always) builds whenever the build context changed (the image carries a hash of its sources), so an
        unchanged context is not rebuilt. V(never) uses what is on the engine.
    type: str
    choices: [always, never, policy]
    default: policy
  recreate:
    description:
      - V(auto) recreates containers whose configuration or image changed; V(always) recreates every container;
        V(never) only starts what exists.
    type: str
    choices: [auto, always, never]
    default: auto
  update_order:
    description:
      - How a changed service's containers are replaced. V(stop-first) stops the old container first, as Compose
        does; V(start-first) starts the new one, waits until it is healthy (when it has a healthcheck), then
        removes the old one, so a service behind a proxy keeps answering. Default each service's
        C(deploy.update_config.order), else V(stop-first). A service with a fixed host port updates stop-first.
    type: str
    choices: [stop-first, start-first]
  scale:
    description: Containers per service, overriding C(scale) and C(deploy.replicas).
    type: dict
  parallel:
    description:
      - How many containers are converged at the same time (the engine does the work; this machine's cores matter
        little).
    type: int
    default: 8
  stop_timeout:
    description:
      - Seconds a stopping container is given before it is killed; default each service's C(stop_grace_period).
      - community.docker's C(docker_compose_v2) calls it C(timeout), which here is the Engine API's timeout, as in
        every noar.docker module.
    type: int
  files_dir:
    description:
      - Where the secrets and configs with an C(environment) or C(content) source are written on the managed host,
        in a folder per project (mode 0700), removed with O(state=absent).
      - It also holds this host's key (C(.key), 0600) for the fingerprints of secrets in the containers'
        C(com.docker.compose.config-hash) label, so that the label does not let anyone test guesses of a secret.
    type: path
    default: ~/.local/share/noar/compose
  secrets_env:
    description:
      - Values for the secrets whose source is C(environment), looked up here before the module's environment. Never
        logged; prefer it to the C(environment) keyword, whose values connection plugins show at C(-vvv).
    type: dict
  wait:
    description: After converging, wait until every container runs, and is healthy where it has a healthcheck.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for O(wait) and for C(depends_on) conditions.
    type: int
    default: 120
notes:
  - Interpolation reads the environment of the module on the managed host (set it with the C(environment) keyword)
    over the O(env_files).
  - Compose C(secrets) and C(configs) are files mounted read-only into the containers (C(/run/secrets/<name>) and
    C(/<name>) by default). A C(file) source is mounted where it is; an C(environment) or C(content) source is
    written under O(files_dir) first, with the entry's C(mode), C(uid) and C(gid). A changed secret or config
    recreates the containers that mount it. External secrets and configs belong to a swarm and are refused.
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.container
  - name: Compose Specification
    description: The file format this module reads.
    link: https://compose-spec.io/
"""

EXAMPLES = r"""
- name: Put an application on air from its folder
  noar.docker.compose:
    project_src: /srv/shop
    wait: true

- name: The same application described inline
  noar.docker.compose:
    project_name: shop
    definition:
      services:
        web:
          image: shop-web:1.2
          ports: ["127.0.0.1:8080:8080"]
          depends_on:
            db: {condition: service_healthy}
        db:
          image: postgres-local:15
          volumes: [data:/var/lib/postgresql/data]
          healthcheck: {test: [CMD, pg_isready], interval: 2s}
      volumes:
        data: {}

- name: Three web containers, updated one by one behind the proxy
  noar.docker.compose:
    project_src: /srv/shop
    scale: {web: 3}
    update_order: start-first

- name: Take it down, with its volumes
  noar.docker.compose:
    project_src: /srv/shop
    state: absent
    remove_volumes: true
"""

RETURN = r"""
name:
  description: The project's name.
  returned: always
  type: str
  sample: shop
services:
  description: Per service, its containers after the run (name, id, state, health, image) and the actions done.
  returned: always
  type: dict
  sample: {web: {containers: [{name: shop-web-1, id: 4f2a..., state: running, health: healthy, image: shop-web:1.2}],
           actions: [{action: create, target: shop-web-1}]}}
networks:
  description: The names of the project's networks this run converged.
  returned: always
  type: list
  elements: str
  sample: [shop_default]
volumes:
  description: The names of the project's volumes this run converged.
  returned: always
  type: list
  elements: str
  sample: [shop_data]
actions:
  description: The plan, in order; in check mode, what a real run would do.
  returned: always
  type: list
  elements: dict
  sample: [{action: create, target: shop_default}, {action: create, target: shop-web-1}, {action: start, target: shop-web-1}]
timings:
  description:
    - Where the converge spent its time, in seconds (with C(async) too), so a slow service stands out.
    - C(total) is the whole task; C(phases) lists, in the order they ended, each C(network), C(volume), image
      C(build) or C(pull) (with its C(steps) or C(layers), as M(noar.docker.image) returns them), C(container)
      converged, C(hook) run and C(wait_healthy), with its C(target), C(seconds) and, for containers, C(service);
      C(services) sums, per service, its containers' converge and health waits.
  returned: success, not in check mode
  type: dict
  sample:
    total: 9.8
    services: {db: 6.1, web: 2.9, proxy: 0.6}
    phases:
      - {action: network, target: projeto_back, seconds: 0.1}
      - {action: container, target: projeto-db-1, service: db, seconds: 0.9}
      - {action: wait_healthy, target: projeto-db-1, service: db, seconds: 5.2}
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.compose_manager import COMPOSE_ARGS, ComposeManager
from ansible_collections.noar.docker.plugins.module_utils.converge import converge, module_errors


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(**COMPOSE_ARGS),
        supports_check_mode=True,
    )
    if module.params["parallel"] < 1:
        module.fail_json(msg=f"parallel: {module.params['parallel']} is not a number of containers (1 or more)", option="parallel")
    client = connect(module)
    with module_errors(module):
        manager = ComposeManager(client, module.params, module.check_mode, dict(os.environ))
    result = converge(module, manager)
    if module.params["wait"] and not module.check_mode and module.params["state"] in ("present", "restarted"):
        emitted = len(manager.warnings)  # converge passed these on already
        try:
            with module_errors(module):
                manager.wait(module.params["wait_timeout"])
                result.update(manager.result())
        finally:
            for warning in manager.warnings[emitted:]:
                module.warn(warning)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
