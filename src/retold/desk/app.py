"""The desk's web app: Starlette routes under /desk, the built site (optionally) at /.

Handlers are async only to read the request; everything touching the store runs in a
worker thread (``run_in_threadpool``), one transaction per request.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from retold.desk import actions, auth, public, queue, views
from retold.desk.models import DeskAction, ReaderReport
from retold.desk.rewrite import Rewriter
from retold.desk.security import MAX_BODY, SecurityHeaders
from retold.newsroom import Newsroom
from retold.publish.corrections import MESSAGE_MAX
from retold.store import articles as articles_store
from retold.store.schema import Article
from retold.verify.judges import get_judge, judge_checks

PREFIX = "/desk"
COOKIE = "retold_desk"
LOGIN_COOKIE = "retold_desk_login"  # login-form CSRF token, before there is a session
REPORTS_PER_WINDOW = 5  # per client address, then back-off

Handler = Callable[[Request], Awaitable[Response]]


class SiteFiles(StaticFiles):
    """The built site; 404 rather than a crash before the first `retold build` made it."""

    async def check_config(self) -> None:
        if self.directory is not None and Path(self.directory).is_dir():
            await super().check_config()


class Desk:
    """The app's state: the newsroom, templates, and the checker (its judge opened once)."""

    def __init__(self, room: Newsroom, site_dir: Path | None = None) -> None:
        self.room = room
        self.site_dir = site_dir
        self.env = Environment(
            loader=PackageLoader("retold.desk", "templates"),
            autoescape=select_autoescape(default=True),
            undefined=StrictUndefined,
        )
        self.env.globals["prefix"] = PREFIX
        self._check: actions.Checker | None = None
        self.rewriter = Rewriter(room)

    def checker(self) -> actions.Checker:
        if self._check is None:
            judge = get_judge(self.room.judge_name(), self.room.judge_settings())
            weight = self.room.settings.checker.judge_weight
            self._check = actions.rule_checker(lambda c: judge_checks(judge, c, weight=weight))
        return self._check

    def page(self, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(site=self.room.settings.site, **ctx)
        return HTMLResponse(html, status_code=status)

    def transaction(self) -> Any:
        return self.room.db.transaction()


def _cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=PREFIX,
        secure=True,  # browsers keep Secure cookies on http://127.0.0.1 and localhost too
        httponly=True,
        samesite="strict",
    )


async def read_form(request: Request) -> dict[str, str] | Response:
    """The posted form (url-encoded, at most MAX_BODY bytes), or the response refusing it."""
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/x-www-form-urlencoded"
    ):
        return Response("Forms only.", status_code=415)
    try:
        declared = int(request.headers.get("content-length", "0"))
    except ValueError:
        return Response("Bad request.", status_code=400)
    if declared > MAX_BODY:
        return Response("Too large.", status_code=413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return Response("Too large.", status_code=413)
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items()}


def _same_origin(request: Request) -> bool:
    """A browser's POST names its origin; one from another site is refused outright."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def make_app(room: Newsroom, site_dir: Path | None = None) -> Starlette:
    desk = Desk(room, site_dir)
    auth.dummy_hash()  # now, so the first unknown name at the login costs no more than later

    def signed_in(request: Request, session: Session) -> auth.Who | None:
        return auth.who(session, request.cookies.get(COOKIE))

    def login_redirect() -> Response:
        return RedirectResponse(f"{PREFIX}/login", status_code=303)

    def page_for(fn: Callable[[Request, Session, auth.Who], Response]) -> Handler:
        """A GET page for signed-in people."""

        async def handler(request: Request) -> Response:
            def work() -> Response:
                with desk.transaction() as session:
                    who = signed_in(request, session)
                    if who is None:
                        return login_redirect()
                    return fn(request, session, who)

            return await run_in_threadpool(work)

        return handler

    def post_for(
        fn: Callable[[Request, Session, auth.Who, dict[str, str]], Response],
    ) -> Handler:
        """A state change for signed-in people: same origin and the session's CSRF token."""

        async def handler(request: Request) -> Response:
            form = await read_form(request)
            if isinstance(form, Response):
                return form
            if not _same_origin(request):
                return desk.page("error.html", 403, who=None, message="Cross-site request refused.")

            def work() -> Response:
                with desk.transaction() as session:
                    who = signed_in(request, session)
                    if who is None:
                        return login_redirect()
                    if not auth.same_token(form.get("csrf"), who.csrf):
                        return desk.page(
                            "error.html",
                            403,
                            who=who,
                            message="This form has expired or did not come from the desk; "
                            "reload the page and try again.",
                        )
                    return fn(request, session, who, form)

            try:
                return await run_in_threadpool(work)
            except actions.Conflict as err:
                return desk.page("error.html", 409, who=None, message=str(err), conflict=True)
            except actions.ActionError as err:
                return desk.page("error.html", 400, who=None, message=str(err))

        return handler

    # -- signing in ---------------------------------------------------------------------

    async def login_form(request: Request) -> Response:
        token = secrets.token_urlsafe(24)
        response = desk.page("login.html", who=None, csrf=token, error="", name="")
        _cookie(response, LOGIN_COOKIE, token, 3600)
        return response

    async def login(request: Request) -> Response:
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        name = form.get("name", "").strip()[:64]
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if (
            not _same_origin(request)
            or not expected
            or not auth.same_token(form.get("csrf"), expected)
        ):
            return desk.page("error.html", 403, who=None, message="Sign-in form expired; reload.")
        keys = (f"login-user:{name.lower()}", f"login-ip:{_client(request)}")

        def work() -> tuple[str, int, str]:
            with desk.transaction() as session:
                wait = max(auth.blocked_for(session, k) for k in keys)
                if wait:
                    return "", wait, ""
                user = auth.check_password(session, name, form.get("password", ""))
                if user is None:
                    for key in keys:
                        auth.record_failure(session, key)
                    where = f"from {_client(request)}"
                    actions.record_event(session, name or "(no name)", "sign-in-failed", where)
                    return "", 0, "That name and password don't match an account."
                for key in keys:
                    auth.clear_failures(session, key)
                actions.record_event(session, user.name, "sign-in", f"from {_client(request)}")
                return auth.open_session(session, user), 0, ""

        token, wait, error = await run_in_threadpool(work)
        if wait:
            message = f"Too many failed sign-ins; try again in {wait} seconds."
            response = desk.page(
                "login.html", 429, who=None, csrf=expected, error=message, name=name
            )
            response.headers["Retry-After"] = str(wait)
            return response
        if not token:
            return desk.page("login.html", 401, who=None, csrf=expected, error=error, name=name)
        done = RedirectResponse(f"{PREFIX}/", status_code=303)
        _cookie(done, COOKIE, token, auth.SESSION_HOURS * 3600)
        done.delete_cookie(LOGIN_COOKIE, path=PREFIX)
        return done

    def logout(request: Request, session: Session, who: auth.Who, form: dict[str, str]) -> Response:
        auth.close_session(session, request.cookies.get(COOKIE))
        actions.record_event(session, who.name, "sign-out")
        response = RedirectResponse(f"{PREFIX}/login", status_code=303)
        response.delete_cookie(COOKIE, path=PREFIX)
        return response

    # -- pages --------------------------------------------------------------------------

    def queue_page(request: Request, session: Session, who: auth.Who) -> Response:
        filters = queue.Filters.parse(request.query_params)
        found = queue.load(session, filters)

        def link(**change: Any) -> str:
            values = {
                "status": filters.status,
                "source": filters.source,
                "topic": filters.topic,
                "verdict": filters.verdict,
                **change,
            }
            query = urlencode({k: v for k, v in values.items() if v and v != "queue"})
            return f"{PREFIX}/" + (f"?{query}" if query else "")

        pages = max(1, -(-found.total // queue.PER_PAGE))
        return desk.page("queue.html", who=who, q=found, link=link, pages=pages)

    def article_page(request: Request, session: Session, who: auth.Who) -> Response:
        detail = views.article_detail(session, int(request.path_params["id"]))
        if detail is None:
            return desk.page("error.html", 404, who=who, message="There is no such article.")
        base = room.settings.site.base_url
        public = f"{base}/{detail.article.slug}/" if detail.article.status == "published" else ""
        return desk.page("article.html", who=who, d=detail, public=public)

    def history_page(request: Request, session: Session, who: auth.Who) -> Response:
        article_id = int(request.path_params["id"])
        article = session.get(Article, article_id)

        def number(name: str) -> int | None:
            value = request.query_params.get(name, "")
            return int(value) if value.isdigit() else None

        pair = views.history_pair(session, article_id, number("a"), number("b"))
        if article is None or pair is None:
            return desk.page("error.html", 404, who=who, message="There is no such article.")
        old, new = pair
        versions = sorted({v.version for v in article.versions}, reverse=True)
        diff = views.version_diff(old, new)
        return desk.page(
            "history.html", who=who, article=article, old=old, new=new, diff=diff, versions=versions
        )

    def edit_page(request: Request, session: Session, who: auth.Who) -> Response:
        detail = views.article_detail(session, int(request.path_params["id"]))
        if detail is None:
            return desk.page("error.html", 404, who=who, message="There is no such article.")
        v = detail.version
        fields = {
            "headline": v.headline,
            "standfirst": v.standfirst,
            "body": "\n\n".join(v.paragraphs),
            "teaser": v.teaser,
            "reason": "",
        }
        return desk.page(
            "edit.html", who=who, d=detail, fields=fields, seen=v.version, checked=None
        )

    def audit_page(request: Request, session: Session, who: auth.Who) -> Response:
        if not who.admin:
            return desk.page("error.html", 403, who=who, message="The audit log is for admins.")
        rows = list(session.scalars(select(DeskAction).order_by(DeskAction.id.desc()).limit(500)))
        slugs = dict(
            session.execute(
                select(Article.id, Article.slug).where(
                    Article.id.in_({r.article_id for r in rows if r.article_id})
                )
            ).all()
        )
        return desk.page("audit.html", who=who, rows=rows, slugs=slugs)

    # -- actions ------------------------------------------------------------------------

    def _back(article_id: int, note: str = "") -> Response:
        query = f"?done={note}" if note else ""
        return RedirectResponse(f"{PREFIX}/article/{article_id}{query}", status_code=303)

    def _seen(form: dict[str, str]) -> int:
        value = form.get("version", "")
        if not value.isdigit():
            raise actions.ActionError("The form is missing the article version.")
        return int(value)

    def act(request: Request, session: Session, who: auth.Who, form: dict[str, str]) -> Response:
        article_id = int(request.path_params["id"])
        name = request.path_params["action"]
        reason = form.get("reason", "")
        seen = _seen(form)
        if name == "approve":
            actions.approve(session, who.name, article_id, seen)
        elif name == "reject":
            actions.reject(session, who.name, article_id, seen, reason)
        elif name == "unpublish":
            actions.unpublish(session, who.name, article_id, seen, reason)
        elif name == "recheck":
            actions.recheck(session, who.name, article_id, seen, desk.checker())
        elif name == "correct":
            actions.correct(session, who.name, article_id, seen, form.get("note", ""))
        else:
            return desk.page("error.html", 404, who=who, message="There is no such action.")
        return _back(article_id, name)

    def edit(request: Request, session: Session, who: auth.Who, form: dict[str, str]) -> Response:
        article_id = int(request.path_params["id"])
        seen = _seen(form)
        fields = {
            k: form.get(k, "") for k in ("headline", "standfirst", "body", "teaser", "reason")
        }
        if form.get("do") == "save":
            actions.edit(
                session, who.name, article_id, seen, fields, desk.checker(), fields["reason"]
            )
            return _back(article_id, "edit")
        # "Check": every sentence of the edited body checked and shown; nothing saved.
        checks = actions.preview(session, article_id, fields["body"], desk.checker())
        detail = views.article_detail(session, article_id)
        assert detail is not None
        rows = views.rows_for(actions.paragraphs_of(fields["body"]), checks)
        return desk.page("edit.html", who=who, d=detail, fields=fields, seen=seen, checked=rows)

    def undo(request: Request, session: Session, who: auth.Who, form: dict[str, str]) -> Response:
        row = actions.undo(session, who.name, int(request.path_params["id"]))
        assert row.article_id is not None
        return _back(row.article_id, "undo")

    def resolve(
        request: Request, session: Session, who: auth.Who, form: dict[str, str]
    ) -> Response:
        row = actions.resolve_report(session, who.name, int(request.path_params["id"]))
        assert row.article_id is not None
        return _back(row.article_id, "resolve")

    async def rewrite(request: Request) -> Response:
        """Ask the writer again with a brief: the model runs outside any transaction, and
        the result is saved only if the article is still the version the editor saw."""
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        if not _same_origin(request):
            return desk.page("error.html", 403, who=None, message="Cross-site request refused.")
        article_id = int(request.path_params["id"])

        def sources() -> tuple[auth.Who | None, list[Any], int]:
            with desk.transaction() as session:
                who = signed_in(request, session)
                if who is None or not auth.same_token(form.get("csrf"), who.csrf):
                    return who, [], -1
                seen = _seen(form)
                article = session.get(Article, article_id)
                if article is None or article.current_version != seen:
                    raise actions.Conflict(
                        "This article changed since you opened it; nothing was rewritten. "
                        "Reload it and try again."
                    )
                version = articles_store.current_version(session, article)
                return who, actions.source_docs(session, version), seen

        def save(who: auth.Who, draft: Any, seen: int) -> Response:
            with desk.transaction() as session:
                actions.rewrite(
                    session, who.name, article_id, seen, draft, desk.checker(),
                    form.get("brief", ""),
                )  # fmt: skip
            return _back(article_id, "rewrite")

        try:
            who, docs, seen = await run_in_threadpool(sources)
            if who is None:
                return login_redirect()
            if seen < 0:
                message = "This form has expired or did not come from the desk; reload it."
                return desk.page("error.html", 403, who=who, message=message)
            draft = await desk.rewriter.draft(docs, form.get("brief", ""))
            return await run_in_threadpool(save, who, draft, seen)
        except actions.Conflict as err:
            return desk.page("error.html", 409, who=None, message=str(err), conflict=True)
        except actions.ActionError as err:
            return desk.page("error.html", 400, who=None, message=str(err))

    # -- readers' reports (public: no session, no CSRF token; limited instead) ----------

    async def report(request: Request) -> Response:
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        message = form.get("message", "").strip()
        if not message or len(message) > MESSAGE_MAX:
            return desk.page(
                "report.html",
                400,
                ok=False,
                message=f"A report needs a message of at most {MESSAGE_MAX} characters.",
            )
        sentence = form.get("sentence", "").strip()
        key = f"report-ip:{_client(request)}"

        def work() -> tuple[int, str]:
            with desk.transaction() as session:
                wait = auth.blocked_for(session, key)
                if wait:
                    return wait, ""
                article = session.scalar(select(Article).where(Article.slug == form.get("slug")))
                if article is None:
                    return 0, "There is no such article."
                session.add(
                    ReaderReport(
                        article_id=article.id,
                        sentence=int(sentence)
                        if sentence.isdigit() and len(sentence) < 4
                        else None,
                        message=message,
                        contact=form.get("contact", "").strip()[:200],
                    )
                )
                # Every report counts towards the address's allowance, not just failures.
                auth.record_failure(session, key, free=REPORTS_PER_WINDOW)
                return 0, ""

        wait, error = await run_in_threadpool(work)
        if wait:
            response = desk.page(
                "report.html", 429, ok=False, message="Too many reports from here; try later."
            )
            response.headers["Retry-After"] = str(wait)
            return response
        if error:
            return desk.page("report.html", 404, ok=False, message=error)
        return desk.page("report.html", ok=True, message="Thank you: the editors will read it.")

    routes = [
        Route(f"{PREFIX}/login", login_form, methods=["GET"]),
        Route(f"{PREFIX}/login", login, methods=["POST"]),
        Route(f"{PREFIX}/logout", post_for(logout), methods=["POST"]),
        Route(f"{PREFIX}/", page_for(queue_page), methods=["GET"]),
        Route(f"{PREFIX}/article/{{id:int}}", page_for(article_page), methods=["GET"]),
        Route(f"{PREFIX}/article/{{id:int}}/history", page_for(history_page), methods=["GET"]),
        Route(f"{PREFIX}/article/{{id:int}}/edit", page_for(edit_page), methods=["GET"]),
        Route(f"{PREFIX}/article/{{id:int}}/edit", post_for(edit), methods=["POST"]),
        Route(f"{PREFIX}/article/{{id:int}}/rewrite", rewrite, methods=["POST"]),
        Route(f"{PREFIX}/article/{{id:int}}/{{action}}", post_for(act), methods=["POST"]),
        Route(f"{PREFIX}/action/{{id:int}}/undo", post_for(undo), methods=["POST"]),
        Route(f"{PREFIX}/report/{{id:int}}/resolve", post_for(resolve), methods=["POST"]),
        Route(f"{PREFIX}/audit", page_for(audit_page), methods=["GET"]),
        Route(f"{PREFIX}/report", report, methods=["POST"]),
        *public.subscription_routes(desk, PREFIX, read_form, _client, _same_origin),
        Route(PREFIX, lambda r: RedirectResponse(f"{PREFIX}/", status_code=308)),
        Mount(
            f"{PREFIX}/static",
            StaticFiles(directory=str(Path(__file__).parent / "static")),
            name="static",
        ),
    ]
    if site_dir is not None:
        routes.append(Mount("/", SiteFiles(directory=str(site_dir), html=True, check_dir=False)))
    app = Starlette(routes=routes)
    app.add_middleware(SecurityHeaders, prefix=PREFIX)
    return app
