"""WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`.

The question generator's English pipeline takes a second or two to load; a serving process loads it in
the background from the start, so the first "Generate questions" does not wait for it.
"""

import threading

from app import create_app
from app.generation import nlp

app = create_app()
threading.Thread(target=nlp.pipeline, name="nlp-warm-up", daemon=True).start()
