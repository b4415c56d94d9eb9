"""Many sources to many sheets: the up-to-date manifest and the worker pool."""
