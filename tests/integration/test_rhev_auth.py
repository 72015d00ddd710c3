"""rhev_auth: one login for a play's rhev_* tasks, the token as a no_log fact, revoked at the end."""

from integration.playbook import assert_clean_failure


def test_login_once_use_the_token_everywhere_and_revoke_it(start_simulator, ansible):
    sim = start_simulator("rhev", speed=50, sample_vms=True)
    url = sim.url + "/ovirt-engine/api"
    run = ansible.run_tasks([
        {"name": "log in", "no_log": True,
         "bigdata.platform.rhev_auth": {"url": url, "username": "admin@internal", "password": "secret"}},
        {"bigdata.platform.rhev_vm_info": {"url": "{{ rhev_auth.url }}", "token": "{{ rhev_auth.token }}",
                                           "name": "hadoop-master"}},
        {"bigdata.platform.rhev_vm": {"url": "{{ rhev_auth.url }}", "token": "{{ rhev_auth.token }}",
                                      "name": "hadoop-master", "state": "running"}},
        {"name": "log out", "bigdata.platform.rhev_auth": {"url": url, "token": "{{ rhev_auth.token }}", "state": "absent"}},
        {"name": "log out again",
         "bigdata.platform.rhev_auth": {"url": url, "token": "{{ rhev_auth.token }}", "state": "absent"}},
        {"name": "a revoked token", "bigdata.platform.rhev_auth": {"url": url, "token": "{{ rhev_auth.token }}"}},
    ], verbosity=3)
    login, info, noop, logout, again, revoked = run.results
    assert not login["failed"] and not login["changed"]
    assert info["vms"][0]["name"] == "hadoop-master" and not noop["changed"], (info, noop)
    assert not logout["failed"] and not again["failed"]
    assert_clean_failure(revoked, "option 'token'", "not accepted by the engine")
    assert sim.log.count("POST", path="/sso/oauth/token$") == 1 and sim.log.count("POST", path="sso-logout$") == 1
    assert sim.tokens == {} and len(sim.revoked) == 1
    assert sim.revoked[0] not in run.output and "secret" not in run.output  # the task with the token was no_log
    mutations = sim.log.mutating(path="^/ovirt-engine/api")
    assert mutations == []


def test_logout_needs_a_token(start_simulator, ansible):
    sim = start_simulator("rhev", speed=50)
    result = ansible.run_module("rhev_auth", {"url": sim.url + "/ovirt-engine/api", "state": "absent",
                                              "username": "admin@internal", "password": "secret"})
    assert_clean_failure(result, "option 'token'", "required to log out")
    assert sim.log.count() == 0


def test_a_rhev_vm_no_op_sends_login_read_logout_with_a_password_and_one_read_with_a_token(start_simulator, ansible):
    sim = start_simulator("rhev", speed=50, sample_vms=True)
    url = sim.url + "/ovirt-engine/api"
    with_password = {"url": url, "username": "admin@internal", "password": "secret", "name": "hadoop-master",
                     "state": "running"}
    no_op = ansible.run_tasks([{"bigdata.platform.rhev_vm": with_password}]).results[0]
    assert not no_op["failed"] and not no_op["changed"], no_op
    sent = [(entry.method, entry.path) for entry in sim.log.entries()]
    assert [method for method, dummy in sent] == ["POST", "GET", "POST"], sent
    assert sent[0][1].endswith("/sso/oauth/token") and sent[2][1].endswith("/sso-logout"), sent

    sim.log.clear()
    login = {"name": "log in", "no_log": True,
             "bigdata.platform.rhev_auth": {"url": url, "username": "admin@internal", "password": "secret"}}
    token = {"url": "{{ rhev_auth.url }}", "token": "{{ rhev_auth.token }}", "name": "hadoop-master", "state": "running"}
    with_token = ansible.run_tasks([login, {"bigdata.platform.rhev_vm": token}]).results[-1]
    assert not with_token["failed"] and not with_token["changed"], with_token
    sent = [(entry.method, entry.path.split("?")[0]) for entry in sim.log.entries()]
    assert sent == [("POST", "/ovirt-engine/sso/oauth/token"), ("GET", "/ovirt-engine/api/vms")], \
        "the play's one login, then the no-op's one read: %s" % sent
