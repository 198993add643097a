"""Distributed stages: `retold worker` runs them as Celery tasks with a Redis broker.

The store is the truth: a task names a stage, the worker leases each item in the store
before working on it (``retold.claims``), so a redelivered or duplicated task finds the
work done and does nothing. Redis carries the tasks, their results and the per-host turns.
"""
