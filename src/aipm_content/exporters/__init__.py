"""Channels: each exporter renders the one model to a file format."""
