"""Stages: each reads what is ready from the store, does its work, commits the result.

The domain packages (ingest/, stories/, write/, verify/, relate/, publish/) hold the
pure logic; the modules here are the thin I/O layer that feeds them from the store.
"""
