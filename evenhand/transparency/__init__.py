"""Public office metrics and the de-identified open-data export."""
