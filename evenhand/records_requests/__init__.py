"""Public-records requests under the state Freedom of Information Act: intake, deadlines, review,
redaction, release."""
