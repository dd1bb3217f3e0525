"""Instructor authoring commands: release, solution sync, helper links, validation, the football data."""
