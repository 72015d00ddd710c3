# The two commands the README gives: `make demo` and `make test`. Both install what they need.
.PHONY: demo test sanity bootstrap stress-timing

bootstrap:
	bash scripts/bootstrap.sh

demo: bootstrap
	bash scripts/demo.sh

test: bootstrap
	bash scripts/test.sh

sanity: bootstrap
	bash scripts/sanity.sh

# The waiting/timeout tests with three CPU burners beside them on two cores (scripts/stress-timing.sh).
stress-timing:
	bash scripts/stress-timing.sh
