"""Pure extraction functions over a parsed page: metadata, body, classification."""
