"""Helpers for the benchmarks in bench/ (not benchmarks themselves)."""
