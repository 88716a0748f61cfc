"""Intake, felony review and charging decisions, each checked against comparable history."""
