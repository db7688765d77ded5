"""Backends: implementations of the ``hal`` seam. Front ends never import from here."""
