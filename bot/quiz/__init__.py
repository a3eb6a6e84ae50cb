"""Quizzes, exercises and spaced repetition: the Discord-free core (see README.md here).

Modules: models (value types), bank (YAML loading and schema checks), citations (verbatim
quotes for reveals), matching (typed answers), scoring (points), session (channel quiz
engine and its SQLite store), runner (the asyncio pacing task), stats (leaderboards and
"missed most" charts), srs (SM-2), practice (personal review), exercises (key-point
feedback), render (plain text), service (wiring), cli (`tutorbot quiz`, chat commands).
"""
