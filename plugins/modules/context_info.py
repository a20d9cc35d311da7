#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: context_info
short_description: The docker CLI's contexts, as connection options for this collection's modules
version_added: 0.2.0
description:
  - Reads the contexts that C(docker context create) stores (C($DOCKER_CONFIG), else C(~/.docker), on the managed
    node) and returns each with a C(config) that C(module_defaults) of the group C(noar.docker.docker) take as
    they are, as community.docker's C(docker_context_info) does, with the same options and return values.
  - The current context is chosen as the docker CLI chooses it. O(cli_context) first, then the environment
    variable C(DOCKER_HOST) (the V(default) context), C(DOCKER_CONTEXT), the C(currentContext) of C(config.json),
    else V(default).
  - The V(default) context is C(DOCKER_HOST) (else V(unix:///var/run/docker.sock)), with TLS when
    C(DOCKER_TLS_VERIFY) is set (certificates from C(DOCKER_CERT_PATH), else the configuration folder).
  - Needs no engine and changes nothing. Contexts of other orchestrators (Kubernetes) are listed without C(config).
extends_documentation_fragment:
  - noar.docker.attributes.info_module
options:
  name:
    description:
      - Only this context; the task fails when there is none of that name. Mutually exclusive with O(only_current).
    type: str
  only_current:
    description: Only the current context. Mutually exclusive with O(name).
    type: bool
    default: false
  cli_context:
    description: The context to take as current, as the docker CLI's C(--context) option.
    type: str
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.host_info
"""

EXAMPLES = r"""
- name: The current context
  noar.docker.context_info:
    only_current: true
  register: docker_current_context

- name: Modules that connect as the docker CLI does
  module_defaults:
    group/noar.docker.docker: "{{ docker_current_context.contexts[0].config }}"
  block:
    - name: A container on that engine
      noar.docker.container:
        name: web
        image: nginx:1.27
        state: started
"""

RETURN = r"""
contexts:
  description: All contexts, the V(default) first; or only the current one (O(only_current)), or the one named (O(name)).
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The context's name.
      returned: success
      type: str
      sample: default
    description:
      description: The context's description, if it has one.
      returned: success
      type: str
      sample: My context
    current:
      description: Whether this is the current context.
      returned: success
      type: bool
      sample: true
    meta_path:
      description: The folder of its C(meta.json). Not returned for V(default).
      returned: success
      type: str
    tls_path:
      description: The folder of its TLS material. Not returned for V(default).
      returned: success
      type: str
    config:
      description: Connection options for this collection's modules (and community.docker's), when the context
        has a Docker endpoint.
      returned: success
      type: dict
      sample: {docker_host: "unix:///var/run/docker.sock", tls: false}
      contains:
        docker_host:
          description: The engine's address.
          returned: the context has a Docker endpoint
          type: str
        tls:
          description: Whether to use TLS without verifying the engine's certificate.
          returned: the context has a Docker endpoint
          type: bool
        validate_certs:
          description: Whether to use TLS and verify the engine's certificate.
          returned: the context holds TLS material
          type: bool
        ca_path:
          description: The CA certificate.
          returned: the context holds one
          type: str
        client_cert:
          description: The client certificate.
          returned: the context holds one
          type: str
        client_key:
          description: The client certificate's key.
          returned: the context holds one
          type: str
current_context_name:
  description: The current context's name.
  returned: success
  type: str
  sample: default
"""

import hashlib
import json
import os
from pathlib import Path

from ansible.module_utils.basic import AnsibleModule

DEFAULT_HOST = "unix:///var/run/docker.sock"
TLS_FILES = (("ca_path", "ca.pem"), ("client_cert", "cert.pem"), ("client_key", "key.pem"))


# docker-py's docker.context reads the same files, but not as the CLI does: without a config.json it looks for
# contexts under the working directory, it ignores DOCKER_HOST and DOCKER_CONTEXT, and drops descriptions.
def config_dir(environ: dict) -> str:
    """The docker CLI's configuration folder."""
    return environ.get("DOCKER_CONFIG") or str(Path.home() / ".docker")


def _load_json(path: str, what: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {what} {path}: {exc}") from None


def current_name(folder: str, environ: dict, cli_context: str | None) -> str:
    """The current context, chosen in the docker CLI's order."""
    if cli_context:
        return cli_context
    if environ.get("DOCKER_HOST"):
        return "default"
    if environ.get("DOCKER_CONTEXT"):
        return environ["DOCKER_CONTEXT"]
    config = _load_json(os.path.join(folder, "config.json"), "the docker CLI's configuration") or {}
    return config.get("currentContext") or "default"


def default_context(folder: str, environ: dict) -> dict:
    """The context the docker CLI makes from the environment."""
    config: dict = dict(docker_host=environ.get("DOCKER_HOST") or DEFAULT_HOST, tls=False)
    if environ.get("DOCKER_TLS_VERIFY"):
        certs = environ.get("DOCKER_CERT_PATH") or folder
        config["validate_certs"] = True
        config.update((option, os.path.join(certs, filename)) for option, filename in TLS_FILES if os.path.exists(os.path.join(certs, filename)))
    return dict(name="default", description="Current DOCKER_HOST based configuration", config=config)


def stored_contexts(folder: str) -> list:
    """The contexts under ``folder``/contexts/meta, sorted by name."""
    meta_root = os.path.join(folder, "contexts", "meta")
    found = []
    for entry in sorted(os.listdir(meta_root)) if os.path.isdir(meta_root) else ():
        meta_path = os.path.join(meta_root, entry)
        meta = _load_json(os.path.join(meta_path, "meta.json"), "the context metadata")
        if not isinstance(meta, dict) or not meta.get("Name"):
            continue
        name = meta["Name"]
        tls_path = os.path.join(folder, "contexts", "tls", hashlib.sha256(name.encode("utf-8")).hexdigest())
        context = dict(name=name, meta_path=meta_path, tls_path=tls_path)
        description = (meta.get("Metadata") or {}).get("Description")
        if description:
            context["description"] = description
        endpoint = (meta.get("Endpoints") or {}).get("docker")
        if isinstance(endpoint, dict):
            skip_verify = bool(endpoint.get("SkipTLSVerify"))
            config: dict = dict(docker_host=endpoint.get("Host") or DEFAULT_HOST, tls=skip_verify)
            material = os.path.join(tls_path, "docker")
            files = {option: os.path.join(material, filename) for option, filename in TLS_FILES if os.path.exists(os.path.join(material, filename))}
            if files or skip_verify:
                config["validate_certs"] = not skip_verify
            config.update(files)
            context["config"] = config
        found.append(context)
    return sorted(found, key=lambda context: context["name"])


def context_info(params: dict, environ: dict) -> dict:
    """The module's result: the contexts asked for, each marked current or not."""
    folder = config_dir(environ)
    current = current_name(folder, environ, params.get("cli_context"))
    contexts = [default_context(folder, environ)] + stored_contexts(folder)
    names = [context["name"] for context in contexts]
    if current not in names:
        raise LookupError(f"the current context {current!r} does not exist (contexts: {', '.join(names)})")
    for context in contexts:
        context["current"] = context["name"] == current
    if params.get("name") is not None:
        contexts = [context for context in contexts if context["name"] == params["name"]]
        if not contexts:
            raise KeyError(params["name"])
    elif params.get("only_current"):
        contexts = [context for context in contexts if context["current"]]
    return dict(contexts=contexts, current_context_name=current)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str"),
            only_current=dict(type="bool", default=False),
            cli_context=dict(type="str"),
        ),
        mutually_exclusive=[("name", "only_current")],
        supports_check_mode=True,
    )
    try:
        module.exit_json(changed=False, **context_info(module.params, dict(os.environ)))
    except KeyError as exc:
        module.fail_json(msg=f"name: there is no docker context named {exc.args[0]!r}")
    except LookupError as exc:
        module.fail_json(msg=f"cli_context: {exc}" if module.params.get("cli_context") else str(exc))
    except ValueError as exc:
        module.fail_json(msg=str(exc))


if __name__ == "__main__":
    main()
