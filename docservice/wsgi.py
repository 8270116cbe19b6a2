"""WSGI entry point for gunicorn: the application configured from the environment."""

from docservice import create_app

app = create_app()
