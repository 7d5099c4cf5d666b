"""Login and the password tool, with the password hashing off the event loop.

datasette-auth-passwords checks a password (about 0.6 s of PBKDF2) on Datasette's event loop:
four guessing clients make every page wait. Here each check runs in a small thread pool
(hashlib releases the GIL), at most `NEWSMON_LOGIN_THREADS` at a time with a short queue
behind them; past that a login gets 503 at once. Every attempt counts against the client's
throttle from its start; an unknown user costs the same hashing as a known one. A good
password opens a server-side session (`datasette_plugins.sessions`).
"""

from __future__ import annotations

import logging
from typing import Any

from datasette.utils.asgi import Response

from datasette_plugins.state import get_state
from datasette_plugins.writes import WriteBusy

logger = logging.getLogger(__name__)

INVALID = "Invalid username or password"


def client_of(request: Any) -> str:
    """The TCP peer (uvicorn replaces it from X-Forwarded-For only for trusted proxies)."""
    return str((request.scope.get("client") or ("unknown", 0))[0])


def busy(status: int, message: str, retry_after: int) -> Response:
    return Response.text(message + "\n", status=status,
                         headers={"Retry-After": str(retry_after)})


async def login_form(datasette: Any, request: Any, error: str | None = None,
                     status: int = 200) -> Response:
    html = await datasette.render_template("password_login.html", {"error": error},
                                           request=request)
    return Response.html(html, status=status)


async def login_view(datasette: Any, request: Any) -> Response:
    """GET: the form. POST: throttle, check the password off the loop, open a session."""
    if request.method != "POST":
        return await login_form(datasette, request)
    state = get_state(datasette)
    client = client_of(request)
    if not state.throttle.begin(client):
        return busy(429, "Too many failed logins; try again later.",
                    int(state.throttle.window))
    form = await request.post_vars()
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    known = state.users.get(username)
    verdict = await state.hasher.verify(password, known or state.decoy)
    if verdict is None:
        return busy(503, "Too many logins at once; try again in a moment.", 5)
    if not (known and verdict):
        logger.info("failed login for %r from %s", username[:64], client)
        return await login_form(datasette, request, INVALID)
    state.throttle.succeeded(client)
    try:
        opened = await state.sessions.open(username)
    except WriteBusy:
        return busy(503, "The database is busy; log in again in a moment.", 5)
    response = Response.redirect(datasette.urls.path("/"))
    response.set_cookie("ds_actor", opened.cookie, max_age=opened.max_age, httponly=True)
    logger.info("login: %s from %s", username, client)
    return response


async def password_tool_view(datasette: Any, request: Any) -> Response:
    """Hash a password for NEWSMON_USERS: for logged-in users only (or `newsmon passwd`)."""
    if not request.actor:
        return Response.text("Log in to use the password tool, or run `newsmon passwd`.\n",
                             status=403)
    hashed = None
    if request.method == "POST":
        password = str((await request.post_vars()).get("password") or "")
        if password:
            hashed = await get_state(datasette).hasher.make(password)
            if hashed is None:
                return busy(503, "Busy; try again in a moment.", 5)
    html = await datasette.render_template("password_tool.html", {"hashed_password": hashed},
                                           request=request)
    return Response.html(html)
