#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: compose_to_kubernetes
short_description: Write the Kubernetes manifests of a Compose application (what kompose convert does)
description:
  - Reads a Compose application with the same parser as M(noar.docker.compose) (files, C(.env), interpolation,
    profiles) and writes its Kubernetes manifests to one YAML file, in the order they apply.
  - Each service becomes a Deployment, or a StatefulSet when it has a named volume and one replica; its ports a
    Service (ClusterIP for C(expose) and inner ports, O(service_type) for published ones); named volumes
    PersistentVolumeClaims; C(tmpfs) an C(emptyDir) in memory; Compose configs and secrets ConfigMaps and Secrets;
    C(deploy.resources), C(mem_limit) and C(cpus) resources; a C(healthcheck) liveness and readiness probes;
    C(depends_on) with C(service_healthy) an init container that waits for the dependency's port; Compose networks
    NetworkPolicies (an C(internal) network lets its members reach only each other). Every object carries the
    C(app.kubernetes.io) labels.
  - A pod's own settings are converted too; C(network_mode), C(pid) and C(ipc) C(host) become C(hostNetwork),
    C(hostPID) and C(hostIPC); C(hostname), C(extra_hosts) (C(hostAliases)), C(sysctls), C(tty) and C(stdin_open);
    the service's C(labels) become its workload's annotations. Memory is written in binary units (C(64Mi)), and the
    YAML has no anchors or aliases.
  - Kompose's labels on a service are read as Kompose reads them - C(kompose.service.type) (nodeport, clusterip,
    loadbalancer, headless), C(kompose.service.nodeport.port), C(kompose.service.expose) (an Ingress for C(true) or
    the host names given, with C(.tls-secret) and C(.ingress-class-name)), C(kompose.controller.type) (deployment,
    daemonset, statefulset), C(kompose.volume.size) and C(kompose.volume.storage-class-name) (the service's claims),
    and C(kompose.hpa.cpu), C(kompose.hpa.memory), C(kompose.hpa.replicas.min) (default 1) and
    C(kompose.hpa.replicas.max) (default 10) (a HorizontalPodAutoscaler). Another C(kompose.*) label is a warning
    naming it.
  - What has no Kubernetes equivalent fails naming the service and the key (a bind mount of a host path with
    O(bind_mounts=fail), C(network_mode) of another container or service, C(privileged) unless
    O(allow_privileged)); what only loses detail is a warning naming the key, and so is every container setting a
    pod has not (C(logging), C(dns), C(security_opt), a pids limit, ...); none is dropped unsaid.
  - The manifests are checked offline against the Kubernetes API schema (O(validate)), before anything is written.
  - Apply the file with C(kubernetes.core.k8s) (C(src)) or C(kubectl apply -f).
version_added: 0.2.0
extends_documentation_fragment:
  - noar.docker.compose_project
attributes:
  check_mode:
    support: full
    description: Converts and validates, and says whether the file would change; writes nothing.
  diff_mode:
    support: full
    description: The file's text before and after, with every Secret's values hidden.
options:
  dest:
    description:
      - The file to write (its folder must exist).
      - A folder (one that exists, or a path that ends with C(/)) gets one file per object, named as Kompose names
        them (C(<name>-<kind>.yaml)); a file this module wrote there for an object the project no longer has is
        removed, and other files are left alone. V(absent) removes the files this module wrote there.
    type: path
    required: true
  format:
    description:
      - V(manifests) writes the objects (to one file, or to a folder with one file per object).
      - V(helm) writes a Helm chart into O(dest), a folder named as the chart - C(Chart.yaml), C(values.yaml) with each
        workload's C(image), C(replicas) and C(resources), and a template per object in C(templates/), its namespace
        the release's. With O(validate), the chart is rendered with its own values and its objects validated.
    type: str
    choices: [manifests, helm]
    default: manifests
  mode:
    description: The file's mode, as an octal string. It holds the Secrets' values, so only its owner reads it by default.
    type: str
    default: "0600"
  state:
    description: V(present) writes the file; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  secrets_env:
    description: Values for the secrets and configs whose source is C(environment). Never logged.
    type: dict
  namespace:
    description: The namespace of every object.
    type: str
    default: default
  service_type:
    description: The Service type of a service with published ports.
    type: str
    choices: [NodePort, LoadBalancer]
    default: NodePort
  allow_privileged:
    description: Let C(privileged) services convert to privileged containers, instead of failing.
    type: bool
    default: false
  volume_size:
    description: The storage each PersistentVolumeClaim requests.
    type: str
    default: 1Gi
  wait_image:
    description: The image of the init containers that wait for a C(service_healthy) dependency (it needs C(nc)).
    type: str
    default: busybox:1.36
  bind_mounts:
    description:
      - What a bind mount of a host path becomes. V(auto) does as Kompose does - a file becomes a ConfigMap holding
        its content (up to 1 MiB), mounted at the same path, and a folder (or a path that is not there) a claim of
        its own, empty. V(fail) names it; V(empty_dir) and V(host_path) convert it (the content is not carried over,
        or the node's own path is used). Each but V(fail) with a warning.
    type: str
    choices: [auto, fail, empty_dir, host_path]
    default: auto
  validate:
    description:
      - Check every manifest against the OpenAPI schema of O(kubernetes_version), strictly (an unknown field fails),
        with the C(kubernetes-validate) library (on the managed host). No cluster is contacted.
    type: bool
    default: true
  kubernetes_version:
    description: The Kubernetes version to validate against, as V(1.33.0); default the newest the library knows.
    type: str
requirements:
  - PyYAML
  - kubernetes-validate (for O(validate))
notes:
  - Interpolation reads the module's environment on the managed host over the O(env_files), as M(noar.docker.compose).
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.compose
  - module: noar.docker.stack
  - name: kubernetes.core.k8s
    description: Applies the file to a cluster.
    link: https://docs.ansible.com/ansible/latest/collections/kubernetes/core/k8s_module.html
"""

EXAMPLES = r"""
- name: Projeto no ar's manifests, checked against Kubernetes 1.33
  noar.docker.compose_to_kubernetes:
    project_src: /srv/projeto
    dest: /srv/projeto/kubernetes.yaml
    namespace: projeto
    kubernetes_version: 1.33.0
    secrets_env:
      DB_PASSWORD: "{{ projeto_db_password }}"

- name: Applied to the cluster
  kubernetes.core.k8s:
    state: present
    src: /srv/projeto/kubernetes.yaml

- name: A bind mount becomes an emptyDir, with a warning
  noar.docker.compose_to_kubernetes:
    project_src: /srv/tools
    dest: /srv/tools/kubernetes.yaml
    bind_mounts: empty_dir

- name: The same as a Helm chart, in /srv/charts/projeto (a folder named as the chart)
  noar.docker.compose_to_kubernetes:
    project_src: /srv/projeto
    format: helm
    dest: /srv/charts/projeto
    bind_mounts: empty_dir
"""

RETURN = r"""
dest:
  description: The file written, or the folder.
  returned: always
  type: str
files:
  description: The files of the objects, when O(dest) is a folder.
  returned: when O(dest) is a folder and O(state=present)
  type: list
  elements: str
  sample: [/srv/projeto/k8s/db-service.yaml, /srv/projeto/k8s/db-statefulset.yaml]
objects:
  description: Kind and name of each manifest, in the file's order.
  returned: when O(state=present)
  type: list
  elements: dict
  sample: [{kind: Secret, name: projeto-db-password}, {kind: StatefulSet, name: db}]
manifests:
  description: The manifests, with every Secret's values hidden.
  returned: when O(state=present)
  type: list
  elements: dict
kubernetes_version:
  description: The version the manifests were validated against (null without O(validate)).
  returned: always
  type: str
  sample: 1.37.0
actions:
  description: What was done to the file, or to the files of a folder (C(write), C(chmod), C(remove)), or in check mode would be.
  returned: always
  type: list
  elements: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.compose import PROJECT_ARGS
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.kubernetes import CONVERT_ARGS, ManifestsManager


def main():
    module = AnsibleModule(
        argument_spec=dict(
            dest=dict(type="path", required=True),
            format=dict(type="str", default="manifests", choices=["manifests", "helm"]),
            mode=dict(type="str", default="0600"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            **PROJECT_ARGS,
            secrets_env=dict(type="dict", no_log=True),
            validate=dict(type="bool", default=True),
            kubernetes_version=dict(type="str"),
            **CONVERT_ARGS,
        ),
        supports_check_mode=True,
    )
    try:
        mode = int(module.params["mode"], 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o7777:
        module.fail_json(msg=f"mode: {module.params['mode']!r} is not an octal file mode such as 0600", option="mode")
    module.exit_json(**converge(module, ManifestsManager(module.params, dict(os.environ))))


if __name__ == "__main__":
    main()
