"""pytest plugin: registers the shared fixtures for every package's tests."""
