"""Pure rules: no I/O, no framework imports, `now` passed in."""
