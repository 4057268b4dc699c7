"""Benchmarks for Briefings: build-time comparison against Hugo and Pelican."""
