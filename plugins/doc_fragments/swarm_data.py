# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The options noar.docker.secret and noar.docker.config share: both are immutable swarm objects."""

    DOCUMENTATION = r"""
options:
  name:
    description: The object's name; with O(rolling_versions=true), the stem of its versions' names.
    type: str
    required: true
  data:
    description: The content, as text (or base64 with O(data_is_b64=true)). Never logged.
    type: str
  data_is_b64:
    description: O(data) is base64, for binary content.
    type: bool
    default: false
  data_src:
    description: A file on the managed host to read the content from, instead of O(data).
    type: path
  labels:
    description: The object's labels. A change of labels makes a new object, as a change of content does.
    type: dict
  force:
    description: Make the object again even when nothing changed.
    type: bool
    default: false
  rolling_versions:
    description:
      - Keep versions, named C(<name>_v1), C(<name>_v2), ...; a change makes the next version and moves every
        service that used an older one to it (a rolling update of those services).
      - Without it, a change removes the object and makes it again, which the engine refuses while a service uses
        it; that is found before anything changes.
    type: bool
    default: false
  versions_to_keep:
    description: With O(rolling_versions=true), how many versions to keep, the new one included (at least 1).
    type: int
    default: 5
  state:
    description: V(present) or V(absent) (with O(rolling_versions=true), every version). An object in use by a
      service is never removed; the task fails naming the services.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: full
    description: Plans from the objects' labels and the services that use them, and changes nothing.
  diff_mode:
    support: full
    description: The name and the content's digest, before and after.
"""
