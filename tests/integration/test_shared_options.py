"""Options every waiting module shares (module_utils/module.py WAIT_ARGS), checked before any request."""


def test_a_negative_timeout_is_refused_before_anything_is_sent(start_simulator, ansible):
    sim = start_simulator("rhev", speed=50)
    result = ansible.run_module("rhev_vm", {"url": sim.url + "/ovirt-engine/api", "username": "admin@internal",
                                            "password": "secret", "name": "web-1", "cluster": "Default",
                                            "state": "running", "timeout": -5})
    assert result.get("failed")
    assert result["msg"] == "option 'timeout': -5 must be 0 or more seconds"
    assert sim.log.count() == 0
