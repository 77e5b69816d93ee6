"""The environment page: where the company issues, what keeps it from issuing (readiness),
its DIAN test set (habilitación) with the runner, and the promote / demote steps. It calls
``core.habilitacion`` exactly as ``pasarela habilitacion run`` and ``tenants promote|demote``
do."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from core.clock import now_bogota
from core.errors import PasarelaError
from core.habilitacion.composition import plan_composition
from core.habilitacion.runner import PollPolicy, run_test_set
from core.habilitacion.switch import demote, promote
from core.habilitacion.test_set import standing
from core.tenancy.readiness import tenant_readiness
from core.web.portal.session import (
    PortalSession,
    ctx_of,
    done,
    page,
    portal_form,
    require_admin,
    tenant_of,
)

ENVIRONMENT_PAGE = "/portal/ambiente"
# A request follows DIAN's verdict this long; the runner is resumable, so a set still in
# process is followed again by the next click (or seen on this page as it stands).
PORTAL_POLL = PollPolicy(first_delay_s=1.0, max_delay_s=5.0, timeout_s=45.0)
VERDICTS = {
    "aceptado": "aceptado por la DIAN",
    "en_proceso": "en proceso (aún no aceptado)",
    "sin_enviar": "sin documentos enviados",
}


@get("/ambiente")
async def environment_page(request: Request[Any, Any, Any], session: PortalSession) -> Template:
    tenant_id = tenant_of(session)
    ctx = ctx_of(request)
    record = await ctx.tenants.get_tenant(tenant_id)
    environments = ctx.registry.environments.as_mapping()
    current = environments.get(record.environment)
    production = current.production if current else None
    test_environments = [e.id for e in environments.values() if e.production == record.environment]
    test_set = None
    test_set_problem = None
    if production is not None:
        try:
            required = plan_composition(
                ctx.registry.document_types.as_mapping(), record.permissions
            )
            test_set = await standing(ctx, tenant_id, required)
        except PasarelaError as problem:
            test_set_problem = str(problem)
    return await page(
        request,
        "ambiente.html",
        session,
        environment=current,
        production=environments.get(production) if production else None,
        back_to=environments.get(test_environments[0]) if test_environments else None,
        readiness=await tenant_readiness(ctx.tenants, ctx.ranges, tenant_id, now_bogota().date()),
        test_set=test_set,
        test_set_problem=test_set_problem,
        verdicts=VERDICTS,
    )


@post("/ambiente/set-de-pruebas", status_code=303)
async def send_test_set(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    """Send what the test set still lacks and follow DIAN's verdict for a while."""
    tenant_id = require_admin(session)
    await portal_form(request, session)
    try:
        outcome = await run_test_set(ctx_of(request), tenant_id, poll=PORTAL_POLL)
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", ENVIRONMENT_PAGE)
    message = f"Set de pruebas {outcome.test_set_id}: {VERDICTS[outcome.verdict]}."
    if outcome.problems:
        message += " " + "; ".join(outcome.problems)
    return await done(request, session, message, ENVIRONMENT_PAGE)


@post("/ambiente/promover", status_code=303)
async def promote_tenant(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    tenant_id = require_admin(session)
    await portal_form(request, session)
    try:
        switched = await promote(ctx_of(request), tenant_id)
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", ENVIRONMENT_PAGE)
    message = (
        f"La empresa pasó de {switched.previous_environment} a {switched.environment}; "
        f"{len(switched.ranges_added)} resolución(es) de la DIAN registradas."
    )
    return await done(request, session, message, ENVIRONMENT_PAGE)


@post("/ambiente/regresar", status_code=303)
async def demote_tenant(request: Request[Any, Any, Any], session: PortalSession) -> Redirect:
    tenant_id = require_admin(session)
    await portal_form(request, session)
    try:
        switched = await demote(ctx_of(request), tenant_id)
    except PasarelaError as problem:
        return await done(request, session, f"Error: {problem}", ENVIRONMENT_PAGE)
    message = f"La empresa regresó de {switched.previous_environment} a {switched.environment}."
    return await done(request, session, message, ENVIRONMENT_PAGE)


ENVIRONMENT_HANDLERS = [environment_page, send_test_set, promote_tenant, demote_tenant]
