"""Weekly study plans from chapter 4.4 (knowledge/plans.yaml): the Discord-free core."""
