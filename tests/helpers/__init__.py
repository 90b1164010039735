"""Small helpers shared by several test modules."""
