"""Fixtures shared by unit, simulator and integration tests."""

import os
import subprocess
import sys

import pytest

# The helpers beside this file (collection, simulators) also under `ansible-test units`, whose pytest
# configuration does not read pytest.ini's pythonpath.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from collection import ensure_collection_link  # noqa: E402

ensure_collection_link()

from simulators.registry import simulator_class  # noqa: E402  (needs the path set above)


@pytest.fixture
def start_simulator():
    """start_simulator('cm' or a class, speed=..., **kwargs) -> a started simulator (url, log,
    faults, clock, state); every simulator started is stopped after the test."""
    started = []

    def start(name_or_class, port=0, tls=None, **kwargs):
        cls = simulator_class(name_or_class) if isinstance(name_or_class, str) else name_or_class
        simulator = cls(**kwargs)
        simulator.start(port=port, tls=tls)
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def ansible(tmp_path):
    """Runs real ansible-playbook with the working tree as bigdata.platform (see integration/playbook.py)."""
    from integration.playbook import AnsibleRunner

    return AnsibleRunner(tmp_path)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """(cert, key) PEM paths: a self-signed certificate for 127.0.0.1, for simulators started with tls=."""
    directory = tmp_path_factory.mktemp("tls")
    cert, key = str(directory / "cert.pem"), str(directory / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key
