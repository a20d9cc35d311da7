# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """How a module reads a Compose application: the options of the one Compose parser (compose, compose_to_kubernetes)."""

    DOCUMENTATION = r"""
options:
  project_src:
    description:
      - The project folder, holding C(compose.yaml), C(compose.yml), C(docker-compose.yaml) or
        C(docker-compose.yml) (and its C(.override) file). Relative paths in the files start here.
    type: path
  files:
    description: Compose files, merged in order by the Compose Specification's rules. Relative to O(project_src).
    type: list
    elements: path
  definition:
    description: The Compose application as a mapping, merged over the files when both are given.
    type: dict
  project_name:
    description: The project's name; default the C(name) of the files, then C(COMPOSE_PROJECT_NAME), then the folder's name.
    type: str
  env_files:
    description: Files of C(KEY=VALUE) for interpolation; default the project folder's C(.env) when it exists.
    type: list
    elements: path
  profiles:
    description: Profiles to enable; services with other profiles are left out.
    type: list
    elements: str
"""
