"""Start simulators in the foreground and print their URLs:

    PYTHONPATH=tests python -m simulators cm yarn --speed 20
    PYTHONPATH=tests python -m simulators all --port cm=7180 --state-file /tmp/sims.json

--state-file writes {"name": "url", ...} once every simulator listens, for scripts to read.
--empty starts each system as a new installation holds it (the demo): no cluster in Cloudera Manager, no
platform VM in the engine, nothing registered with Sahara, no application in YARN; only the systems' own
infrastructure (templates, networks, flavors, Glance images, the RM's default queue).
Stops on Ctrl-C or SIGTERM.
"""

import argparse
import json
import signal
import sys
import threading

from simulators.registry import available, simulator_class

# Constructor arguments that make a simulator start as a new installation; the others already do.
EMPTY_ESTATE = {"cm": {"clusters": ()}, "yarn": {"empty": True}}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m simulators", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="+", help="simulators to start, or 'all' (%s)" % ", ".join(available()))
    parser.add_argument("--speed", type=float, default=10.0, help="simulated seconds per real second")
    parser.add_argument("--port", action="append", default=[], metavar="NAME=PORT", help="fixed port for one simulator")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every request (benchmarks)")
    parser.add_argument("--state-file", help="write the URLs as JSON to this file once listening")
    parser.add_argument("--empty", action="store_true", help="start from an empty estate (no seeded clusters)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    names = available() if args.names == ["all"] else args.names
    ports = dict(item.split("=", 1) for item in args.port)
    urls = {}
    simulators = []
    for name in names:
        simulator = simulator_class(name)(speed=args.speed, **(EMPTY_ESTATE.get(name, {}) if args.empty else {}))
        if args.latency:
            simulator.faults.add(delay=args.latency, count=10 ** 9)
        urls[name] = simulator.start(port=int(ports.get(name, 0)))
        simulators.append(simulator)
        print("%s %s" % (name, urls[name]), flush=True)
    if args.state_file:
        with open(args.state_file, "w") as handle:
            json.dump(urls, handle)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *unused: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    for simulator in simulators:
        simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
