# The two commands the README gives: `make demo` and `make test`. Both install what they need.
.PHONY: demo test sanity bootstrap stress-timing matrix units integration galaxy-importer bench

bootstrap:
	bash scripts/bootstrap.sh

demo: bootstrap
	bash scripts/demo.sh

test: bootstrap
	bash scripts/test.sh

sanity: bootstrap
	bash scripts/sanity.sh

# Sanity + runtime smoke on every supported ansible-core (tests/support-matrix.txt); part of `make test`.
matrix: bootstrap
	bash scripts/matrix.sh test

# ansible-test units on a copy of the tree (pytest in `make test` runs the same tests faster).
units: bootstrap
	bash scripts/units.sh

# ansible-test integration: tests/integration/targets (one per system, against the simulators and a real Ceph).
integration: bootstrap
	bash scripts/integration.sh

galaxy-importer: bootstrap
	bash scripts/galaxy_importer.sh

# The waiting/timeout tests with three CPU burners beside them on two cores (scripts/stress-timing.sh).
stress-timing:
	bash scripts/stress-timing.sh

# Benchmarks (not part of CI; ~15-20 min on a loaded 2-core machine): regenerates tests/benchmarks/RESULTS.md.
bench: bootstrap
	bash scripts/install-peers.sh
	.venv/bin/python tests/benchmarks/run.py
