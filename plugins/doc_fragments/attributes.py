# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Attributes shared by modules of one kind."""

    DOCUMENTATION = r"""
options: {}
"""

    # Modules that only read from the engine.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    description: Reads only, so check mode returns what a normal run returns.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
"""
