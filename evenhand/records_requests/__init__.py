"""Public-records requests under 5 ILCS 140: intake, deadlines, review, redaction, release."""
