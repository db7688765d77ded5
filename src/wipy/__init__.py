"""``wipy``: functions specific to the WiPy (placeholder: being written)."""
