"""The thin Discord layer: commands and views parse input, call the core, render results."""
