"""Dealer-satisfaction surveys: questionnaires, answers and their results."""
