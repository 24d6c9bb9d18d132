"""gunicorn settings read from the repository root (`gunicorn ideas_site.wsgi:application`).

Each worker warms the Korean NLP (the analyser and every corpus's similarity index) right after it
loads the site, in a background thread: the index is cached per process, so a worker that started
cold made its first similar-ideas look-up wait seconds. The hook runs only in gunicorn's workers,
after the fork (so no lock or thread is copied half-way), and never for `manage.py` commands or tests.
"""


def post_worker_init(worker):
    from nlp.adapter import warm_up_in_background

    return warm_up_in_background()  # (gunicorn ignores it; the tests join it)
