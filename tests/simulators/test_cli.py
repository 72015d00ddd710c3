"""The simulators CLI starts chosen simulators and prints their URLs (used by the demo)."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from collection import REPO_ROOT
from simulators.registry import SIMULATORS, available, simulator_class

import pytest


def test_registry_knows_every_system():
    assert set(SIMULATORS) == {"cm", "yarn", "sahara", "rhev"}
    with pytest.raises(ValueError):
        simulator_class("nope")


@pytest.mark.skipif(not available(), reason="no per-system simulator in this checkout yet")
def test_cli_serves_until_terminated(tmp_path):
    state_file = tmp_path / "sims.json"
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO_ROOT, "tests"))
    process = subprocess.Popen([sys.executable, "-m", "simulators", "all", "--state-file", str(state_file)],
                               stdout=subprocess.PIPE, text=True, env=env)
    try:
        lines = [process.stdout.readline().split() for dummy in available()]
        urls = dict(lines)
        assert set(urls) == set(available())
        for url in urls.values():
            with urllib.request.urlopen(url + "/_sim/log", timeout=5) as response:
                assert response.status == 200
        for dummy in range(50):
            if state_file.exists() and state_file.read_text():
                break
            time.sleep(0.1)
        assert json.loads(state_file.read_text()) == urls
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
