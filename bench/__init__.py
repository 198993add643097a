"""Benchmarks: each prints `bench NAME: ratio=R (retold=A UNIT, baseline=B UNIT)`."""
