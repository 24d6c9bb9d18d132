"""Local development: SQLite, console e-mail, tasks run immediately."""

from .base import *  # noqa: F403

DEBUG = True
# A development-only key; production reads its own from the environment.
SECRET_KEY = "dev-only-insecure-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Rows edited by hand (shell, admin) show at once: no anonymous page cache in development.
IDEAS_PAGE_CACHE = False
