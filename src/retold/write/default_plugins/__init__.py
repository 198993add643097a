"""Writer backends that ship with Retold, registered like any third-party plugin."""
