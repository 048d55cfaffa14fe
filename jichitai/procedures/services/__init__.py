"""Writes of the procedures module: the catalogue, and online intake (intake.py)."""

from jichitai.procedures.services.catalogue import create_procedure, update_procedure

__all__ = ["create_procedure", "update_procedure"]
