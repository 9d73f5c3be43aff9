"""Source text -> validated model: find maps in pages, load YAML with positions, validate."""
