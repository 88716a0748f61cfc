"""Public office metrics over the analytics store: definitions, computation, suppression."""
