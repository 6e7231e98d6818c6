"""One reader per family of instructions; :mod:`..parse` runs them in order."""
