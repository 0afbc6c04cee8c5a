"""Test support shared by every tasker-contrib package (not published)."""
