"""Item pipelines (extract, normalize, validate, dedup) and the code they run."""
