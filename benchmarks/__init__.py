"""Benchmarks of the NLP triage against the reference pipeline (see ``triage_eval.py``)."""
