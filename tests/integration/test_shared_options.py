"""Options every waiting module shares (module_utils/module.py WAIT_ARGS), checked before any request."""

from integration.playbook import assert_clean_failure


def test_a_negative_timeout_is_refused_before_anything_is_sent(start_simulator, ansible):
    sim = start_simulator("rhev", speed=50)
    result = ansible.run_module("rhev_vm", {"url": sim.url + "/ovirt-engine/api", "username": "admin@internal",
                                            "password": "secret", "name": "web-1", "cluster": "Default",
                                            "state": "running", "timeout": -5})
    assert result.get("failed")
    assert result["msg"] == "option 'timeout': -5 must be 0 or more seconds"
    assert sim.log.count() == 0


def test_identity_timeouts_and_tls_files_are_checked_before_any_request(start_simulator, ansible, tmp_path):
    """Issue 12 items 1, 2 and 6 in one play: each task fails cleanly naming the option, and nothing is sent."""
    yarn, cm, rhev = start_simulator("yarn"), start_simulator("cm"), start_simulator("rhev")
    cm_conn = dict(host="127.0.0.1", port=cm.port, username="admin", password="admin", cluster="Cluster 1")
    rhev_conn = dict(url=rhev.url + "/ovirt-engine/api", username="admin@internal", password="secret")
    cases = [
        ("yarn_app", dict(rm_urls=[yarn.url], user="etl", id="", state="killed"), "option 'id': ''"),
        ("yarn_app", dict(rm_urls=[yarn.url], user="etl", id="..", state="finished"), "option 'id': '..'"),
        ("yarn_app_info", dict(rm_urls=[yarn.url], id=".."), "option 'id': '..'"),
        ("cm_service", dict(cm_conn, name="..", state="restarted"), "option 'name': '..'"),
        ("cm_service", dict(cm_conn, name="", state="absent"), "option 'name': ''"),
        ("rhev_vm_info", dict(rhev_conn, id=".."), "option 'id': '..'"),
        ("rhev_vm", dict(rhev_conn, name="web-1", state="running", request_timeout=0),
         "option 'request_timeout': 0"),
        ("cm_service_info", dict(cm_conn, request_timeout=-1), "option 'request_timeout': -1"),
        ("yarn_app_info", dict(rm_urls=[yarn.url], ca_cert=str(tmp_path / "missing.pem")), "option 'ca_cert'"),
    ]
    run = ansible.run_tasks([{"bigdata.platform." + module: args} for module, args, dummy in cases])
    assert len(run.results) == len(cases), run.output
    for (module, args, message), result in zip(cases, run.results):
        assert_clean_failure(result, message)
    assert yarn.log.count() == cm.log.count() == rhev.log.count() == 0
