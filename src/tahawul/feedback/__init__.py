"""Ratings, cases and the satisfaction index: the voice of the beneficiary."""
