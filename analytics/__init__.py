"""Pure domain computations with no I/O, tested with known answers."""
