"""Stateful API simulators for the systems bigdata.platform manages (see framework.py)."""
