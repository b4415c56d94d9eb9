"""Stage: sentences to English, through a model engine, checked and cached."""
