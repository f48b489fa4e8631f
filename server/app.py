"""The app factory: settings, middleware, error handlers, routers, static files."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from chainrule import ProgramError, __version__
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from . import shutdown
from .errors import http_error, program_error, shutting_down, validation_error
from .middleware import BodyLimit, HeadAsGet, InternalErrors, SecurityHeaders
from .paths import path_for
from .pool import stop_pools
from .routes import (
    classify,
    compare,
    examples,
    graphs,
    health,
    lessons,
    pages,
    playground,
    playground_page,
    standalone,
    train,
    train_page,
)
from .runs import stop_runs
from .settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def lifespan(app: FastAPI):
    shutdown.install()  # SIGTERM: work ends in the error shape, not uvicorn's 500
    yield
    # Shutting down: runs still going and the worker processes end now.
    stop_runs()
    stop_pools()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="chainrule", version=__version__, docs_url=None, redoc_url=None,
                  description="Computation graphs with every node's value and gradient, and "
                              "the backward pass step by step.", lifespan=lifespan)
    app.state.settings = settings
    app.state.limits = settings.limits()
    app.state.templates = Jinja2Templates(directory=ROOT / "templates")
    # Asset URLs without the Host header's name in them (see server/paths.py).
    app.state.templates.env.globals["url_for"] = path_for

    app.add_exception_handler(shutdown.ShuttingDown, shutting_down)
    app.add_exception_handler(ProgramError, program_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)

    for module in (graphs, standalone, examples, health, pages, train, train_page, compare,
                   classify, lessons, playground, playground_page):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")

    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST"], allow_headers=["content-type"])
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       seconds=settings.client_seconds)
    app.add_middleware(InternalErrors)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    return app
