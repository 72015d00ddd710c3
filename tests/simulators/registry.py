"""Which simulators exist, by the name the CLI and fixtures use. Imported lazily, so one
simulator's missing test dependency does not stop the others."""

import importlib

SIMULATORS = {
    "cm": "simulators.cloudera_manager:ClouderaManagerSimulator",
    "yarn": "simulators.yarn:YarnSimulator",
    "sahara": "simulators.sahara:SaharaSimulator",
    "rhev": "simulators.rhev:RhevSimulator",
}


def simulator_class(name):
    try:
        target = SIMULATORS[name]
    except KeyError:
        raise ValueError("unknown simulator %r; known: %s" % (name, ", ".join(sorted(SIMULATORS))))
    module_name, class_name = target.split(":")
    return getattr(importlib.import_module(module_name), class_name)


def available():
    """Names whose simulator module is present in this checkout."""
    names = []
    for name, target in SIMULATORS.items():
        try:
            importlib.import_module(target.split(":", maxsplit=1)[0])
        except ImportError:
            continue
        names.append(name)
    return names
