"""Source text -> validated model: finding maps in pages, loading YAML with positions, validating."""
