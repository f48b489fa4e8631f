"""The web app: one router per resource (routes/), their models (schemas/), the CLI (cli/).

create_app (app.py) wires them with settings, middleware and error handlers."""
