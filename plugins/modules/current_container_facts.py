#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: current_container_facts
short_description: Whether the module runs in a container, and which
version_added: 0.2.0
description:
  - Sets facts that say whether the host the module runs on is a Docker (or Podman) container, and its Id, as
    community.docker's C(current_container_facts) does, with the same fact names.
  - Reads C(/proc/self/cgroup) (cgroup v1 paths such as C(/docker/ID), systemd's C(docker-ID.scope)),
    C(/proc/self/mountinfo) (the engine's C(containers/ID/hostname) and C(resolv.conf) mounts, which name the
    container under cgroup v2 too) and the markers C(/.dockerenv) and C(/run/.containerenv).
  - Needs no engine connection and changes nothing.
options: {}
attributes:
  check_mode:
    support: full
    description: Reads only, so check mode returns what a normal run returns.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
  facts:
    support: full
    description: Returns C(ansible_facts).
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.container_info
"""

EXAMPLES = r"""
- name: Facts on the container this runs in
  noar.docker.current_container_facts:

- name: Show its Id when it runs in one
  ansible.builtin.debug:
    msg: "Container ID is {{ ansible_module_container_id }}"
  when: ansible_module_running_in_container
"""

RETURN = r"""
ansible_facts:
  description: The facts set.
  returned: always
  type: dict
  contains:
    ansible_module_running_in_container:
      description: Whether a container was detected.
      returned: always
      type: bool
    ansible_module_container_id:
      description: The container's Id, or an empty string when none was found.
      returned: always
      type: str
    ansible_module_container_type:
      description:
        - V(docker), V(podman), V(github_actions) (a Docker container of a GitHub Actions job),
          V(azure_pipelines), or an empty string when no container was detected.
      returned: always
      type: str
      choices: ['', docker, podman, github_actions, azure_pipelines]
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule

_ID = r"([0-9a-f]{64})"
# cgroup paths: the container type and its Id (cgroupfs and systemd drivers, CI runners, Podman).
CGROUP_PATTERNS = (
    (re.compile(r"/actions_job/" + _ID), "github_actions"),
    (re.compile(r"/azpl_job/" + _ID), "azure_pipelines"),
    (re.compile(r"(?:/docker/|docker-)" + _ID), "docker"),
    (re.compile(r"libpod-(?:conmon-)?" + _ID), "podman"),
)
# The files an engine bind-mounts into each container live under a folder named by its Id (in the data root,
# whatever its path: the mount's root is relative to the file system that holds it).
MOUNT_PATTERNS = (
    (re.compile(r"/containers/" + _ID + r"/(?:hostname|hosts|resolv\.conf)$"), "docker"),
    (re.compile(r"/overlay-containers/" + _ID + r"/userdata/(?:hostname|hosts|resolv\.conf|\.containerenv)$"), "podman"),
)


def detect(cgroup: str, mountinfo: str, dockerenv: bool, containerenv: bool) -> tuple:
    """``(type, Id)`` from the contents of /proc/self/cgroup and /proc/self/mountinfo and the two markers."""
    for line in cgroup.splitlines():
        path = line.split(":", 2)[-1]
        for pattern, kind in CGROUP_PATTERNS:
            found = pattern.search(path)
            if found:
                return kind, found.group(1)
    for line in mountinfo.splitlines():
        fields = line.split()
        if len(fields) < 5:
            continue
        for pattern, kind in MOUNT_PATTERNS:
            found = pattern.search(fields[3])
            if found:
                return kind, found.group(1)
    if containerenv:
        return "podman", ""
    if dockerenv:
        return "docker", ""
    return "", ""


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def main():
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    kind, container_id = detect(_read("/proc/self/cgroup"), _read("/proc/self/mountinfo"), os.path.exists("/.dockerenv"), os.path.exists("/run/.containerenv"))
    module.exit_json(
        changed=False,
        ansible_facts=dict(
            ansible_module_running_in_container=bool(kind),
            ansible_module_container_id=container_id,
            ansible_module_container_type=kind,
        ),
    )


if __name__ == "__main__":
    main()
