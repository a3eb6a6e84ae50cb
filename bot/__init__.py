"""Tutorbot: a study-group tutor for one textbook chapter (and any chapters added beside it)."""

__version__ = "0.1.0"
