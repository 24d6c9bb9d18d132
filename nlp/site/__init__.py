"""Django side of the triage screen (permissions and reads). Kept out of the top-level `nlp`
modules, which form the Django-free core."""
