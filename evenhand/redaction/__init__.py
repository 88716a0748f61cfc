"""Detection of private information and participant names, and redacted copies of texts and PDFs."""
