"""Review panel models (rubric, assignments, score sheets)."""
