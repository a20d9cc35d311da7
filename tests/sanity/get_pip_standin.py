"""Stand-in for the get-pip script ansible-test downloads, for machines that cannot reach it.

ansible-test runs it as ``python get_pip.py [pip options] pip==X --no-setuptools --no-wheel`` in a new
virtual environment. The same result comes from what Python ships: ensurepip, then pip itself.
"""

import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
