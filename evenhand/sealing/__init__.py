"""Sealing, expungement, court-ordered access and unsealing (20 ILCS 2630)."""
