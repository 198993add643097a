"""The built-in judges; each registers exactly the way a third-party plugin would."""
