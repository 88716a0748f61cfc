"""Dispositions per charge, diversion programmes with structured terms, and their legal effect."""
