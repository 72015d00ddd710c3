"""Stand-in for get-pip.py, which ansible-test downloads from a host this machine cannot reach.

ansible-test runs the script inside each fresh sanity venv with get-pip's arguments (for example
--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel). Python's own ensurepip puts a pip
in the venv, and that pip installs the requested packages from PyPI as usual, with this machine's pip
configuration (index, certificate authority): ensurepip switches pip's configuration files off
(PIP_CONFIG_FILE=/dev/null) for the whole process, so the install runs with the environment it had before.
Debian's patched pip trusts the system certificates anyway; pip from python.org or pyenv needs the config.
"""

import ensurepip
import os
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = {"--no-setuptools", "--no-wheel"}

environment = dict(os.environ)
ensurepip.bootstrap()
arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_OPTIONS]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + arguments, env=environment))
