"""Offline, deterministic question generator: reads an ingested article, proposes ranked candidates."""

from app.generation.build import Candidate, candidate_to_json, generate, report

__all__ = ["Candidate", "candidate_to_json", "generate", "report"]
