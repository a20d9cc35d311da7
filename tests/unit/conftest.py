# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The counts the conformance suites keep (test modules with a ``REPORT`` function), at the end of the run."""

from __future__ import absolute_import, division, print_function

import sys


def pytest_terminal_summary(terminalreporter):
    for module in list(sys.modules.values()):
        report = getattr(module, "REPORT", None)
        if callable(report) and (getattr(module, "__file__", "") or "").startswith(str(terminalreporter.config.rootpath)):
            for line in report():
                terminalreporter.write_line(line)
