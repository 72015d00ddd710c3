"""What the cm_* integration tests share: connection arguments, task builders, in-process module runs."""

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

CLUSTER = "Cluster 1"


def connection(sim, **extra):
    return dict(host="127.0.0.1", port=sim.port, username="admin", password="admin", **extra)


def task(module, sim, **args):
    """{fqcn: args} with the simulator's connection and Cluster 1 unless args say otherwise."""
    return {"bigdata.platform." + module: dict(connection(sim), **dict(dict(cluster=CLUSTER), **args))}


class InProcessModule:
    """Just enough of AnsibleModule to call a module's run() in this process: for matrices of cases
    that would take minutes as separate ansible-playbook tasks. Defaults come from the real spec."""

    def __init__(self, argument_spec, params, check_mode=False):
        result = ArgumentSpecValidator(argument_spec).validate(params)
        assert not result.error_messages, result.error_messages
        self.params = result.validated_parameters
        self.check_mode = check_mode
        self.no_log_values = set()
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)
